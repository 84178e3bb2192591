"""Wishlists and restock alerts in the merchant admin, to read (members make them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wishlist.models import RestockSubscription, WishlistItem


class ReadOnlyAdmin(admin.ModelAdmin):
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
