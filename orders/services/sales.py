"""Keep the catalog's "units sold" of each product equal to what paid orders kept.

Counted from the order lines themselves (paid orders, minus what was cancelled or
returned), so running it twice for one event, or late, gives the same result.
"""

from __future__ import annotations

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from catalog.services import set_sales_counts
from orders.models import OrderLine


def recount_sales(*, order_id: int) -> dict[int, int]:
    """Recount the units sold of every product on ``order_id``; return ``{product_id: units}``."""
    product_ids = set(
        OrderLine.objects.filter(order_id=order_id, product_id__isnull=False).values_list(
            "product_id", flat=True
        )
    )
    if not product_ids:
        return {}
    counts = dict.fromkeys(product_ids, 0)
    kept = (
        OrderLine.objects.filter(product_id__in=product_ids, order__paid_at__isnull=False)
        .values("product_id")
        .annotate(
            units=Coalesce(Sum(F("quantity") - F("cancelled_quantity") - F("returned_quantity")), 0)
        )
    )
    counts.update({row["product_id"]: row["units"] for row in kept})
    set_sales_counts(counts=counts)
    return counts
