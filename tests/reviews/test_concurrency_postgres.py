"""Double submits and vote bursts, on PostgreSQL with real threads released together.

- Ten submits of a review for one order line: one review, nine clear "already
  reviewed" errors, never a crash. The negative control writes without the line lock
  and shows the test would catch the race (the unique constraint then surfaces as a
  raw IntegrityError, a 500 for the shopper).
- Twenty shoppers voting for one review at once: the count is exactly twenty.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from reviews import services
from reviews.models import Review
from shop.exceptions import ShopError
from tests.accounts.factories import UserFactory
from tests.reviews.factories import ReviewFactory, confirmed_line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(calls: list[Callable[[], object]]) -> Counter:
    """Run every call in its own thread and connection at the same moment; count outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcome = "ok"
        except ShopError as error:
            outcome = error.code
        except Exception as error:  # a deadlock or an integrity error is a finding
            outcome = f"crash: {type(error).__name__}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def ten_submits(user, line) -> Counter:
    def submit() -> None:
        services.write_review(user=user, order_line_id=line.pk, rating=5, text="두 번 눌렀어요")

    return at_once([submit] * 10)


def test_ten_submits_of_one_line_make_one_review() -> None:
    user = UserFactory()
    line = confirmed_line(user)
    assert ten_submits(user, line) == {"ok": 1, "already_reviewed": 9}
    assert Review.objects.filter(order_line=line).count() == 1


def test_negative_control_without_the_line_lock_the_race_crashes(monkeypatch) -> None:
    user = UserFactory()
    line = confirmed_line(user)
    checked = services._reviewable_line
    # Every submit passes the check before any inserts: a barrier makes the race certain
    # instead of likely, so the control cannot pass by luck on a busy machine.
    all_checked = threading.Barrier(10, timeout=20)

    def unlocked(user, order_line_id, *, lock=False):
        found = checked(user, order_line_id, lock=False)
        all_checked.wait()
        return found

    monkeypatch.setattr(services, "_reviewable_line", unlocked)
    outcomes = ten_submits(user, line)
    assert outcomes["ok"] == 1
    assert any(outcome.startswith("crash: IntegrityError") for outcome in outcomes)


def test_twenty_votes_at_once_count_twenty() -> None:
    review = ReviewFactory()
    voters = [UserFactory() for _ in range(20)]
    calls = [
        lambda voter=voter: services.vote_helpful(review_id=review.pk, user=voter)
        for voter in voters
    ]
    assert at_once(calls) == {"ok": 20}
    review.refresh_from_db()
    assert review.helpful_count == review.votes.count() == 20
