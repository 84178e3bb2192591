"""Two checkouts spend the same points at once, on PostgreSQL: the balance never goes negative.

Real threads, each with its own connection, released together. The negative control
drops the lock on the member's account row (read the balance, then write it) and
shows the test would catch a double spend.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from promotions import services
from promotions.models import PointAccount, PointEntry
from promotions.services import points as points_module
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def spend_twice(user, amount: int) -> Counter:
    barrier = threading.Barrier(2)
    outcomes: Counter = Counter()
    guard = threading.Lock()

    def spend(order_id: int) -> None:
        try:
            barrier.wait()
            services.spend_points(user_id=user.pk, amount=amount, order_id=order_id)
            outcome = "spent"
        except services.points.PromotionError as error:
            outcome = error.code
        except Exception as error:  # a deadlock or crash is a finding
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with guard:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=spend, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_spends_of_the_same_balance_one_is_refused() -> None:
    user = UserFactory()
    services.earn_points(user=user, amount=10000, reason="x", source="race:1")

    outcomes = spend_twice(user, 6000)

    assert outcomes == {"spent": 1, "insufficient_points": 1}
    account = PointAccount.objects.get(user=user)
    assert account.balance == 4000
    assert sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True)) == 4000


def unlocked_account_meeting_at(both_read: threading.Barrier):
    """The bug under test: read the account without locking it.

    Both spends read before either writes: the barrier makes the race certain instead
    of likely, so the control cannot pass by luck on a busy machine.
    """

    def unlocked_account(user_id: int) -> PointAccount:
        PointAccount.objects.get_or_create(user_id=user_id)
        account = PointAccount.objects.get(user_id=user_id)
        both_read.wait()
        return account

    return unlocked_account


def test_negative_control_without_the_lock_both_spend(monkeypatch) -> None:
    user = UserFactory()
    services.earn_points(user=user, amount=10000, reason="x", source="race:2")
    # Patched after the points are earned: only the two spends meet at the barrier.
    both_read = threading.Barrier(2, timeout=30)
    monkeypatch.setattr(points_module, "lock_account", unlocked_account_meeting_at(both_read))

    outcomes = spend_twice(user, 6000)

    assert outcomes == {"spent": 2}  # the test above would have failed
    ledger = sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))
    assert ledger == -2000 != PointAccount.objects.get(user=user).balance
