"""Fifty checkouts redeem one single-use coupon at once, on PostgreSQL: exactly one wins.

Fifty members each hold a copy of a coupon limited to one order in all; real threads,
each with its own connection, place their orders together. The negative control swaps
the conditional counter UPDATE for a read-then-write and shows the test catches it.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from orders import services
from orders.exceptions import OrderError
from orders.models import Order
from promotions.models import Coupon, CouponRedemption
from promotions.services import coupons as coupon_services
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS
from tests.promotions.factories import CouponFactory, UserCouponFactory
from tests.promotions.helpers import member_cart, priced, review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHOPPERS = 50


def rush(coupon: Coupon) -> Counter:
    variant = priced(10000, stock=SHOPPERS)
    checkouts = []
    for _ in range(SHOPPERS):
        user = UserFactory()
        held = UserCouponFactory(user=user, coupon=coupon)
        cart = member_cart(user, (variant, 1))
        checkouts.append((user, cart, held.pk, review(cart, user, coupon=held.pk).token))
    barrier = threading.Barrier(SHOPPERS)
    outcomes: Counter = Counter()
    guard = threading.Lock()

    def checkout(user, cart, held_id, token) -> None:
        try:
            barrier.wait()
            services.place_order(
                cart=cart, details={**DETAILS, "coupon": held_id}, cart_token=token, user=user
            )
            outcome = "ordered"
        except OrderError as error:
            outcome = error.code
        except Exception as error:  # a deadlock or crash is a finding
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with guard:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=checkout, args=args) for args in checkouts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_checkouts_redeem_a_single_use_coupon_exactly_once() -> None:
    coupon = CouponFactory(amount=Decimal(3000), usage_limit=1, per_customer_limit=1)

    outcomes = rush(coupon)

    assert outcomes == {"ordered": 1, "invalid_discount": SHOPPERS - 1}
    assert Order.objects.count() == 1
    assert Order.objects.get().discount_amount == Decimal(3000)
    assert Coupon.objects.get(pk=coupon.pk).redeemed_count == 1
    assert CouponRedemption.objects.count() == 1


def naive_count_meeting_at(all_read: threading.Barrier):
    """The bug under test: read the count, check it, write back what was read plus one.

    Every checkout reads before any writes: the barrier makes the race certain instead
    of likely, so the control cannot pass by luck on a busy machine.
    """

    def naive_count(coupon_id: int) -> None:
        coupon = Coupon.objects.get(pk=coupon_id)
        if coupon.usage_limit is not None and coupon.redeemed_count >= coupon.usage_limit:
            raise coupon_services.used_up()
        all_read.wait()
        Coupon.objects.filter(pk=coupon_id).update(redeemed_count=coupon.redeemed_count + 1)

    return naive_count


def test_negative_control_a_read_then_write_counter_redeems_many(monkeypatch) -> None:
    all_read = threading.Barrier(SHOPPERS, timeout=60)
    monkeypatch.setattr(coupon_services, "count_redemption", naive_count_meeting_at(all_read))
    coupon = CouponFactory(amount=Decimal(3000), usage_limit=1, per_customer_limit=1)

    outcomes = rush(coupon)

    assert not [name for name in outcomes if name.startswith("crash")], outcomes
    assert Order.objects.filter(coupon_discount_amount__gt=0).count() > 1  # caught above
    assert Coupon.objects.filter(pk=coupon.pk, redeemed_count__lte=F("usage_limit")).exists()
