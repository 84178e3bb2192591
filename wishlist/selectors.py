"""Reads of the wishlist app, each a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from wishlist.models import RestockSubscription, WishlistItem


def list_wishlist(user: Any) -> QuerySet[WishlistItem]:
    """The member's wished products still in the storefront, newest first."""
    return (
        WishlistItem.objects.filter(user=user, product__deleted_at__isnull=True)
        .select_related("product", "product__vendor")
        .order_by("-created_at", "-pk")
    )


def is_wished(user: Any, product_id: int) -> bool:
    return WishlistItem.objects.filter(user=user, product_id=product_id).exists()


def list_restock_alerts(user: Any) -> QuerySet[RestockSubscription]:
    """The member's restock requests, waiting ones first."""
    return (
        RestockSubscription.objects.filter(user=user)
        .select_related("variant__product")
        .order_by("notified_at", "-created_at")
    )


def wished_product_ids(user: Any, *, limit: int = 500) -> list[int]:
    return list(
        WishlistItem.objects.filter(user=user)
        .order_by("-created_at", "-pk")
        .values_list("product_id", flat=True)[:limit]
    )
