"""The wishlist part of a member's data: saved products and restock alerts, deleted with it."""

from __future__ import annotations

from typing import Any

from accounts.personal_data import PersonalDataSection, register_section
from wishlist.models import RestockSubscription, WishlistItem


def export(user: Any) -> dict[str, Any]:
    return {
        "wishlist": [
            {"product": item.product.name, "added_at": item.created_at.isoformat()}
            for item in WishlistItem.objects.filter(user=user).select_related("product")
        ],
        "restock_alerts": [
            {"variant": str(alert.variant), "since": alert.created_at.isoformat()}
            for alert in RestockSubscription.objects.filter(user=user).select_related("variant")
        ],
    }


def erase(user: Any) -> None:
    WishlistItem.objects.filter(user=user).delete()
    RestockSubscription.objects.filter(user=user).delete()


register_section(PersonalDataSection(name="wishlist", export=export, erase=erase))
