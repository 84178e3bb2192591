"""A rush on the last units, on PostgreSQL: 50 shoppers released together buy 10 units.

Real threads, each with its own database connection, place real orders at the same
moment. The negative control swaps the stock step for a naive read-then-write (what
an unconditional decrement amounts to) and shows that this test would catch oversell.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from catalog.models import Variant
from orders import services
from orders.exceptions import OrderError, OrderErrorCode
from orders.models import Order
from orders.services import stock as order_stock
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHOPPERS = 50
UNITS = 10


def rush(variant: Variant) -> Counter:
    """Let SHOPPERS carts of one unit each be placed at once; count the outcomes."""
    carts = []
    for index in range(SHOPPERS):
        cart = guest_cart(f"rush-{index}")
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
        carts.append(cart)
    barrier = threading.Barrier(SHOPPERS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def shop(cart) -> None:
        try:
            barrier.wait()
            place(cart)
            outcome = "ordered"
        except OrderError as error:
            outcome = str(error.code)
        except Exception as error:  # any other failure (deadlock, crash) is a finding
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=shop, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_shoppers_buy_the_last_ten_units_exactly_once() -> None:
    variant = variant_of(stock=UNITS)

    outcomes = rush(variant)

    assert outcomes == {"ordered": UNITS, OrderErrorCode.OUT_OF_STOCK: SHOPPERS - UNITS}
    assert Order.objects.count() == UNITS
    assert Variant.objects.get(pk=variant.pk).stock == 0


def naive_take_meeting_at(all_read: threading.Barrier):
    """The bug under test: read the stock, check it, write back what was read minus one.

    Every shopper reads before any writes: the barrier makes the race certain instead
    of likely, so the control cannot pass by luck on a busy machine.
    """

    def naive_take(model, quantities, names, *, field_prefix):
        for pk, quantity in quantities.items():
            current = model.objects.get(pk=pk).stock
            if current < quantity:
                raise order_stock.sold_out([pk], {pk: current}, names, field_prefix)
            all_read.wait()
            model.objects.filter(pk=pk).update(stock=current - quantity)

    return naive_take


def test_negative_control_an_unconditional_decrement_oversells(monkeypatch) -> None:
    all_read = threading.Barrier(SHOPPERS, timeout=60)
    monkeypatch.setattr(order_stock, "take", naive_take_meeting_at(all_read))
    variant = variant_of(stock=UNITS)

    outcomes = rush(variant)

    assert not [name for name in outcomes if name.startswith("crash")], outcomes
    with transaction.atomic():
        assert Order.objects.count() > UNITS  # the test above would have failed
