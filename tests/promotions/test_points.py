"""The points ledger: earn once per source, spend within the balance, expire first in first out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from promotions import services
from promotions.exceptions import PromotionError, PromotionErrorCode
from promotions.models import PointAccount, PointEntry
from shop.models import AuditEvent

pytestmark = pytest.mark.django_db


def balance(user) -> int:
    return PointAccount.objects.get(user=user).balance


def ledger_sum(user) -> int:
    return sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))


def test_earn_points_is_idempotent_by_source(user) -> None:
    first = services.earn_points(user=user, amount=500, reason="리뷰 적립", source="review:1")
    second = services.earn_points(user=user, amount=500, reason="리뷰 적립", source="review:1")

    assert first is not None
    assert first.kind == PointEntry.Kind.EARN
    assert second is None
    assert balance(user) == 500 == ledger_sum(user)
    assert AuditEvent.objects.filter(event_type="promotions.PointsChanged").count() == 1


def test_earn_nothing_for_a_guest_or_zero(user) -> None:
    assert services.earn_points(user=None, amount=100, reason="x", source="a:1") is None
    assert services.earn_points(user=user, amount=0, reason="x", source="a:2") is None
    assert not PointEntry.objects.exists()


def test_earn_needs_a_source(user) -> None:
    with pytest.raises(PromotionError) as error:
        services.earn_points(user=user, amount=100, reason="x", source=" ")
    assert "source" in error.value.fields


def test_spending_more_than_the_balance_is_refused_and_books_nothing(user) -> None:
    services.earn_points(user=user, amount=1000, reason="x", source="s:1")

    with pytest.raises(PromotionError) as error:
        services.spend_points(user_id=user.pk, amount=1001, order_id=9)

    assert error.value.code == PromotionErrorCode.INSUFFICIENT_POINTS
    assert balance(user) == 1000 == ledger_sum(user)


def test_spend_once_per_order(user) -> None:
    services.earn_points(user=user, amount=1000, reason="x", source="s:1")
    services.spend_points(user_id=user.pk, amount=300, order_id=7)
    assert services.spend_points(user_id=user.pk, amount=300, order_id=7) is None
    assert balance(user) == 700 == ledger_sum(user)


def test_restore_once_per_source(user) -> None:
    services.earn_points(user=user, amount=1000, reason="x", source="s:1")
    services.spend_points(user_id=user.pk, amount=400, order_id=7)
    services.restore_points(user_id=user.pk, amount=400, order_id=7, source="order:7:cancel")
    services.restore_points(user_id=user.pk, amount=400, order_id=7, source="order:7:cancel")
    assert balance(user) == 1000 == ledger_sum(user)


def test_staff_adjust_needs_a_reason_and_a_whole_number(user, staff_user) -> None:
    with pytest.raises(PromotionError) as error:
        services.adjust_points(user=user, amount="1.5", reason="", staff=staff_user)
    assert set(error.value.fields) == {"amount", "reason"}

    entry = services.adjust_points(user=user, amount="2000", reason="보상", staff=staff_user)
    assert entry.created_by == staff_user
    assert entry.kind == PointEntry.Kind.ADJUST
    with pytest.raises(PromotionError):  # never below zero
        services.adjust_points(user=user, amount="-2001", reason="회수", staff=staff_user)
    services.adjust_points(user=user, amount="-500", reason="회수", staff=staff_user)
    assert balance(user) == 1500 == ledger_sum(user)


@override_settings(PROMOTIONS_POINTS_EXPIRY_DAYS=30)
def test_expiry_writes_off_the_oldest_unspent_points_once(user) -> None:
    start = timezone.now() - timedelta(days=40)
    entry = services.earn_points(user=user, amount=1000, reason="old", source="e:1")
    PointEntry.objects.filter(pk=entry.pk).update(
        created_at=start, expires_at=start + timedelta(days=30)
    )
    services.spend_points(user_id=user.pk, amount=300, order_id=1)  # uses the old points first
    services.earn_points(user=user, amount=500, reason="new", source="e:2")

    expired = services.expire_points(user_id=user.pk)
    again = services.expire_points(user_id=user.pk)

    assert expired is not None
    assert expired.amount == -700
    assert again is None
    assert balance(user) == 500 == ledger_sum(user)


@override_settings(PROMOTIONS_POINTS_EXPIRY_DAYS=30)
def test_expiry_task_goes_through_every_member(user, other_user) -> None:
    from promotions.tasks import expire_points

    for member in (user, other_user):
        entry = services.earn_points(user=member, amount=100, reason="x", source=f"t:{member.pk}")
        PointEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now())

    assert expire_points() == 2
    assert expire_points() == 0
    assert balance(user) == balance(other_user) == 0


@override_settings(PROMOTIONS_POINTS_MIN_BALANCE=1000, PROMOTIONS_POINTS_MAX_SHARE_PERCENT=50)
@pytest.mark.parametrize(
    ("balance_", "requested", "allowed"),
    [(999, 100, 0), (5000, 6000, 0), (5000, 5001, 0), (5000, 5000, 5000), (20000, 5001, 0)],
)
def test_usable_points_rules(balance_, requested, allowed) -> None:
    from decimal import Decimal

    used, problem = services.usable_points(
        balance=balance_, requested=requested, payable=Decimal(10000)
    )
    assert used == allowed
    assert bool(problem) == (allowed == 0)
