"""Coupon rules without a checkout: allocation, automatic issue, redemption and release."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.events import UserSignedUp
from promotions import services
from promotions.exceptions import PromotionError
from promotions.listeners import give_signup_coupons
from promotions.models import Coupon, CouponRedemption, UserCoupon
from promotions.pricing import allocate
from tests.promotions.factories import CouponFactory, UserCouponFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (1000, {"a": 1000, "b": 1000, "c": 1000}),
        (7, {"a": 5, "b": 3}),
        (0, {"a": 1}),
        (999, {"a": 10000}),
    ],
)
def test_allocate_sums_exactly_and_never_exceeds_a_weight(total, weights) -> None:
    """Callers never split more than the weights add up to (a discount is capped first)."""
    shares = allocate(Decimal(total), {k: Decimal(v) for k, v in weights.items()})
    assert sum(shares.values()) == total
    assert all(0 <= shares[k] <= weights[k] for k in weights)


def test_signup_coupons_are_given_once(user) -> None:
    welcome = CouponFactory(issue=Coupon.Issue.SIGNUP, name="welcome")
    CouponFactory(issue=Coupon.Issue.SIGNUP, is_active=False)
    event = UserSignedUp(user_id=user.pk, email=user.email)

    give_signup_coupons(event)
    give_signup_coupons(event)  # delivered twice by the outbox

    assert list(UserCoupon.objects.filter(user=user).values_list("coupon", flat=True)) == [
        welcome.pk
    ]


def test_redeem_then_release_exactly_once(user) -> None:
    held = UserCouponFactory(user=user, coupon=CouponFactory(usage_limit=1))
    services.redeem(user_coupon_id=held.pk, user_id=user.pk, order_id=41, amount=Decimal(3000))
    with pytest.raises(PromotionError):
        services.redeem(user_coupon_id=held.pk, user_id=user.pk, order_id=42, amount=Decimal(3000))

    assert services.release(order_id=41) is True
    assert services.release(order_id=41) is False

    coupon = Coupon.objects.get(pk=held.coupon_id)
    assert coupon.redeemed_count == 0
    assert CouponRedemption.objects.get(order_id=41).released_at is not None
    held.refresh_from_db()
    assert held.used_at is None


def test_someone_elses_copy_cannot_be_redeemed(user, other_user) -> None:
    held = UserCouponFactory(user=other_user)
    with pytest.raises(PromotionError):
        services.redeem(user_coupon_id=held.pk, user_id=user.pk, order_id=1, amount=Decimal(1))


def test_a_coupon_needs_sane_fields() -> None:
    with pytest.raises(PromotionError) as error:
        services.save_coupon(
            coupon=Coupon(name="x", kind=Coupon.Kind.PERCENT, percent=Decimal(0)), created=True
        )
    assert "percent" in error.value.fields


def verified(user, birth_date) -> None:
    from django.utils import timezone

    from accounts.models import IdentityVerification

    IdentityVerification.objects.create(
        user=user,
        provider="test",
        name=user.name,
        birth_date=birth_date,
        phone="010-0000-0000",
        ci_hash="c" * 64,
        di_hash="d" * 64,
        verified_at=timezone.now(),
    )


def test_birthday_coupons_once_a_year_to_members_born_today(user, other_user) -> None:
    import datetime as dt

    birthday = CouponFactory(issue=Coupon.Issue.BIRTHDAY, name="생일 축하")
    today = dt.date(2027, 3, 1)
    verified(user, dt.date(1990, 3, 1))
    verified(other_user, dt.date(1990, 3, 2))

    first = services.issue_birthday_coupons(today=today)
    again = services.issue_birthday_coupons(today=today)

    assert [held.user for held in first] == [user]
    assert again == []
    assert UserCoupon.objects.get(coupon=birthday).source == "birthday:2027"
    next_year = services.issue_birthday_coupons(today=dt.date(2028, 3, 1))
    assert [held.source for held in next_year] == ["birthday:2028"]


def test_the_birthday_task_uses_today(user) -> None:
    from django.utils import timezone

    from promotions.tasks import issue_birthday_coupons

    CouponFactory(issue=Coupon.Issue.BIRTHDAY)
    today = timezone.localdate()
    verified(user, today.replace(year=1990) if (today.month, today.day) != (2, 29) else today)
    assert issue_birthday_coupons() == 1
    assert issue_birthday_coupons() == 0


def test_leap_day_birthdays_are_celebrated_on_28_february(user) -> None:
    import datetime as dt

    CouponFactory(issue=Coupon.Issue.BIRTHDAY)
    verified(user, dt.date(2000, 2, 29))
    assert len(services.issue_birthday_coupons(today=dt.date(2027, 2, 28))) == 1
