"""The platform admin's catalog pages: the category tree and every vendor's products.

Importing this module also registers the seller center's product pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import services
from catalog.admin_mixins import (
    AddOnInlineMixin,
    OptionGroupInlineMixin,
    ProductAdminMixin,
    TextOptionInlineMixin,
    VariantInlineMixin,
)
from catalog.media.admin import (  # ProductMediaAdmin: registers the media status page
    ProductMediaAdmin,  # noqa: F401
    ProductMediaInline,
)
from catalog.models import Category, Product
from catalog.seller_admin import ProductSellerAdmin  # noqa: F401  (registers the seller center's pages)
from shop.admin import AuditedModelAdmin


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ["name", "parent", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["parent", "name", "slug", "position", "is_active", "seo_title", "seo_description"]


class OptionGroupInline(OptionGroupInlineMixin, admin.TabularInline):
    pass


class VariantInline(VariantInlineMixin, admin.TabularInline):
    pass


class AddOnInline(AddOnInlineMixin, admin.TabularInline):
    pass


class TextOptionInline(TextOptionInlineMixin, admin.TabularInline):
    pass


class DeletedFilter(admin.SimpleListFilter):
    """Products in the list are the live ones; "deleted" shows the soft-deleted ones instead."""

    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Deleted products"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(deleted_at__isnull=self.value() != "yes")


@admin.register(Product)
class ProductAdmin(ProductAdminMixin, AuditedModelAdmin):
    """Every vendor's products; saves, actions and deletion go through the services.

    Soft-deleted products are listed under the "deleted" filter, read-only, and can
    be restored from there.
    """

    list_filter = [DeletedFilter, "status", "vendor", "categories", "is_tax_free", "adult_only"]
    product_actions = [*ProductAdminMixin.product_actions, "restore_products"]
    autocomplete_fields = ["vendor"]
    inlines = [OptionGroupInline, VariantInline, AddOnInline, TextOptionInline, ProductMediaInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = Product.all_objects.all()
        ordering = self.get_ordering(request)
        return rows.order_by(*ordering) if ordering else rows

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not is_deleted(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not is_deleted(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset.filter(deleted_at__isnull=True))

    @admin.action(description=_("Restore selected deleted products"))
    def restore_products(self, request: HttpRequest, queryset: QuerySet) -> None:
        deleted = list(queryset.filter(deleted_at__isnull=False).values_list("pk", flat=True))
        for product_id in deleted:
            services.restore_product(product_id=product_id)
        self.message_user(
            request,
            ngettext("%(count)d product restored.", "%(count)d products restored.", len(deleted))
            % {"count": len(deleted)},
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # A product never moves to another vendor: its orders and settlements name the vendor.
        return [*readonly, "vendor"] if obj is not None else readonly


def is_deleted(obj: Any) -> bool:
    return obj is not None and getattr(obj, "deleted_at", None) is not None
