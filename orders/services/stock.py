"""Taking stock for an order: every variant (and add-on) in two statements, whatever the lines.

This is the hot path under a rush on one item, so it is built for short row locks and a
fixed number of queries, unlike ``catalog.services.take_stock`` (one UPDATE and one audit
event per variant, so placement would grow by four queries per line):

1. ``SELECT ... ORDER BY id FOR UPDATE`` locks the rows in primary-key order, so two
   orders over the same variants queue instead of deadlocking, and reads the stock
   as committed by whoever held the lock before;
2. one conditional ``UPDATE`` (``WHERE stock >= quantity``) takes every quantity; its
   row count must match, and the CHECK ``stock >= 0`` is the last guard.

The placement calls it last, just before commit, so the locks are held for two
statements (three when a variant reaches zero: that one may sell out its product). The order's ``OrderPlaced`` audit event records what was taken.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _

from catalog.models import AddOn, Variant
from catalog.services import mark_sold_out
from orders.exceptions import OrderError, OrderErrorCode


def take_variants(*, quantities: Mapping[int, int], names: Mapping[int, str]) -> None:
    """Take ``{variant_id: quantity}`` from stock, all or nothing, else raise sold out.

    A product whose last item this took becomes sold out in the same transaction (one
    conditional UPDATE that matches nothing while any variant has stock left).
    """
    emptied = take(Variant, quantities, names, field_prefix="variants")
    if emptied:  # only a variant taken to zero can leave its product with nothing to sell
        mark_sold_out(variant_ids=emptied)


def take_addons(*, quantities: Mapping[int, int], names: Mapping[int, str]) -> None:
    """Take ``{addon_id: quantity}`` of add-on items, all or nothing, else raise sold out."""
    take(AddOn, quantities, names, field_prefix="addons")


def take(
    model: type[Variant] | type[AddOn],
    quantities: Mapping[int, int],
    names: Mapping[int, str],
    *,
    field_prefix: str,
) -> list[int]:
    """Take the quantities under row locks; return the ids this took down to zero."""
    if not quantities:
        return []
    ids = sorted(quantities)
    locked = dict(
        model.objects.select_for_update()
        .filter(pk__in=ids, is_active=True)
        .order_by("pk")
        .values_list("pk", "stock")
    )
    short = [pk for pk in ids if locked.get(pk, 0) < quantities[pk]]
    if short:
        raise sold_out(short, locked, names, field_prefix)
    wanted = Case(
        *(When(pk=pk, then=Value(quantities[pk])) for pk in ids), output_field=IntegerField()
    )
    updated = model.objects.filter(pk__in=ids, stock__gte=wanted).update(stock=F("stock") - wanted)
    if updated != len(ids):  # cannot happen under the lock; refuse rather than oversell
        raise sold_out(ids, locked, names, field_prefix)
    return [pk for pk in ids if locked[pk] == quantities[pk]]


def sold_out(
    ids: list[int], stocks: Mapping[int, int], names: Mapping[int, str], prefix: str
) -> OrderError:
    fields: dict[str, list[str]] = {}
    for pk in ids:
        left = stocks.get(pk, 0)
        message = (
            _("%(name)s is sold out.") % {"name": names.get(pk, pk)}
            if left == 0
            else _("Only %(stock)d of %(name)s left.") % {"stock": left, "name": names.get(pk, pk)}
        )
        fields[f"{prefix}.{pk}"] = [message]
    return OrderError(
        OrderErrorCode.OUT_OF_STOCK,
        _("Sold out: an item of your order is no longer in stock."),
        fields=fields,
        status_code=409,
    )
