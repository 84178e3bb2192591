"""Events of promotions: every movement of points and every coupon issued, used or freed.

Fields are JSON values only; points are whole numbers (1 point = 1 won).
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class PointsChanged(Event):
    """A member's points moved: earned, used, expired, returned or adjusted by staff."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    entry_id: int
    kind: str
    amount: int
    balance_after: int
    reason: str
    source: str | None = None
    order_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CouponIssued(Event):
    """A coupon went into a member's wallet (download, code, signup, birthday, staff)."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    coupon_id: int
    user_coupon_id: int
    source: str


@dataclass(frozen=True, kw_only=True)
class CouponRedeemed(Event):
    """An order used a member's coupon; ``amount`` is the discount it gave."""

    subject_model = "promotions.Coupon"
    subject_field = "coupon_id"

    coupon_id: int
    user_coupon_id: int
    user_id: int
    order_id: int
    amount: str


@dataclass(frozen=True, kw_only=True)
class CouponReleased(Event):
    """A cancelled order gave its coupon back to the member's wallet."""

    subject_model = "promotions.Coupon"
    subject_field = "coupon_id"

    coupon_id: int
    user_coupon_id: int
    user_id: int
    order_id: int


@dataclass(frozen=True, kw_only=True)
class CouponSaved(Event):
    """Staff or a vendor created or changed a coupon."""

    subject_model = "promotions.Coupon"
    subject_field = "coupon_id"

    coupon_id: int
    created: bool
    vendor_id: int | None = None
