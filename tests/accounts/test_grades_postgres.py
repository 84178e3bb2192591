"""Two purchases of one member confirmed at the same moment, on PostgreSQL, real threads.

Each alone stays below the silver threshold, together they reach it. The member's row
lock makes the second confirmation sum both; the negative control takes the lock away
and shows the test catches the lost grade.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.services import grades
from tests.accounts.factories import MemberGradeFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def confirm_together(user: User) -> list[str]:
    barrier = threading.Barrier(2)
    failures: list[str] = []

    def confirm(order_id: int) -> None:
        try:
            barrier.wait()
            services.record_confirmed_purchase(
                user_id=user.pk,
                order_id=order_id,
                vendor_id=1,
                amount="60000",
                confirmed_at=timezone.now(),
            )
        except Exception as error:  # a deadlock or crash is a finding
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(order_id,)) for order_id in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


@pytest.fixture
def member():
    MemberGradeFactory(code="general", name="일반", position=0)
    MemberGradeFactory(code="silver", name="실버", position=10, min_purchase_amount=100_000)
    return UserFactory()


def slow_sum(original):
    """Widen the window between a confirmation's insert and its sum of purchases."""

    def recompute(**kwargs):
        time.sleep(0.3)
        return original(**kwargs)

    return recompute


def test_two_confirmations_at_once_both_count_toward_the_grade(member, monkeypatch):
    monkeypatch.setattr(grades, "recompute_grade", slow_sum(grades.recompute_grade))

    assert confirm_together(member) == []

    member.refresh_from_db()
    assert member.grade.code == "silver"


def both_inserted_first(original):
    """Let each confirmation sum only once both have inserted (neither committed yet).

    Without the member lock nothing orders the two; a barrier makes the lost update certain
    instead of likely, so the control cannot pass by luck on a busy machine.
    """
    inserted = threading.Barrier(2, timeout=20)

    def recompute(**kwargs):
        inserted.wait()
        return original(**kwargs)

    return recompute


def test_negative_control_without_the_member_lock_the_grade_is_lost(member, monkeypatch):
    monkeypatch.setattr(grades, "lock_member", lambda user_id: None)
    monkeypatch.setattr(grades, "recompute_grade", both_inserted_first(grades.recompute_grade))

    assert confirm_together(member) == []

    member.refresh_from_db()
    assert member.grade is None or member.grade.code == "general"
