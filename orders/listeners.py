"""Reactions of orders to its own events, run in a worker after the change commits.

Each turns one event into one service call and is safe to run twice (the outbox runs a
listener at least once).
"""

from __future__ import annotations

from orders import services
from orders.events import (
    ClaimStatusChanged,
    OrderCancelled,
    OrderPaid,
    OrderPartiallyCancelled,
    OrderPlaced,
    OrderShipped,
)
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
