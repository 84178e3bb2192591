"""Storefront pages: the coupon zone, code entry (rate limited), my coupons and points,
and the checkout's coupon and points section without JavaScript."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order
from promotions import services
from promotions.models import Coupon, UserCoupon
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS, vendor_with_policy
from tests.promotions.factories import CouponFactory, UserCouponFactory
from tests.promotions.helpers import give_points, priced

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def text(response) -> str:
    return response.content.decode()


def test_the_zone_lists_downloadable_coupons_in_few_queries(
    client, user, django_assert_max_num_queries
) -> None:
    for n in range(5):
        CouponFactory(name=f"zone-{n}")
    CouponFactory(name="by-code", issue=Coupon.Issue.CODE)
    client.force_login(user)
    with django_assert_max_num_queries(6):
        page = text(client.get(reverse("promotions:coupons")))
    assert page.count('class="coupon"') == 5
    assert "by-code" not in page


def test_download_puts_the_coupon_in_the_wallet_once(client, user) -> None:
    coupon = CouponFactory(name="welcome")
    client.force_login(user)
    url = reverse("promotions:download", args=[coupon.pk])
    assert client.post(url).status_code == 302
    client.post(url)
    assert UserCoupon.objects.filter(user=user, coupon=coupon).count() == 1
    assert "In your wallet" in text(client.get(reverse("promotions:coupons")))


def test_a_guest_is_sent_to_log_in(client) -> None:
    coupon = CouponFactory()
    response = client.post(reverse("promotions:download", args=[coupon.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not UserCoupon.objects.exists()


def test_download_needs_csrf(user) -> None:
    coupon = CouponFactory()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("promotions:download", args=[coupon.pk])).status_code == 403


def test_a_code_coupon_is_claimed_by_its_code(client, user) -> None:
    coupon = services.save_coupon(
        coupon=Coupon(name="secret", issue=Coupon.Issue.CODE, amount=Decimal(1000)), created=True
    )
    assert len(coupon.code) == 16
    client.force_login(user)
    client.post(reverse("promotions:enter_code"), {"code": coupon.code.lower()})
    assert UserCoupon.objects.filter(user=user, coupon=coupon).exists()
    response = client.post(reverse("promotions:enter_code"), {"code": "NOPE"}, follow=True)
    assert "There is no such coupon." in text(response)


def test_code_attempts_are_rate_limited(client, user, settings) -> None:
    settings.PROMOTIONS_CODE_RATE_LIMIT = "3/m/ip"
    coupon = services.save_coupon(
        coupon=Coupon(name="secret", issue=Coupon.Issue.CODE, amount=Decimal(1000)), created=True
    )
    client.force_login(user)
    for guess in range(3):
        assert (
            client.post(reverse("promotions:enter_code"), {"code": f"G{guess}"}).status_code == 302
        )
    response = client.post(reverse("promotions:enter_code"), {"code": coupon.code})
    assert response.status_code == 429
    assert not UserCoupon.objects.filter(user=user).exists()  # even the right code waits


def test_my_points_shows_only_my_ledger(client, user, other_user) -> None:
    give_points(user, 1200, source="mine")
    give_points(other_user, 777, source="theirs")
    client.force_login(user)
    page = text(client.get(reverse("promotions:my_points")))
    assert "1,200" in page
    assert "777" not in page
    assert client.get(reverse("promotions:my_coupons")).status_code == 200


def test_my_pages_need_a_login(client) -> None:
    for name in ("promotions:my_points", "promotions:my_coupons"):
        assert client.get(reverse(name)).status_code == 302


def checkout_page(client, **data) -> str:
    return text(
        client.post(reverse("orders:checkout"), {**DETAILS, **data, "action": "recalculate"})
    )


def token_of(page: str, name: str = "cart_token") -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_checkout_applies_a_coupon_and_points_without_javascript(client) -> None:
    user = UserFactory()
    variant = priced(20000, vendor=vendor_with_policy(base_fee=Decimal(0)))
    held = UserCouponFactory(user=user, coupon=CouponFactory(name="3천원", amount=Decimal(3000)))
    give_points(user, 2000)
    client.force_login(user)
    client.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
    )
    page = text(client.get(reverse("orders:checkout")))
    assert f'<option value="{held.pk}"' in page

    page = checkout_page(client, coupon=held.pk, points="1000")
    assert "16,000" in page  # 20,000 - 3,000 - 1,000
    assert token_of(page, "reviewed_coupon") == str(held.pk)

    response = client.post(
        reverse("orders:checkout"),
        {
            **DETAILS,
            "coupon": held.pk,
            "points": "1000",
            "reviewed_coupon": held.pk,
            "reviewed_points": "1000",
            "cart_token": token_of(page),
            "action": "place",
        },
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.total_amount == Decimal(16000)
    assert order.points_amount == Decimal(1000)


def test_changing_the_coupon_without_applying_re_prices_instead_of_placing(client) -> None:
    user = UserFactory()
    variant = priced(20000)
    held = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(3000)))
    client.force_login(user)
    client.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
    )
    page = checkout_page(client)
    response = client.post(
        reverse("orders:checkout"),
        {
            **DETAILS,
            "coupon": held.pk,
            "reviewed_coupon": "",
            "reviewed_points": "",
            "cart_token": token_of(page),
            "action": "place",
        },
    )
    assert response.status_code == 200
    assert "Your discounts changed" in text(response)
    assert not Order.objects.exists()


def test_a_coupon_that_does_not_apply_is_explained_in_the_summary(client) -> None:
    user = UserFactory()
    variant = priced(5000)
    held = UserCouponFactory(user=user, coupon=CouponFactory(min_order_amount=Decimal(10000)))
    client.force_login(user)
    client.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
    )
    page = checkout_page(client, coupon=held.pk)
    assert "This coupon needs" in page


def test_a_members_checkout_with_a_coupon_keeps_its_queries_bounded(
    client, django_assert_max_num_queries
) -> None:
    user = UserFactory()
    seller = vendor_with_policy(base_fee=Decimal(0))
    for n in range(3):
        UserCouponFactory(user=user, coupon=CouponFactory(name=f"c{n}"))
    held = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(1000)))
    give_points(user, 3000)
    client.force_login(user)
    for _ in range(3):
        variant = priced(20000, vendor=seller)
        client.post(
            reverse("orders:cart_add"),
            {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
        )
    # The guest's checkout plus the grade, the wallet (with its scopes) and the balance;
    # the same for any number of coupons or lines.
    with django_assert_max_num_queries(13):
        page = checkout_page(client, coupon=held.pk, points="1000")
    assert "58,000" in page  # 60,000 less the 1,000 coupon and 1,000 points


def test_points_that_cannot_be_used_are_explained_on_placing_not_re_priced_forever(client) -> None:
    user = UserFactory()
    variant = priced(20000)
    give_points(user, 500)  # below the minimum balance
    client.force_login(user)
    client.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
    )
    page = checkout_page(client, points="300")
    assert token_of(page, "reviewed_points") == "300"
    response = client.post(
        reverse("orders:checkout"),
        {
            **DETAILS,
            "points": "300",
            "coupon": "",
            "reviewed_coupon": token_of(page, "reviewed_coupon"),
            "reviewed_points": token_of(page, "reviewed_points"),
            "cart_token": token_of(page),
            "action": "place",
        },
    )
    assert response.status_code == 400
    assert "Your discounts changed" not in text(response)
    assert "Points can be used from a balance of" in text(response)
    assert not Order.objects.exists()


def test_the_htmx_summary_prices_the_coupon_chosen(client) -> None:
    user = UserFactory()
    variant = priced(20000, vendor=vendor_with_policy(base_fee=Decimal(0)))
    held = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(2500)))
    client.force_login(user)
    client.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1},
    )
    response = client.post(
        reverse("orders:checkout_summary"),
        {**DETAILS, "coupon": held.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="checkout-summary",
    )
    page = text(response)
    assert "17,500" in page
    assert token_of(page, "reviewed_coupon") == str(held.pk)
