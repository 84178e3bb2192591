"""Two checkouts of one member spend the same points at once, on PostgreSQL.

Each places its own cart with 6,000 of the member's 10,000 points, released together on
real threads: one order is placed, the other is refused with the reason, and the balance
is the ledger's sum. The negative control reads the account without locking it: both
orders go through and the balance no longer matches the ledger.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from orders import services
from orders.exceptions import OrderError
from orders.models import Order
from promotions.models import PointAccount, PointEntry
from promotions.services import points as points_module
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS, vendor_with_policy
from tests.promotions.helpers import give_points, priced, review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def two_checkouts(user) -> Counter:
    variant = priced(20000, vendor=vendor_with_policy(base_fee=Decimal(0)), stock=5)
    checkouts = []
    for key in ("tab-1", "tab-2"):  # two carts of one member (two devices)
        cart = services.get_or_create_cart(session_key=key)
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
        checkouts.append((cart, review(cart, user, points=6000).token))
    barrier = threading.Barrier(2)
    outcomes: Counter = Counter()
    guard = threading.Lock()

    def checkout(cart, token) -> None:
        try:
            barrier.wait()
            services.place_order(
                cart=cart, details={**DETAILS, "points": 6000}, cart_token=token, user=user
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
        thread.join(timeout=60)
    return outcomes


def ledger(user) -> int:
    return sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))


def test_two_checkouts_spending_the_same_points_one_is_refused() -> None:
    user = UserFactory()
    give_points(user, 10000)

    outcomes = two_checkouts(user)

    assert outcomes == {"ordered": 1, "invalid_discount": 1}
    assert Order.objects.count() == 1
    assert PointAccount.objects.get(user=user).balance == 4000 == ledger(user)


def unlocked_account_meeting_at(both_read: threading.Barrier):
    """The bug under test: read the balance without a lock.

    Both checkouts read before either writes: the barrier makes the race certain
    instead of likely, so the control cannot pass by luck on a busy machine.
    """

    def unlocked_account(user_id: int) -> PointAccount:
        account = PointAccount.objects.get(user_id=user_id)
        both_read.wait()
        return account

    return unlocked_account


def test_negative_control_without_the_lock_both_checkouts_spend(monkeypatch) -> None:
    user = UserFactory()
    give_points(user, 10000)
    both_read = threading.Barrier(2, timeout=30)
    monkeypatch.setattr(points_module, "lock_account", unlocked_account_meeting_at(both_read))

    outcomes = two_checkouts(user)

    assert outcomes == {"ordered": 2}  # the test above would have failed
    assert ledger(user) == -2000 != PointAccount.objects.get(user=user).balance
