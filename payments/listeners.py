"""Reactions of payments to orders' events, run in a worker after the change commits.

Each turns one event into one service call and may run more than once: the services
record what they did per refund and per intent, so a second run changes nothing.
"""

from __future__ import annotations

import logging

from orders.events import OrderCancelled, RefundRequested
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from shop.events import listen

alerts = logging.getLogger("shop.alerts.task_failures")


@listen(RefundRequested)
def refund_at_provider(event: RefundRequested) -> None:
    """Money owed back goes back through the provider that took it (bank transfers: staff)."""
    try:
        services.refund_order_refund(refund_id=event.refund_id)
    except PaymentError as refused:
        if refused.code != PaymentErrorCode.NO_CAPTURE:
            raise
        alerts.error(
            "Refund %s of order %s has no captured payment to go back through",
            event.refund_id,
            event.order_id,
            extra={"alert_group": "payments.refund_without_capture"},
        )


@listen(OrderCancelled)
def close_open_payments(event: OrderCancelled) -> None:
    """An order cancelled (or expired) unpaid can no longer be paid by a pending attempt."""
    if event.refund_id is None:
        services.expire_payments_of_order(order_id=event.order_id)
