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
from catalog.models import Product
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
    current_vendor,
    register_dashboard_count,
    seller_site,
)


class SellerOptionGroupInline(OptionGroupInlineMixin, VendorScopedTabularInline):
    vendor_field = "product__vendor"


class SellerVariantInline(VariantInlineMixin, VendorScopedTabularInline):
    vendor_field = "product__vendor"


class SellerAddOnInline(AddOnInlineMixin, VendorScopedTabularInline):
    vendor_field = "product__vendor"


class SellerTextOptionInline(TextOptionInlineMixin, VendorScopedTabularInline):
    vendor_field = "product__vendor"


@admin.register(Product, site=seller_site)
class ProductSellerAdmin(ProductAdminMixin, VendorScopedModelAdmin):
    """The vendor's products with their option groups, variant grid, add-ons and text options."""

    inlines = [
        SellerOptionGroupInline,
        SellerVariantInline,
        SellerAddOnInline,
        SellerTextOptionInline,
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
