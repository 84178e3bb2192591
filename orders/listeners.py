"""Reactions of orders to its own events, run in a worker after the change commits.

Each turns one event into one service call and is safe to run twice (the outbox runs a
listener at least once).
"""

from __future__ import annotations

from orders import services
from orders.events import ClaimStatusChanged, OrderCancelled, OrderPaid, OrderPartiallyCancelled
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
