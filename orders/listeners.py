"""Reactions of orders to its own events, run in a worker after the change commits.

Each turns one event into one service call and is safe to run twice (the outbox runs a
listener at least once).
"""

from __future__ import annotations

from datetime import datetime

from accounts import services as accounts_services
from orders import services
from orders.events import (
    ClaimStatusChanged,
    OrderCancelled,
    OrderLineRefunded,
    OrderPaid,
    OrderPartiallyCancelled,
    OrderPlaced,
    OrderShipped,
    PurchaseConfirmed,
)
from orders.models import Order
from promotions import services as promotions
from shop.events import listen


@listen(OrderPaid)
@listen(OrderCancelled)
@listen(OrderPartiallyCancelled)
@listen(ClaimStatusChanged)
def recount_sales(
    event: OrderPaid | OrderCancelled | OrderPartiallyCancelled | ClaimStatusChanged,
) -> None:
    """Units bought change the "most popular" order of the storefront."""
    services.recount_sales(order_id=event.order_id)


@listen(OrderPlaced)
def mail_order_placed(event: OrderPlaced) -> None:
    services.send_order_email(order_id=event.order_id, kind="placed")


@listen(OrderPaid)
def mail_order_paid(event: OrderPaid) -> None:
    services.send_order_email(order_id=event.order_id, kind="paid")


@listen(OrderShipped)
def mail_order_shipped(event: OrderShipped) -> None:
    services.send_order_email(
        order_id=event.order_id, kind="shipped", shipment_id=event.shipment_id
    )


@listen(OrderCancelled)
def mail_order_cancelled(event: OrderCancelled) -> None:
    services.send_order_email(
        order_id=event.order_id,
        kind="cancelled",
        details={
            "reason": event.reason,
            "expired": event.expired,
            "refund": event.refund_id is not None,
        },
    )


# --- Member grades (accounts sits below orders, so orders hands it the figures) -----------


@listen(PurchaseConfirmed)
def count_purchase_for_grade(event: PurchaseConfirmed) -> None:
    """A member's confirmed purchase counts toward their grade (guests have none)."""
    user_id = Order.objects.filter(pk=event.order_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return
    accounts_services.record_confirmed_purchase(
        user_id=user_id,
        order_id=event.order_id,
        vendor_id=event.vendor_id,
        amount=event.gross_amount,
        confirmed_at=datetime.fromisoformat(event.confirmed_at),
    )


@listen(OrderLineRefunded)
def uncount_refund_for_grade(event: OrderLineRefunded) -> None:
    """Money refunded after confirmation no longer counts toward the member's grade."""
    accounts_services.record_purchase_refund(
        order_id=event.order_id, vendor_id=event.vendor_id, amount=event.amount
    )


@listen(PurchaseConfirmed)
def earn_points_on_confirmation(event: PurchaseConfirmed) -> None:
    """A member earns points (적립금) at their grade's rate on what they paid, once."""
    if event.user_id is not None:
        promotions.earn_for_purchase(
            user_id=event.user_id,
            order_id=event.order_id,
            vendor_id=event.vendor_id,
            paid_amount=event.paid_amount,
        )
