"""Events of the orders app that lower apps listen to.

The vendors app books its settlement ledger (정산) from these, so their fields are a
contract: JSON values only, money as text (``str(Decimal)``, whole won for KRW),
times as ISO 8601 with an offset. Add fields with defaults; never rename or remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class PurchaseConfirmed(Event):
    """A buyer's purchase of one vendor's lines of an order became final (구매확정).

    Fires once per order and vendor, when the buyer confirms the purchase or the
    automatic confirmation N days after delivery does, in the transaction that moves
    those lines to "purchase confirmed". ``gross_amount`` is what the buyer paid for
    the lines after discounts the vendor bears and after refunds made before this
    point; ``shipping_amount`` is the shipping fee charged for the vendor's parcel,
    which is paid out to the vendor. Vendors' settlements count the sale from here.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    order_line_ids: list[int]
    vendor_id: int
    gross_amount: str
    shipping_amount: str
    confirmed_at: str


@dataclass(frozen=True, kw_only=True)
class OrderLineRefunded(Event):
    """Money for some of one vendor's lines of an order went back to the buyer.

    Fires in the transaction that records a completed refund (cancellation or return
    after payment), once per refund and vendor; ``refund_id`` identifies the refund.
    ``amount`` is the refunded price of the lines, ``shipping_amount`` the part of the
    vendor's shipping fee refunded with them (0 when none). The settlement ledger books
    it only against a purchase already confirmed; a refund before confirmation is
    already netted out of the later PurchaseConfirmed ``gross_amount``.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    vendor_id: int
    refund_id: int
    amount: str
    shipping_amount: str
