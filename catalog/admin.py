"""The platform admin's catalog pages: the category tree and every vendor's products.

Importing this module also registers the seller center's product pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from catalog.admin_mixins import (
    AddOnInlineMixin,
    OptionGroupInlineMixin,
    ProductAdminMixin,
    TextOptionInlineMixin,
    VariantInlineMixin,
)
from catalog.media.admin import ProductMediaAdmin  # noqa: F401  (registers the media status page)
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


@admin.register(Product)
class ProductAdmin(ProductAdminMixin, AuditedModelAdmin):
    """Every vendor's products; saves, actions and deletion go through the services."""

    list_filter = ["status", "vendor", "categories", "is_tax_free"]
    autocomplete_fields = ["vendor"]
    inlines = [OptionGroupInline, VariantInline, AddOnInline, TextOptionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # A product never moves to another vendor: its orders and settlements name the vendor.
        return [*readonly, "vendor"] if obj is not None else readonly
