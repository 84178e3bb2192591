"""Units sold per product: the "most popular" sort reads ``Product.sales_count``.

The catalog cannot read orders (apps depend downward only), so the orders app counts
the units bought of each product and hands the totals here; setting a total rather
than adding a delta makes a re-delivered event harmless.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Case, IntegerField, Value, When

from catalog.models import Product


def set_sales_counts(*, counts: Mapping[int, int]) -> int:
    """Set each product's units sold to ``{product_id: units}``, in one UPDATE.

    Returns the number of products updated; unknown ids are skipped, negative totals
    are stored as zero.
    """
    wanted = {int(pk): max(int(units), 0) for pk, units in counts.items()}
    if not wanted:
        return 0
    total = Case(
        *(When(pk=pk, then=Value(units)) for pk, units in wanted.items()),
        output_field=IntegerField(),
    )
    return Product.all_objects.filter(pk__in=wanted).update(sales_count=total)
