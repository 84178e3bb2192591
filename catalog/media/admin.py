"""Media in the admin: a gallery inline for the product page and a status page for operators.

Both add and remove through ``catalog.media.services`` so an upload from the admin is
validated, stored and queued exactly like one from the API. Each row shows a thumbnail
once ready and its status (pending, processing, ready, or failed with the reason).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.media import services
from catalog.media.models import MediaKind, ProductMedia
from catalog.media.validation import InvalidMediaError
from catalog.models import Variant
from shop.admin import AuditedModelAdmin
from shop.exceptions import ShopError

THUMBNAIL_WIDTH = 320


class ProductMediaForm(forms.ModelForm):
    """Checks a new upload by its content; an existing row's file cannot be swapped."""

    class Meta:
        model = ProductMedia
        fields = ["original", "variant", "alt_text", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["original"].disabled = True  # remove the row and upload a new file
            self.fields["variant"].queryset = Variant.objects.filter(
                product=self.instance.product_id
            )

    def clean_original(self) -> Any:
        upload = self.cleaned_data.get("original")
        if self.instance.pk or upload is None:
            return upload
        try:
            services.check_upload(file=upload)
        except InvalidMediaError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class ProductMediaFormSet(BaseInlineFormSet):
    """Adds, removes and reorders gallery rows through the services instead of saving them.

    ``vendor_id`` is the vendor the page acts for (the seller center sets it), passed to
    every service call so a vendor can only touch its own products' media.
    """

    vendor_id: int | None = None

    def save_new(self, form: forms.ModelForm, commit: bool = True) -> ProductMedia:
        data = form.cleaned_data
        variant = data.get("variant")
        return services.add_media(
            product_id=self.instance.pk,
            file=data["original"],
            variant_id=variant.pk if variant else None,
            alt_text=data.get("alt_text", ""),
            vendor_id=self.vendor_id,
        )

    def save_existing(self, form: forms.ModelForm, obj: ProductMedia, commit: bool = True) -> Any:
        # The order is saved by ``reorder_media`` in ``save``; only the text and variant here.
        if commit:
            obj.save(update_fields=["alt_text", "variant", "updated_at"])
        return obj

    def save(self, commit: bool = True) -> list[ProductMedia]:
        saved = super().save(commit)
        if commit:
            self.save_order()
        return saved

    def save_order(self) -> None:
        """Put the gallery in the order of the position column, new uploads last."""
        deleted = {id(form) for form in self.deleted_forms}
        kept = [
            (form.cleaned_data.get("position", form.instance.position), index, form.instance.pk)
            for index, form in enumerate(self.initial_forms)
            if id(form) not in deleted and form.instance.pk is not None
        ]
        wanted = [pk for _position, _index, pk in sorted(kept)]
        wanted += [media.pk for media in self.new_objects]
        current = list(
            ProductMedia.objects.filter(product=self.instance)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        # Rows added meanwhile (another tab, the API) keep their place at the end.
        wanted = [pk for pk in wanted if pk in current]
        wanted += [pk for pk in current if pk not in wanted]
        if wanted != current:
            services.reorder_media(
                product_id=self.instance.pk, media_ids=wanted, vendor_id=self.vendor_id
            )

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        # Only the variants of this product can be picked (the service checks it again).
        # The choices are read once for the whole gallery, not once per row.
        field = form.fields["variant"]
        field.queryset = Variant.objects.filter(product=self.instance.pk)
        if not hasattr(self, "_variant_choices"):
            self._variant_choices = list(field.choices)
        field.choices = self._variant_choices

    def delete_existing(self, obj: ProductMedia, commit: bool = True) -> None:
        if commit:
            services.remove_media(media_id=obj.pk, vendor_id=self.vendor_id)


@admin.display(description=_("preview"))
def preview(obj: ProductMedia) -> str:
    """Return a thumbnail once ready (the poster for a video), else nothing."""
    src = obj.poster_url if obj.kind == MediaKind.VIDEO else obj.url(max_width=THUMBNAIL_WIDTH)
    if not src:
        return "-"
    return format_html('<img src="{}" alt="{}" style="max-height:80px">', src, obj.alt_text)


@admin.display(description=_("processing"))
def processing_status(obj: ProductMedia) -> str:
    """Return the status, with the reason when it failed; nothing for a row not uploaded yet."""
    if obj.pk is None:  # the gallery's empty upload row: no file, so nothing is pending
        return "-"
    if obj.failure_reason:
        return format_html("{}: {}", obj.get_status_display(), obj.failure_reason)
    return obj.get_status_display()


class ProductMediaInlineMixin:
    """The product's gallery, in order: thumbnail, file, variant, text, position, status."""

    model = ProductMedia
    form = ProductMediaForm
    formset = ProductMediaFormSet
    fk_name = "product"
    extra = 1
    fields = ["preview", "original", "variant", "alt_text", "position", "processing_status"]
    readonly_fields = ["preview", "processing_status"]
    ordering = ["position", "id"]

    preview = staticmethod(preview)
    processing_status = staticmethod(processing_status)


class ProductMediaInline(ProductMediaInlineMixin, admin.TabularInline):
    """The platform admin's gallery inline; add it to ``ProductAdmin.inlines``."""


@admin.register(ProductMedia)
class ProductMediaAdmin(AuditedModelAdmin):
    """Every media row with its processing state; failed rows can be processed again."""

    list_display = ["__str__", "preview", "product", "kind", "status", "attempts", "updated_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["product"]
    search_fields = ["product__name", "original_name", "alt_text"]
    readonly_fields = [
        "preview",
        "product",
        "kind",
        "original",
        "original_name",
        "processing_status",
        "attempts",
        "renditions",
        "poster",
        "duration",
        "width",
        "height",
        "processed_at",
    ]
    fields = ["variant", "alt_text", "position", *readonly_fields]
    actions = ["process_again"]

    preview = staticmethod(preview)
    processing_status = staticmethod(processing_status)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads belong to a product: its page has the gallery

    def delete_model(self, request: HttpRequest, obj: ProductMedia) -> None:
        services.remove_media(media_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for media_id in queryset.values_list("pk", flat=True):
            services.remove_media(media_id=media_id)

    @admin.action(description=_("Process the selected failed media again"))
    def process_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = 0
        for media_id in queryset.values_list("pk", flat=True):
            try:
                services.retry_media(media_id=media_id)
            except ShopError as exc:
                self.message_user(request, f"#{media_id}: {exc.message}", messages.WARNING)
            else:
                queued += 1
        self.message_user(request, _("%(count)d media queued again.") % {"count": queued})
