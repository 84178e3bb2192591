"""The cart API tries a member's coupon and points; checkout places what the cart showed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import Order
from tests.orders.helpers import DETAILS, vendor_with_policy
from tests.promotions.factories import CouponFactory, UserCouponFactory
from tests.promotions.helpers import give_points, member_cart, priced

pytestmark = pytest.mark.django_db


def test_the_cart_api_shows_coupon_points_and_reasons_and_checkout_places_them(
    user, user_client
) -> None:
    variant = priced(20000, vendor=vendor_with_policy(base_fee=Decimal(0)))
    held = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(3000)))
    small = UserCouponFactory(user=user, coupon=CouponFactory(min_order_amount=Decimal(99000)))
    give_points(user, 2000)
    member_cart(user, (variant, 1))
    url = "/api/v1/cart/"

    refused = user_client.get(url, {"coupon": small.pk}).json()
    assert refused["coupon"] is None
    assert refused["coupon_problem"]
    cart = user_client.get(url, {"coupon": held.pk, "points": 1000}).json()
    assert {c["id"] for c in cart["coupons"]} == {held.pk, small.pk}
    assert cart["coupon"] == held.pk
    assert cart["total_amount"] == "16000"
    assert cart["points_balance"] == 2000

    response = user_client.post(
        "/api/v1/checkout/",
        {**DETAILS, "coupon": held.pk, "points": 1000, "cart_token": cart["token"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Order.objects.get().total_amount == Decimal(16000)


def test_checkout_with_a_coupon_not_reviewed_is_refused(user, user_client) -> None:
    variant = priced(20000)
    held = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(3000)))
    member_cart(user, (variant, 1))
    token = user_client.get("/api/v1/cart/").json()["token"]
    response = user_client.post(
        "/api/v1/checkout/", {**DETAILS, "coupon": held.pk, "cart_token": token}, format="json"
    )
    assert response.status_code == 409
    assert not Order.objects.exists()
