"""What the platform admin and the seller center share for product pages.

Saving goes through ``catalog.services`` wherever a rule applies: the product itself
(sanitised description, notice, price), its option groups (``set_options``), the
variant grid (``update_variant_grid``), status and price actions, and deletion (a
soft delete). Each page only says which vendor it acts for: ``None`` on the platform
admin, the member's vendor in the seller center.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.forms import (
    OptionGroupForm,
    OptionGroupFormSet,
    ProductActionForm,
    ProductForm,
    VariantGridForm,
    VariantGridFormSet,
    product_values,
)
from catalog.importexport.admin import CatalogImportExportMixin
from catalog.models import AddOn, OptionGroup, Product, TextOption, Variant
from shop.exceptions import ShopError
from shop.money import format_krw


class OptionGroupInlineMixin:
    model = OptionGroup
    form = OptionGroupForm
    formset = OptionGroupFormSet
    fields = ["name", "values_text", "position"]
    extra = 1
    verbose_name_plural = _("option groups (save, then use “Generate all option combinations”)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("values")  # type: ignore[misc]


class VariantInlineMixin:
    """The variant grid: price, stock, SKU and active flag of every combination in one table."""

    model = Variant
    form = VariantGridForm
    formset = VariantGridFormSet
    fields = [
        "label",
        "sku",
        "extra_price",
        "final_price",
        "stock",
        "stock_was",
        "is_active",
        "availability",
    ]
    readonly_fields = ["label", "final_price", "availability"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("variants (option combinations)")

    @admin.display(description=_("final price"))
    def final_price(self, obj: Variant) -> str:
        # The formset set ``obj.product`` to the page's product: no query per row.
        return format_krw(obj.product.price + obj.extra_price) if obj.pk else "-"

    @admin.display(description=_("availability"))
    def availability(self, obj: Variant) -> str:
        if not obj.is_active:
            return gettext("Inactive")
        return gettext("In stock") if obj.stock > 0 else gettext("Out of stock")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # combinations come from the option groups, never typed by hand


class AddOnInlineMixin:
    model = AddOn
    fields = ["name", "price", "stock", "is_active", "position"]
    extra = 0


class TextOptionInlineMixin:
    model = TextOption
    fields = ["label", "max_length", "is_required", "position"]
    extra = 0


class ProductAdminMixin(CatalogImportExportMixin):
    """List, filters, actions, import/export and service-backed saving of the product pages."""

    form = ProductForm
    action_form = ProductActionForm
    list_display = ["name", "vendor", "status", "price_display", "is_tax_free", "updated_at"]
    list_filter = ["status", "categories", "is_tax_free"]
    list_select_related = ["vendor"]
    search_fields = ["name", "slug", "brand"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["categories"]
    product_actions = [
        "publish_products",
        "hide_products",
        "change_price_by_percent",
        "generate_all_combinations",
    ]

    change_form_template = "catalog/admin/product_change_form.html"

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.generate_variants_view)  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}_generate_variants"
        return [
            path("<path:object_id>/generate-variants/", view, name=name),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "generate_variants_url": self.generate_variants_url(object_id),
        }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def generate_variants_url(self, object_id: Any) -> str:
        site = self.admin_site.name  # type: ignore[attr-defined]
        return reverse(f"{site}:catalog_product_generate_variants", args=[object_id])

    def generate_variants_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "모든 조합 생성" button: create every missing combination of one product."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if product is None or not self.has_change_permission(request, product):  # type: ignore[attr-defined]
            raise Http404
        result = services.generate_variants(
            product_id=product.pk, vendor_id=self.acting_vendor_id(request)
        )
        self.message_user(  # type: ignore[attr-defined]
            request,
            gettext("%(created)d variants created, %(deactivated)d deactivated.")
            % {"created": len(result.created), "deactivated": len(result.deactivated_ids)},
        )
        change_url = f"{self.admin_site.name}:catalog_product_change"  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse(change_url, args=[product.pk]))

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        """Return the vendor the page acts for; ``None`` means the platform's staff."""
        return None

    @admin.display(description=_("price"), ordering="price")
    def price_display(self, obj: Product) -> str:
        return format_krw(obj.price)

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        values = product_values(form)
        categories = [category.pk for category in form.cleaned_data.get("categories", [])]
        vendor_id = self.acting_vendor_id(request)
        if change:
            services.update_product(
                product_id=obj.pk, vendor_id=vendor_id, categories=categories, **values
            )
            return
        product = services.create_product(vendor_id=obj.vendor_id, categories=categories, **values)
        # The inline formsets hold ``obj``: give it the new row's identity so they attach to it.
        obj.pk = product.pk
        obj._state.adding = False
        obj._state.db = product._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Categories were saved by the service with the product; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        vendor_id = self.acting_vendor_id(request)
        if isinstance(formset, OptionGroupFormSet | VariantGridFormSet):
            # Saved by the services (with their own audit events), not by the formset;
            # the admin's change message still reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if isinstance(formset, OptionGroupFormSet):
            if not formset.has_changed():
                return
            services.set_options(
                product_id=form.instance.pk, groups=formset.groups(), vendor_id=vendor_id
            )
            return
        if isinstance(formset, VariantGridFormSet):
            rows = formset.rows()
            if rows:
                services.update_variant_grid(
                    product_id=form.instance.pk, rows=rows, vendor_id=vendor_id
                )
            return
        super().save_formset(request, form, formset, change)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Product) -> None:
        services.delete_product(product_id=obj.pk, vendor_id=self.acting_vendor_id(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        vendor_id = self.acting_vendor_id(request)
        with transaction.atomic():
            for product_id in queryset.values_list("pk", flat=True):
                services.delete_product(product_id=product_id, vendor_id=vendor_id)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if self.has_change_permission(request):  # type: ignore[attr-defined]
            for name in self.product_actions:
                actions[name] = self.get_action(name)  # type: ignore[attr-defined]
        return actions

    def run_per_product(
        self, request: HttpRequest, queryset: QuerySet, work: Any, done_message: str
    ) -> None:
        vendor_id = self.acting_vendor_id(request)
        try:
            with transaction.atomic():
                count = sum(
                    1 for pk in queryset.values_list("pk", flat=True) if work(pk, vendor_id)
                )
        except ShopError as error:
            details = "; ".join(m for messages_ in error.fields.values() for m in messages_)
            self.message_user(request, f"{error.message} {details}", messages.ERROR)  # type: ignore[attr-defined]
            return
        self.message_user(request, done_message % {"count": count})  # type: ignore[attr-defined]

    @admin.action(description=_("Put selected products on sale"))
    def publish_products(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_statuses(request, queryset, Product.Status.ON_SALE)

    @admin.action(description=_("Hide selected products"))
    def hide_products(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.change_statuses(request, queryset, Product.Status.HIDDEN)

    def change_statuses(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        def work(product_id: int, vendor_id: int | None) -> bool:
            services.change_status(product_id=product_id, status=status, vendor_id=vendor_id)
            return True

        self.run_per_product(request, queryset, work, gettext("%(count)d products updated."))

    @admin.action(description=_("Change price by percent"))
    def change_price_by_percent(self, request: HttpRequest, queryset: QuerySet) -> None:
        try:
            percent = Decimal(request.POST.get("percent", "").strip())
        except ArithmeticError:
            self.message_user(  # type: ignore[attr-defined]
                request, gettext("Enter the percent next to the action."), messages.ERROR
            )
            return
        try:
            count = services.change_prices_by_percent(
                product_ids=list(queryset.values_list("pk", flat=True)),
                percent=percent,
                vendor_id=self.acting_vendor_id(request),
            )
        except ShopError as error:
            details = "; ".join(m for messages_ in error.fields.values() for m in messages_)
            self.message_user(request, f"{error.message} {details}", messages.ERROR)  # type: ignore[attr-defined]
            return
        self.message_user(  # type: ignore[attr-defined]
            request,
            ngettext(
                "The price of %(count)d product changed.",
                "The prices of %(count)d products changed.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Generate all option combinations"))
    def generate_all_combinations(self, request: HttpRequest, queryset: QuerySet) -> None:
        def work(product_id: int, vendor_id: int | None) -> bool:
            result = services.generate_variants(product_id=product_id, vendor_id=vendor_id)
            return bool(result.created or result.deactivated_ids)

        self.run_per_product(
            request, queryset, work, gettext("Variants generated for %(count)d products.")
        )
