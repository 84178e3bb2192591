"""Reads the orders API needs beyond ``orders.selectors``, each in a fixed number of queries.

The selectors give carts, orders and vendor parts; these find a cart without creating
one, add what an order's own page shows (its claims and refunds), find a guest order
by its orderer's e-mail and phone, and list a vendor's returns and exchanges.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from orders import selectors
from orders.models import Claim, ClaimLine, Order, Refund
from shop.exceptions import NotFoundError


def empty_cart_view() -> selectors.CartView:
    """The view of a cart that does not exist yet: no lines, every amount zero."""
    view = selectors.CartView(cart=None, lines=[], groups=[], quote=None)  # type: ignore[arg-type]
    view.token = selectors.token_of(view)
    return view


def claim_lines() -> Prefetch:
    return Prefetch("lines", queryset=ClaimLine.objects.select_related("order_line"))


def with_history(order: Order) -> Order:
    """Add the order's claims (with their lines) and refunds: three queries."""
    prefetch_related_objects(
        [order],
        Prefetch("claims", queryset=Claim.objects.prefetch_related(claim_lines())),
        Prefetch("refunds", queryset=Refund.objects.all()),
    )
    return order


def order_for_page(*, order_id: int) -> Order:
    """One order with its parts, lines, claims and refunds (after a write that returned it)."""
    order = selectors.with_details(Order.objects.filter(pk=order_id)).first()
    if order is None:
        raise NotFoundError()
    return with_history(order)


def guest_order_by_contact(*, number: str, email: str, phone: str) -> Order:
    """Return a guest order whose orderer e-mail and phone both match; else the same 404.

    The order number is unguessable but travels on parcels and in e-mails, so without
    the lookup link's token both contact details are asked for, not just one.
    """
    order = selectors.with_details(
        Order.objects.filter(number=str(number).strip().upper(), user__isnull=True)
    ).first()
    if (
        order is None
        or not email.strip()
        or not selectors.digits(phone)
        or order.orderer_email.lower() != email.strip().lower()
        or selectors.digits(order.orderer_phone) != selectors.digits(phone)
    ):
        raise NotFoundError()
    return order


def vendor_claims(*, vendor_id: int, status: str = "", kind: str = "") -> QuerySet[Claim]:
    """Return the returns and exchanges of one vendor's parts, newest first."""
    queryset = (
        Claim.objects.filter(shipment__vendor_id=vendor_id)
        .select_related("order", "shipment")
        .prefetch_related(claim_lines())
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def vendor_claim(*, vendor_id: int, claim_id: Any) -> Claim:
    """Return one of the vendor's claims; another vendor's is not found."""
    try:
        return vendor_claims(vendor_id=vendor_id).get(pk=int(claim_id))
    except (Claim.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None
