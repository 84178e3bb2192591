"""Factories for coupons and wallets."""

from decimal import Decimal

import factory

from promotions.models import Coupon, UserCoupon
from tests.accounts.factories import UserFactory


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon

    name = factory.Sequence(lambda n: f"쿠폰{n}")
    kind = Coupon.Kind.FIXED
    amount = Decimal(3000)
    issue = Coupon.Issue.DOWNLOAD


class UserCouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserCoupon

    coupon = factory.SubFactory(CouponFactory)
    user = factory.SubFactory(UserFactory)
    source = factory.Sequence(lambda n: f"test:{n}")
