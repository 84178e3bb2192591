"""A coupon's global limit under a rush, on PostgreSQL (VCH-02), and the billing-key
encryption key rotated (BK-06).

The rush reuses the fifty-checkout harness of tests/promotions: real threads, each with
its own connection, released together on one coupon limited to a few orders.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from orders.models import Order
from payments import crypto
from promotions.models import Coupon, CouponRedemption
from tests.promotions.factories import CouponFactory
from tests.promotions.test_coupon_race_postgres import SHOPPERS, rush

LIMIT = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_checkouts_on_a_coupon_limited_to_five_orders_discount_five() -> None:
    coupon = CouponFactory(amount=Decimal(3000), usage_limit=LIMIT, per_customer_limit=1)

    outcomes = rush(coupon)

    assert outcomes == {"ordered": LIMIT, "invalid_discount": SHOPPERS - LIMIT}
    assert Order.objects.filter(coupon_discount_amount__gt=0).count() == LIMIT
    assert Coupon.objects.get(pk=coupon.pk).redeemed_count == LIMIT
    assert CouponRedemption.objects.filter(coupon=coupon).count() == LIMIT


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_a_count_above_the_coupons_limit() -> None:
    coupon = CouponFactory(amount=Decimal(3000), usage_limit=1)
    Coupon.objects.filter(pk=coupon.pk).update(redeemed_count=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Coupon.objects.filter(pk=coupon.pk).update(redeemed_count=F("redeemed_count") + 1)

    assert Coupon.objects.get(pk=coupon.pk).redeemed_count == 1


def test_a_saved_token_survives_a_key_rotation_until_the_old_key_is_dropped(settings) -> None:
    settings.PAYMENTS_TOKEN_KEY = "the-old-token-key"
    old = crypto.encrypt("SID-1234567890")

    settings.PAYMENTS_TOKEN_KEY = "the-new-token-key,the-old-token-key"  # new first, old kept
    assert crypto.decrypt(old) == "SID-1234567890"
    new = crypto.encrypt("SID-1234567890")
    settings.PAYMENTS_TOKEN_KEY = "the-new-token-key"  # the old key dropped

    assert crypto.decrypt(new) == "SID-1234567890"  # written under the new key
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(old)
