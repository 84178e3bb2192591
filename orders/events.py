"""Events of the orders app that lower apps listen to.

The vendors app books its settlement ledger (정산) from these, so their fields are a
contract: JSON values only, money as text (``str(Decimal)``, whole won for KRW),
times as ISO 8601 with an offset. Add fields with defaults; never rename or remove.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class PurchaseConfirmed(Event):
    """A buyer's purchase of one vendor's lines of an order became final (구매확정).

    Fires once per order and vendor, when the buyer confirms the purchase or the
    automatic confirmation N days after delivery does, in the transaction that moves
    those lines to "purchase confirmed". ``gross_amount`` is what the buyer paid for
    the lines after discounts the vendor bears and after refunds made before this
    point; ``shipping_amount`` is the shipping fee charged for the vendor's parcel,
    which is paid out to the vendor (less what the vendor's own free-shipping coupon
    took off). Vendors' settlements count the sale from here.

    ``vendor_discount_amount`` is the discount the vendor bore on these lines (already
    taken off ``gross_amount``); ``paid_amount`` what the buyer paid for them after every
    discount and the points used, which points are earned on; ``user_id`` the member.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    order_line_ids: list[int]
    vendor_id: int
    gross_amount: str
    shipping_amount: str
    confirmed_at: str
    paid_amount: str = "0"
    vendor_discount_amount: str = "0"
    user_id: int | None = None


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


# --- The order's life -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(Event):
    """An order was placed and awaits payment; its stock is taken.

    ``lines`` holds ``{"line_id", "variant_id", "vendor_id", "quantity", "amount"}`` per
    line; ``addons`` ``{"addon_id": quantity}`` taken from add-on stock.
    ``discount_amount`` (grade and coupon), ``points_amount`` and ``user_coupon_id``
    say what the member's discounts took off ``total_amount``.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    number: str
    user_id: int | None
    payment_method: str
    total_amount: str
    tax_free_amount: str
    shipping_amount: str
    vendor_ids: list[int]
    lines: list[dict] = field(default_factory=list)
    addons: dict[str, int] = field(default_factory=dict)
    payment_expires_at: str | None = None
    discount_amount: str = "0"
    points_amount: str = "0"
    user_coupon_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class OrderPaid(Event):
    """The order's payment was captured or its bank deposit confirmed."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    number: str
    payment_method: str
    amount: str
    paid_at: str


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(Event):
    """The whole order was cancelled (before shipping, or unpaid past its deadline).

    ``stock_released`` tells whether this cancellation gave the stock back (an unpaid
    order) or a refund now follows (``refund_id``).
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    number: str
    old_status: str
    reason: str
    expired: bool = False
    stock_released: bool = False
    refund_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class OrderPartiallyCancelled(Event):
    """Some quantities of lines were cancelled before shipping; shipping was re-quoted.

    ``lines`` is ``{"<line id>": quantity cancelled}``; ``shipping_fees`` the new fee of
    each vendor part touched ``{"<vendor id>": [old, new]}``.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    lines: dict[str, int]
    shipping_fees: dict[str, list[str]]
    refund_id: int | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ShipmentStatusChanged(Event):
    """A vendor's part of an order moved (paid → preparing, shipped → delivered ...)."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    shipment_id: int
    vendor_id: int
    old_status: str
    new_status: str
    order_status: str


@dataclass(frozen=True, kw_only=True)
class OrderShipped(Event):
    """A vendor's part of an order left with a carrier; ``tracking_url`` may be empty."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    number: str
    shipment_id: int
    vendor_id: int
    carrier: str
    tracking_number: str
    tracking_url: str
    shipped_at: str
    order_status: str


@dataclass(frozen=True, kw_only=True)
class TrackingChanged(Event):
    """The carrier or tracking number of a shipped part was corrected."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    shipment_id: int
    vendor_id: int
    changes: dict[str, list[str]]


@dataclass(frozen=True, kw_only=True)
class RefundRequested(Event):
    """Money is owed back to the buyer: the payments app refunds it at the provider.

    A bank-transfer refund is paid out by staff, who then complete it in the admin.
    """

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    refund_id: int
    kind: str
    payment_method: str
    amount: str
    tax_free_amount: str
    shipping_amount: str
    deduction_amount: str
    points_amount: str = "0"  # given back as points, not part of ``amount``


@dataclass(frozen=True, kw_only=True)
class RefundCompleted(Event):
    """A refund was executed (provider refund done, or bank transfer paid out by staff)."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    refund_id: int
    amount: str
    completed_at: str


@dataclass(frozen=True, kw_only=True)
class ClaimRequested(Event):
    """The buyer asked to return or exchange lines of one vendor's part."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    claim_id: int
    kind: str
    vendor_id: int
    lines: dict[str, int]
    reason: str


@dataclass(frozen=True, kw_only=True)
class ClaimStatusChanged(Event):
    """A return or exchange moved: returned, refunded, exchanged or rejected."""

    subject_model = "orders.Order"
    subject_field = "order_id"

    order_id: int
    claim_id: int
    kind: str
    vendor_id: int
    old_status: str
    new_status: str
    refund_id: int | None = None
