"""Member grades: earned by confirmed purchases in the window, the contract other apps read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts import selectors, services, tasks
from accounts.models import ConfirmedPurchase
from accounts.services.grades import months_ago
from shop.models import AuditEvent
from tests.accounts.factories import MemberGradeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grades():
    return {
        "general": MemberGradeFactory(
            code="general", name="일반", position=0, point_rate=Decimal("0.005")
        ),
        "silver": MemberGradeFactory(
            code="silver",
            name="실버",
            position=10,
            min_purchase_count=2,
            min_purchase_amount=100_000,
            discount_rate=Decimal("0.01"),
            point_rate=Decimal("0.01"),
        ),
        "gold": MemberGradeFactory(
            code="gold",
            name="골드",
            position=20,
            min_purchase_amount=1_000_000,
            discount_rate=Decimal("0.02"),
            point_rate=Decimal("0.02"),
        ),
    }


def confirm(user, order_id: int, amount: int, *, when: datetime | None = None, vendor_id: int = 1):
    return services.record_confirmed_purchase(
        user_id=user.pk,
        order_id=order_id,
        vendor_id=vendor_id,
        amount=str(amount),
        confirmed_at=when or timezone.now(),
    )


def test_anonymous_and_no_grades_get_zero_rates():
    assert selectors.member_benefits(AnonymousUser()) == selectors.NO_BENEFITS
    assert selectors.member_benefits(UserFactory()).discount_rate == Decimal(0)


def test_a_new_member_has_the_default_grade_s_benefits(grades):
    benefits = selectors.member_benefits(UserFactory())

    assert benefits == selectors.MemberBenefits(
        grade_code="general",
        grade_name="일반",
        discount_rate=Decimal("0"),
        point_rate=Decimal("0.005"),
    )


def test_both_thresholds_of_a_grade_must_be_reached(grades):
    user = UserFactory()
    confirm(user, 1, 150_000)
    assert selectors.member_benefits(user).grade_code == "general"  # one purchase only

    confirm(user, 2, 10_000)
    user.refresh_from_db()
    assert selectors.member_benefits(user).grade_code == "silver"
    [event] = AuditEvent.objects.filter(event_type="accounts.MemberGradeChanged")
    assert event.payload["old_grade"] is None
    assert event.payload["new_grade"] == "silver"
    assert event.payload["purchase_amount"] == "160000"


def test_the_same_confirmation_twice_counts_once(grades):
    user = UserFactory()
    confirm(user, 1, 600_000)
    confirm(user, 1, 600_000)

    assert ConfirmedPurchase.objects.filter(user=user).count() == 1
    user.refresh_from_db()
    assert user.grade is None or user.grade.code == "general"


def test_two_vendor_parts_of_one_order_are_one_purchase_with_both_amounts(grades):
    user = UserFactory()
    confirm(user, 1, 600_000, vendor_id=1)
    confirm(user, 1, 500_000, vendor_id=2)

    user.refresh_from_db()
    assert user.grade.code == "gold"  # 1,100,000 won, though one order only


def test_a_refund_after_confirmation_can_lower_the_grade(grades):
    user = UserFactory()
    confirm(user, 1, 1_000_000)
    user.refresh_from_db()
    assert user.grade.code == "gold"

    services.record_purchase_refund(order_id=1, vendor_id=1, amount="1")

    user.refresh_from_db()
    assert user.grade.code == "general"
    assert ConfirmedPurchase.objects.get().amount == Decimal("999999")


def test_the_daily_recompute_lets_old_purchases_age_out(grades, settings):
    settings.ACCOUNTS_GRADE_WINDOW_MONTHS = 6
    old, recent, newcomer = UserFactory(), UserFactory(), UserFactory()
    seven_months_ago = months_ago(timezone.now(), 7)
    confirm(old, 1, 2_000_000, when=seven_months_ago)
    confirm(recent, 2, 2_000_000)
    old.refresh_from_db()
    # Recorded late: it counted when it arrived, the daily job takes it back.
    assert old.grade is None or old.grade.code == "general"
    old.grade = grades["gold"]
    old.save()

    changed = tasks.recompute_grades()

    old.refresh_from_db()
    recent.refresh_from_db()
    newcomer.refresh_from_db()
    assert changed == 1
    assert old.grade.code == "general"
    assert recent.grade.code == "gold"
    assert newcomer.grade is None  # the default grade, not an event per member
    assert tasks.recompute_grades() == 0


def test_months_ago_clips_to_the_end_of_a_short_month():
    kst = ZoneInfo("Asia/Seoul")
    moment = datetime(2026, 3, 31, 12, 0, tzinfo=kst)
    assert months_ago(moment, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=kst)
    assert months_ago(moment, 15) == datetime(2024, 12, 31, 12, 0, tzinfo=kst)


def test_the_orders_listener_counts_a_member_s_confirmation_and_skips_a_guest(grades):
    from orders.events import PurchaseConfirmed
    from orders.listeners import count_purchase_for_grade
    from tests.orders.factories import OrderFactory

    user = UserFactory()
    member_order, guest_order = OrderFactory(user=user), OrderFactory(user=None)

    def confirmed(order):
        return PurchaseConfirmed(
            order_id=order.pk,
            order_line_ids=[],
            vendor_id=7,
            gross_amount="1000000",
            shipping_amount="3000",
            confirmed_at=timezone.now().isoformat(),
        )

    count_purchase_for_grade(confirmed(member_order))
    count_purchase_for_grade(confirmed(guest_order))

    [purchase] = ConfirmedPurchase.objects.all()
    assert (purchase.user_id, purchase.order_id, purchase.vendor_id) == (
        user.pk,
        member_order.pk,
        7,
    )
    user.refresh_from_db()
    assert user.grade.code == "gold"
