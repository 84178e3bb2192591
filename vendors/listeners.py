"""Reactions of vendors to the orders app's events: each books the settlement ledger.

Importing ``orders.events`` goes up the layers; it is the one named exception in
``.importlinter``, since events are how a lower app hears from a higher one.
"""

from __future__ import annotations

from orders.events import OrderLineRefunded, PurchaseConfirmed
from shop.events import listen
from vendors import services


@listen(PurchaseConfirmed)
def book_confirmed_purchase(event: PurchaseConfirmed) -> None:
    services.record_purchase_confirmed(
        order_id=event.order_id,
        order_line_ids=event.order_line_ids,
        vendor_id=event.vendor_id,
        gross_amount=event.gross_amount,
        shipping_amount=event.shipping_amount,
        confirmed_at=event.confirmed_at,
        vendor_discount_amount=event.vendor_discount_amount,
    )


@listen(OrderLineRefunded)
def book_refund(event: OrderLineRefunded) -> None:
    services.record_refund(
        order_id=event.order_id,
        vendor_id=event.vendor_id,
        refund_id=event.refund_id,
        amount=event.amount,
        shipping_amount=event.shipping_amount,
    )
