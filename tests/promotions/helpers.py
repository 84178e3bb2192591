"""Builders for checkouts with coupons and points."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orders import selectors, services
from promotions import services as promotions
from tests.orders.helpers import DETAILS, variant_of


def member_cart(user, *variants_and_quantities):
    cart = services.get_or_create_cart(user=user)
    for variant, quantity in variants_and_quantities:
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def review(cart, user, *, coupon: Any = None, points: Any = 0, postcode: str = "06236"):
    return selectors.cart_view(cart, postcode=postcode, user=user, coupon=coupon, points=points)


def place_member(cart, user, *, coupon: Any = None, points: Any = 0, **details: Any):
    postcode = details.get("postcode", DETAILS["postcode"])
    token = review(cart, user, coupon=coupon, points=points, postcode=postcode).token
    return services.place_order(
        cart=cart,
        details={**DETAILS, **details, "coupon": coupon or "", "points": points},
        cart_token=token,
        user=user,
    )


def give_points(user, amount: int, source: str = "gift") -> None:
    promotions.earn_points(user=user, amount=amount, reason="test", source=f"{source}:{user.pk}")


def priced(price: int, **kwargs: Any):
    return variant_of(price=price, **kwargs)


ZERO = Decimal(0)
