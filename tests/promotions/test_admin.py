"""Staff and seller-center pages of promotions: coupons, redemptions, points adjustments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from promotions.models import Coupon, PointAccount, PointEntry
from tests.promotions.factories import CouponFactory
from tests.promotions.helpers import give_points

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def test_staff_create_a_code_coupon_and_it_gets_an_unguessable_code(staff_client) -> None:
    response = staff_client.post(
        reverse("admin:promotions_coupon_add"),
        {
            "name": "VIP",
            "kind": "fixed",
            "amount": "5000",
            "percent": "0",
            "max_discount": "0",
            "min_order_amount": "0",
            "issue": "code",
            "starts_at_0": "2026-01-01",
            "starts_at_1": "00:00:00",
            "per_customer_limit": "1",
            "is_active": "on",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    coupon = Coupon.objects.get(name="VIP")
    assert len(coupon.code) == 16


def test_a_percent_coupon_without_a_percentage_is_refused(staff_client) -> None:
    response = staff_client.post(
        reverse("admin:promotions_coupon_add"),
        {
            "name": "bad",
            "kind": "percent",
            "amount": "0",
            "percent": "0",
            "max_discount": "0",
            "min_order_amount": "0",
            "issue": "download",
            "starts_at_0": "2026-01-01",
            "starts_at_1": "00:00:00",
            "per_customer_limit": "1",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Coupon.objects.filter(name="bad").exists()


def test_staff_adjust_points_with_a_reason(staff_client, user, staff_user) -> None:
    give_points(user, 100)
    account = PointAccount.objects.get(user=user)
    url = reverse("admin:promotions_pointaccount_adjust", args=[account.pk])

    assert staff_client.post(url, {"amount": "-500", "reason": "회수"}).status_code == 200
    response = staff_client.post(url, {"amount": "300", "reason": "고객 보상"})

    assert response.status_code == 302
    entry = PointEntry.objects.get(kind=PointEntry.Kind.ADJUST)
    assert (entry.amount, entry.reason, entry.created_by) == (300, "고객 보상", staff_user)
    page = staff_client.get(reverse("admin:promotions_pointaccount_change", args=[account.pk]))
    assert "고객 보상" in page.content.decode()


def test_the_ledger_cannot_be_edited_in_the_admin(staff_client, user) -> None:
    give_points(user, 100)
    entry = PointEntry.objects.get()
    response = staff_client.post(
        reverse("admin:promotions_pointentry_change", args=[entry.pk]), {"amount": "99999"}
    )
    assert response.status_code == 403
    assert PointEntry.objects.get().amount == 100


def test_the_seller_center_shows_a_vendor_its_own_coupons_only(seller_client, tenants) -> None:
    mine = CouponFactory(vendor=tenants.mine, name="내쿠폰")
    theirs = CouponFactory(vendor=tenants.theirs, name="남의쿠폰")
    CouponFactory(name="플랫폼쿠폰")

    page = seller_client.get(reverse("sellercenter:promotions_coupon_changelist")).content.decode()

    assert "내쿠폰" in page
    assert "남의쿠폰" not in page
    assert "플랫폼쿠폰" not in page
    url = reverse("sellercenter:promotions_coupon_change", args=[theirs.pk])
    assert seller_client.get(url).status_code in (302, 403, 404)
    assert mine.vendor == tenants.mine


def test_a_vendor_creates_a_coupon_it_bears(seller_client, tenants) -> None:
    response = seller_client.post(
        reverse("sellercenter:promotions_coupon_add"),
        {
            "name": "가게쿠폰",
            "kind": "fixed",
            "amount": "1000",
            "percent": "0",
            "max_discount": "0",
            "min_order_amount": "0",
            "issue": "download",
            "starts_at_0": "2026-01-01",
            "starts_at_1": "00:00:00",
            "per_customer_limit": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    coupon = Coupon.objects.get(name="가게쿠폰")
    assert coupon.vendor == tenants.mine
    assert coupon.bearer == "vendor"
    assert coupon.amount == Decimal(1000)


def test_the_order_admin_names_the_coupon_and_who_pays_it(staff_client, user) -> None:
    from tests.orders.helpers import vendor_with_policy
    from tests.promotions.factories import UserCouponFactory
    from tests.promotions.helpers import member_cart, place_member, priced

    seller = vendor_with_policy(base_fee=Decimal(0))
    held = UserCouponFactory(
        user=user, coupon=CouponFactory(name="가게쿠폰", vendor=seller, amount=Decimal(1500))
    )
    order = place_member(
        member_cart(user, (priced(10000, vendor=seller), 1)), user, coupon=held.pk
    ).order

    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert "가게쿠폰" in page
    assert "Vendor" in page
    shipment = order.shipments.get()
    page = staff_client.get(
        reverse("admin:orders_vendorshipment_change", args=[shipment.pk])
    ).content.decode()
    assert "1,500" in page


def test_staff_issue_a_coupon_to_a_member_within_the_limit(staff_client, user) -> None:
    from promotions.models import UserCoupon

    coupon = CouponFactory(issue=Coupon.Issue.MANUAL, per_customer_limit=1)
    url = reverse("admin:promotions_usercoupon_add")

    assert staff_client.post(url, {"coupon": coupon.pk, "user": user.pk}).status_code == 302
    staff_client.post(url, {"coupon": coupon.pk, "user": user.pk})  # over the limit

    assert UserCoupon.objects.filter(user=user, coupon=coupon).count() == 1
