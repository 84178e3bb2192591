"""Celery entry points of orders: the beat jobs that expire unpaid orders and confirm purchases.

Each job lists the due ids and calls one service per id in its own transaction, so one
failure never blocks the rest, and a second worker running the same job changes
nothing twice (the services refuse a transition already made).
"""

from __future__ import annotations

import logging

from celery import shared_task

from orders import services
from orders.exceptions import TransitionError
from shop.audit import Actor, acting_as

logger = logging.getLogger(__name__)


@shared_task
def expire_unpaid_orders() -> int:
    """Cancel orders unpaid past their deadline and give their stock back; return how many."""
    done = 0
    with acting_as(Actor.system("orders.expire_unpaid_orders")):
        for order_id in services.due_for_expiry():
            try:
                services.expire_order(order_id=order_id)
            except TransitionError:  # paid or cancelled meanwhile: nothing to do
                continue
            done += 1
    return done


@shared_task
def confirm_delivered_purchases() -> int:
    """Confirm purchases delivered ORDERS_AUTO_CONFIRM_DAYS ago (자동 구매확정)."""
    done = 0
    with acting_as(Actor.system("orders.confirm_delivered_purchases")):
        for shipment_id in services.due_for_confirmation():
            try:
                services.confirm_purchase(shipment_id=shipment_id)
            except TransitionError:
                continue
            done += 1
    return done
