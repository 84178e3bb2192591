"""The seller center's product pages: a vendor's own products, options, variants and add-ons.

Every list, form, inline and action is scoped to the signed-in member's vendor by the
``vendors.sellercenter`` base classes, and every save passes that vendor's id to the
services, so another vendor's product is "not found" even there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.admin_mixins import (
    AddOnInlineMixin,
    OptionGroupInlineMixin,
    ProductAdminMixin,
    TextOptionInlineMixin,
    VariantInlineMixin,
)
from catalog.media.admin import ProductMediaInlineMixin
from catalog.models import Product
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
    current_vendor,
    register_dashboard_count,
    seller_site,
)


class SellerProductInline(VendorScopedTabularInline):
    """Base of the product page's inlines on the seller center.

    Django asks an inline's permissions with the *parent* product, not an inline row;
    following ``product__vendor`` from a product finds nothing, which made every inline
    read-only (and its saved edits silently ignored). The parent product is owned when
    it is the vendor's own.
    """

    vendor_field = "product__vendor"

    def owns(self, request: HttpRequest, obj: Any) -> bool:
        if isinstance(obj, Product):
            return obj.vendor_id == current_vendor(request).pk
        return super().owns(request, obj)


class SellerOptionGroupInline(OptionGroupInlineMixin, SellerProductInline):
    pass


class SellerVariantInline(VariantInlineMixin, SellerProductInline):
    pass


class SellerAddOnInline(AddOnInlineMixin, SellerProductInline):
    pass


class SellerTextOptionInline(TextOptionInlineMixin, SellerProductInline):
    pass


class SellerProductMediaInline(ProductMediaInlineMixin, SellerProductInline):
    """The gallery of the vendor's own product: every add, removal and reorder passes the
    vendor to the media services, so another vendor's product or media is "not found"."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.vendor_id = current_vendor(request).pk
        return formset


@admin.register(Product, site=seller_site)
class ProductSellerAdmin(ProductAdminMixin, VendorScopedModelAdmin):
    """The vendor's products with their option groups, variant grid, add-ons, text options
    and media gallery."""

    inlines = [
        SellerOptionGroupInline,
        SellerVariantInline,
        SellerAddOnInline,
        SellerTextOptionInline,
        SellerProductMediaInline,
    ]
    csv_fields = ["id", "name", "slug", "status", "price", "brand", "is_tax_free", "created_at"]

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return current_vendor(request).pk

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        vendor = current_vendor(request)
        if not change:
            obj.vendor_id = vendor.pk
        if obj.vendor_id != vendor.pk:
            raise PermissionDenied  # a product never moves to, or is saved for, another vendor
        super().save_model(request, obj, form, change)


register_dashboard_count(
    _("Products on sale"),
    lambda vendor: Product.objects.filter(vendor=vendor, status=Product.Status.ON_SALE).count(),
    url_name="sellercenter:catalog_product_changelist",
)
