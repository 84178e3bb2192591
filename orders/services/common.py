"""Helpers of the order services: transition checks, row locks, the order's status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from catalog.models import AddOn, Variant
from catalog.services import release_addon_stock, release_stock
from orders.exceptions import TransitionError
from orders.models import Order, OrderLine, VendorShipment
from shop.exceptions import NotFoundError

# The forward chain of a live order and of each vendor part after payment.
CHAIN = [
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PURCHASE_CONFIRMED,
]


def check_transition(
    table: Mapping[str, Iterable[str]], current: str, new: str, *, label: Any = ""
) -> None:
    """Raise a clear error unless ``table`` lets ``current`` move to ``new``.

    The message names the statuses by their (translated) labels: the table's keys are
    the model's ``Status`` members, which carry them.
    """
    if new not in table.get(current, ()):
        labels = {str(status): getattr(status, "label", status) for status in table}
        raise TransitionError(
            _("%(what)s cannot go from “%(old)s” to “%(new)s”.")
            % {
                "what": label or _("This order"),
                "old": labels.get(str(current), current),
                "new": labels.get(str(new), new),
            },
            fields={"status": [_("This change is not allowed now.")]},
        )


def lock_order(order_id: Any, *, shopper: Any = None) -> Order:
    """Lock and return the order; with ``shopper``, only that member's order exists."""
    queryset = Order.objects.select_for_update()
    if shopper is not None:
        queryset = queryset.filter(user_id=getattr(shopper, "pk", None))
    try:
        return queryset.get(pk=int(order_id))
    except (Order.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None


def lock_shipment(shipment_id: Any, *, vendor_id: int | None = None) -> VendorShipment:
    """Lock and return a vendor part (and its order, first: orders lock before their parts)."""
    queryset = VendorShipment.objects.all()
    if vendor_id is not None:
        queryset = queryset.filter(vendor_id=vendor_id)
    try:
        order_id = queryset.values_list("order_id", flat=True).get(pk=int(shipment_id))
    except (VendorShipment.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None
    lock_order(order_id)
    return VendorShipment.objects.select_for_update().select_related("order").get(pk=shipment_id)


def sync_order_status(order: Order) -> str:
    """Move the order to the status of its least advanced live part; return the old status."""
    statuses = list(
        VendorShipment.objects.filter(order=order)
        .exclude(status=VendorShipment.Status.CANCELLED)
        .values_list("status", flat=True)
    )
    old = order.status
    if not statuses:
        new = Order.Status.CANCELLED
    elif VendorShipment.Status.PENDING_PAYMENT in statuses:
        new = Order.Status.PENDING_PAYMENT
    else:
        new = min(statuses, key=CHAIN.index)
    if new != old:
        check_transition(Order.TRANSITIONS, old, new)
        order.status = new
        order.save(update_fields=["status", "updated_at"])
    return old


def release_lines(lines: Iterable[tuple[OrderLine, int, bool]], *, reason: str) -> None:
    """Give back ``(line, quantity, with_addons)`` to stock; deleted variants are skipped."""
    variants: dict[int, int] = {}
    addons: dict[int, int] = {}
    for line, quantity, with_addons in lines:
        if line.variant_id is not None and quantity > 0:
            variants[line.variant_id] = variants.get(line.variant_id, 0) + quantity
        if with_addons:
            for item in line.addons:
                addon_id, count = int(item["addon_id"]), int(item["quantity"])
                addons[addon_id] = addons.get(addon_id, 0) + count
    # A variant or add-on deleted since the order has no stock to take anything back.
    live_variants = set(Variant.objects.filter(pk__in=variants).values_list("pk", flat=True))
    live_addons = set(AddOn.objects.filter(pk__in=addons).values_list("pk", flat=True))
    variants = {pk: n for pk, n in variants.items() if pk in live_variants}
    addons = {pk: n for pk, n in addons.items() if pk in live_addons}
    if variants:
        release_stock(quantities=variants, reason=reason)
    if addons:
        release_addon_stock(quantities=addons, reason=reason)
