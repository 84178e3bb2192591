"""Discounts of a checkout, worked out from plain inputs (no queries, no writes).

Stacking order, fixed and shown to the shopper in this order:

1. **Grade discount** (회원등급 할인): the member's ``discount_rate`` (a fraction: 0.01
   is 1%) off every item, rounded down per line; the platform bears it.
2. **Coupon**, on what remains after the grade discount: a fixed amount or a percentage
   (rounded down, capped by ``max_discount``) of the eligible items, never more than
   they cost; its minimum order is checked against those eligible items after the grade
   discount. A free-shipping coupon takes off the shipping of the vendors whose items it
   covers, but not the Jeju or island surcharge unless the coupon says so. A vendor's
   coupon is borne by that vendor, a platform coupon by the platform.
3. **Points**, last, on the items' price after both discounts (shipping excluded), up
   to the settings' maximum share.

Every discount and the points are spread over the lines in proportion to their amounts
(rounded down, the won left over going to the largest lines first), so a later
cancellation or return of a line gives back exactly its share, and an order's
tax-free part (the tax-free lines' amounts after their shares) stays exact.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from shop.money import format_krw

ZERO = Decimal(0)
REMOTE_CODES = frozenset({"jeju_surcharge", "island_surcharge"})


@dataclass(frozen=True)
class Item:
    """One cart line as the discounts see it."""

    key: Hashable
    product_id: int
    vendor_id: int
    category_ids: frozenset[int]
    amount: Decimal


@dataclass(frozen=True)
class Parcel:
    """One vendor parcel's shipping charged now, and the remote-area surcharge in it."""

    vendor_id: int
    payable: Decimal
    surcharge: Decimal = ZERO


@dataclass(frozen=True)
class CouponRule:
    """What the pricing needs of a coupon (``promotions.models.Coupon`` and its scope)."""

    coupon_id: int
    kind: str
    amount: Decimal
    percent: Decimal
    max_discount: Decimal
    min_order_amount: Decimal
    vendor_id: int | None
    product_ids: frozenset[int]
    category_ids: frozenset[int]
    vendor_ids: frozenset[int]
    waives_remote_surcharge: bool = False

    def covers(self, item: Item) -> bool:
        if self.vendor_id is not None and item.vendor_id != self.vendor_id:
            return False
        if self.product_ids and item.product_id not in self.product_ids:
            return False
        if self.category_ids and not (self.category_ids & item.category_ids):
            return False
        return not (self.vendor_ids and item.vendor_id not in self.vendor_ids)


@dataclass
class Discounts:
    """Every discount of a checkout, in total and per line and vendor."""

    grade: dict[Hashable, Decimal] = field(default_factory=dict)
    coupon: dict[Hashable, Decimal] = field(default_factory=dict)
    shipping: dict[int, Decimal] = field(default_factory=dict)  # per vendor
    points: dict[Hashable, Decimal] = field(default_factory=dict)
    coupon_by_vendor: bool = False  # the vendor bears the coupon's part
    coupon_problem: str = ""

    @property
    def grade_amount(self) -> Decimal:
        return sum(self.grade.values(), ZERO)

    @property
    def coupon_amount(self) -> Decimal:
        return sum(self.coupon.values(), ZERO) + self.shipping_amount

    @property
    def shipping_amount(self) -> Decimal:
        return sum(self.shipping.values(), ZERO)

    @property
    def points_amount(self) -> Decimal:
        return sum(self.points.values(), ZERO)

    @property
    def total(self) -> Decimal:
        """Grade and coupon discounts, shipping included (points are not a discount)."""
        return self.grade_amount + self.coupon_amount

    def line_discount(self, key: Hashable) -> Decimal:
        return self.grade.get(key, ZERO) + self.coupon.get(key, ZERO)

    def line_vendor_discount(self, key: Hashable) -> Decimal:
        return self.coupon.get(key, ZERO) if self.coupon_by_vendor else ZERO

    def vendor_shipping_discount(self, vendor_id: int) -> Decimal:
        return self.shipping.get(vendor_id, ZERO) if self.coupon_by_vendor else ZERO


def floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def allocate(total: Decimal, weights: Mapping[Hashable, Decimal]) -> dict[Hashable, Decimal]:
    """Split whole won ``total`` over ``weights`` in proportion, summing exactly to it."""
    base = sum(weights.values(), ZERO)
    if total <= 0 or base <= 0:
        return dict.fromkeys(weights, ZERO)
    shares = {key: floor(total * weight / base) for key, weight in weights.items()}
    left = int(total - sum(shares.values(), ZERO))
    for key in sorted(weights, key=lambda k: (-weights[k], str(k)))[:left]:
        shares[key] += 1
    return shares


def grade_discounts(items: Iterable[Item], rate: Decimal) -> dict[Hashable, Decimal]:
    """Return ``rate`` (a fraction) off each line, rounded down per line."""
    return {item.key: floor(item.amount * rate) if rate > 0 else ZERO for item in items}


def coupon_problem(rule: CouponRule, items: list[Item], after_grade: Mapping) -> str:
    """Return why the coupon does not apply to these items, or ``""``."""
    eligible = [item for item in items if rule.covers(item)]
    if not eligible:
        return _("This coupon does not apply to any item in your cart.")
    base = sum((after_grade[item.key] for item in eligible), ZERO)
    if base < rule.min_order_amount:
        return _("This coupon needs %(min)s of eligible items; add %(more)s more.") % {
            "min": format_krw(rule.min_order_amount),
            "more": format_krw(rule.min_order_amount - base),
        }
    return ""


def coupon_discounts(
    rule: CouponRule, items: list[Item], after_grade: Mapping, parcels: Iterable[Parcel]
) -> tuple[dict[Hashable, Decimal], dict[int, Decimal], str]:
    """Return the coupon's discount per line and per vendor's shipping, or why it is none."""
    problem = coupon_problem(rule, items, after_grade)
    if problem:
        return {}, {}, problem
    eligible = {item.key: after_grade[item.key] for item in items if rule.covers(item)}
    if rule.kind == "free_shipping":
        vendors = {item.vendor_id for item in items if rule.covers(item)}
        shipping: dict[int, Decimal] = {}
        for parcel in parcels:
            if parcel.vendor_id in vendors:
                off = (
                    parcel.payable
                    if rule.waives_remote_surcharge
                    else parcel.payable - parcel.surcharge
                )
                if off > 0:
                    shipping[parcel.vendor_id] = shipping.get(parcel.vendor_id, ZERO) + off
        if not shipping:
            return {}, {}, _("There is no shipping fee for this coupon to take off.")
        return {}, shipping, ""
    base = sum(eligible.values(), ZERO)
    if rule.kind == "percent":
        off = floor(base * rule.percent / 100)
        if rule.max_discount > 0:
            off = min(off, rule.max_discount)
    else:
        off = rule.amount
    return allocate(min(off, base), eligible), {}, ""


def price(
    items: list[Item],
    parcels: Iterable[Parcel],
    *,
    grade_rate: Decimal = ZERO,
    coupon: CouponRule | None = None,
    points: int = 0,
) -> Discounts:
    """Return the grade discount, the coupon's and the given points spread over the lines.

    ``points`` must already be allowed (``promotions.services.usable_points``); they are
    spread over the items' price after both discounts.
    """
    result = Discounts(grade=grade_discounts(items, grade_rate))
    after_grade = {item.key: item.amount - result.grade[item.key] for item in items}
    if coupon is not None:
        lines, shipping, problem = coupon_discounts(coupon, items, after_grade, list(parcels))
        result.coupon, result.shipping, result.coupon_problem = lines, shipping, problem
        result.coupon_by_vendor = coupon.vendor_id is not None
    net = {key: amount - result.coupon.get(key, ZERO) for key, amount in after_grade.items()}
    if points > 0:
        result.points = allocate(Decimal(points), net)
    return result


def payable_items(items: list[Item], discounts: Discounts) -> Decimal:
    """The items' price after grade and coupon discounts: what points may pay a share of."""
    return sum((item.amount - discounts.line_discount(item.key) for item in items), ZERO)
