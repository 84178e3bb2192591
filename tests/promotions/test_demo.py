"""The demo shows coupons in the zone, a welcome coupon and points for the demo shopper."""

from io import StringIO

import pytest
from django.core.management import call_command

from promotions.models import Coupon, PointAccount, UserCoupon

pytestmark = pytest.mark.django_db


def test_demo_coupons_and_points() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=StringIO())

    assert Coupon.objects.filter(issue=Coupon.Issue.DOWNLOAD).count() >= 3
    assert Coupon.objects.filter(vendor__slug="seoul-market").exists()
    shopper_coupons = UserCoupon.objects.filter(user__email="shopper@example.com")
    assert shopper_coupons.filter(coupon__issue=Coupon.Issue.SIGNUP).count() == 1
    assert PointAccount.objects.get(user__email="shopper@example.com").balance == 5000
    code = Coupon.objects.get(issue=Coupon.Issue.CODE).code
    assert f"coupon code {code}" in out.getvalue()
