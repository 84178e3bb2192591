"""Wishlists and restock alerts in the merchant admin, and restock demand in the seller center."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shop.admin import AuditedModelAdmin
from vendors.sellercenter import VendorScopedModelAdmin, register_dashboard_count, seller_site
from wishlist.models import RestockSubscription, WishlistItem


class ReadOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WishlistItem)
class WishlistItemAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "product"]
    list_select_related = ["user", "product"]
    search_fields = ["user__email", "product__name"]
    raw_id_fields = ["user", "product"]


@admin.register(RestockSubscription)
class RestockSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "email", "variant", "confirmed_at", "notified_at"]
    list_filter = [("notified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "variant__product"]
    search_fields = ["user__email", "email", "variant__product__name"]
    raw_id_fields = ["user", "variant"]


@admin.register(RestockSubscription, site=seller_site)
class RestockDemandSellerAdmin(VendorScopedModelAdmin):
    """How many shoppers wait for each of the vendor's sold-out options.

    Only options and dates: who is waiting (member or guest address) stays with the
    platform, so the list and its CSV export name no shopper.
    """

    vendor_field = "variant__product__vendor"
    list_display = ["variant", "created_at", "notified_at"]
    list_filter = [("notified_at", admin.EmptyFieldListFilter)]
    list_select_related = ["variant__product"]
    search_fields = ["variant__product__name", "variant__label"]
    fields = ["variant", "created_at", "notified_at"]
    readonly_fields = fields
    csv_fields = ["id", "variant", "created_at", "notified_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


register_dashboard_count(
    _("Shoppers waiting for a restock"),
    lambda vendor: RestockSubscription.objects.filter(
        variant__product__vendor=vendor, notified_at__isnull=True
    ).count(),
    url_name="sellercenter:wishlist_restocksubscription_changelist",
)
