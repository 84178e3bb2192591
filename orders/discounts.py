"""Discounts and points on a cart and on placed lines (the rules live in ``promotions``).

``fill`` turns a priced cart into ``promotions.pricing`` inputs, applies the member's
grade discount, the chosen coupon and points in that order, and writes the result on
the cart view. ``release_shares`` gives back a line's share of them when items of the
line are cancelled or returned: in proportion to the quantity (rounded down), and the
whole rest when the line goes entirely, so every won comes back exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import member_benefits
from orders.models import OrderLine
from promotions import selectors as promotion_selectors
from promotions import services as promotions
from promotions.pricing import REMOTE_CODES, Discounts, Item, Parcel, payable_items, price

ZERO = Decimal(0)


def is_member(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def parse_points(value: Any) -> tuple[int, str]:
    text = str(value or "").replace(",", "").strip()
    if not text:
        return 0, ""
    if not text.isdigit():
        return 0, _("Enter a whole number of points.")
    return int(text), ""


def fill(view: Any, *, user: Any, coupon: Any, points: Any) -> None:
    """Work out the view's grade discount, coupon and points (see ``promotions.pricing``).

    ``coupon`` is the id of one of the member's unused coupons (``UserCoupon``);
    ``points`` what the shopper typed. A coupon or points that cannot be used leave the
    view without them and say why in ``coupon_problem`` / ``points_problem``.
    """
    requested, view.points_problem = parse_points(points)
    coupon_id = str(coupon or "").strip()
    if not is_member(user):
        if coupon_id:
            view.coupon_problem = _("Log in to use a coupon.")
        if requested:
            view.points_problem = _("Log in to use points.")
        view.discounts = Discounts()
        return
    benefits = member_benefits(user)
    view.grade_name = benefits.grade_name
    view.wallet = promotion_selectors.list_usable_coupons(user=user)
    items = [
        Item(
            key=line.line_id,
            product_id=line.product.pk,
            vendor_id=line.vendor.pk,
            category_ids=frozenset(),  # filled below only when a coupon needs them
            amount=line.amount,
        )
        for line in view.lines
    ]
    rule = None
    if coupon_id:
        view.coupon = next((c for c in view.wallet if str(c.pk) == coupon_id), None)
        if view.coupon is None:
            view.coupon_problem = _("Choose one of your coupons.")
        else:
            view.coupon_problem = promotions.availability_problem(
                view.coupon.coupon, timezone.now()
            )
            if not view.coupon_problem:
                rule = promotions.rule_of(view.coupon.coupon)
                if rule.category_ids:
                    categories = promotion_selectors.category_ids_of(
                        {line.product.pk for line in view.lines}
                    )
                    items = [
                        Item(
                            key=item.key,
                            product_id=item.product_id,
                            vendor_id=item.vendor_id,
                            category_ids=categories.get(item.product_id, frozenset()),
                            amount=item.amount,
                        )
                        for item in items
                    ]
    parcels = [
        Parcel(
            vendor_id=parcel.vendor_id,
            payable=parcel.payable_now,
            surcharge=surcharge_of(parcel) if parcel.payable_now > 0 else ZERO,
        )
        for group in view.groups
        for parcel in group.parcels
    ]
    discounts = price(items, parcels, grade_rate=benefits.discount_rate, coupon=rule)
    if discounts.coupon_problem:
        view.coupon_problem = discounts.coupon_problem
    if view.coupon_problem:
        view.coupon = None
    view.points_balance = promotion_selectors.points_balance(user=user)
    if requested and not view.points_problem:
        used, view.points_problem = promotions.usable_points(
            balance=view.points_balance,
            requested=requested,
            payable=payable_items(items, discounts),
        )
        if used:
            discounts = price(
                items, parcels, grade_rate=benefits.discount_rate, coupon=rule, points=used
            )
    view.discounts = discounts


def surcharge_of(parcel: Any) -> Decimal:
    """The Jeju or island surcharge inside a parcel's fee (a free-shipping coupon keeps it)."""
    return sum(
        (line.amount for line in parcel.breakdown if line.code in REMOTE_CODES and line.amount),
        ZERO,
    )


@dataclass(frozen=True)
class Shares:
    discount: Decimal = ZERO
    vendor_discount: Decimal = ZERO
    points: Decimal = ZERO


def share(total: Decimal, released: Decimal, quantity: int, of: int, whole: bool) -> Decimal:
    left = total - released
    if whole:
        return left
    part = (total * quantity / of).to_integral_value(rounding=ROUND_FLOOR)
    return min(part, left)


def release_shares(line: OrderLine, quantity: int, *, whole: bool) -> Shares:
    """Return ``quantity`` items' share of the line's discounts and points, and record it.

    ``whole`` when nothing of the line stays live afterwards: the rest goes back.
    """
    shares = Shares(
        discount=share(
            line.discount_amount, line.discount_released, quantity, line.quantity, whole
        ),
        vendor_discount=share(
            line.vendor_discount_amount,
            line.vendor_discount_released,
            quantity,
            line.quantity,
            whole,
        ),
        points=share(line.points_amount, line.points_released, quantity, line.quantity, whole),
    )
    if shares == Shares():
        return shares
    line.discount_released += shares.discount
    line.vendor_discount_released += shares.vendor_discount
    line.points_released += shares.points
    OrderLine.objects.filter(pk=line.pk).update(
        discount_released=line.discount_released,
        vendor_discount_released=line.vendor_discount_released,
        points_released=line.points_released,
    )
    return shares
