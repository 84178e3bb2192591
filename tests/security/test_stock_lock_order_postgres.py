"""Checkouts of the same two items in opposite order never deadlock, on PostgreSQL (INV-03).

The catalog's test proves it for ``take_stock``; this one for whole checkouts. In each
round two carts, (A, B) and (B, A) with A and B of different vendors, are placed by real
threads released together. Stock rows are locked in primary-key order, so neither ever
waits for the other in a cycle: every order is placed, nothing crashes, and the stock
left is exact.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from catalog.models import Variant
from orders import services
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 8
STOCK = 100


def place_together(carts: list) -> list[str]:
    """Place the carts on threads released together; return what went wrong."""
    barrier = threading.Barrier(len(carts), timeout=30)
    failures: list[str] = []

    def checkout(cart) -> None:
        try:
            barrier.wait()
            place(cart)
        except Exception as error:  # a deadlock (40P01) or any crash is a finding
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout, args=(cart,)) for cart in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread for thread in threads if thread.is_alive()], "a checkout hung"
    return failures


def test_carts_of_the_same_items_in_opposite_order_are_all_placed() -> None:
    first, second = variant_of(stock=STOCK), variant_of(stock=STOCK)
    failures: dict[int, list[str]] = {}

    for round_ in range(ROUNDS):
        carts = []
        for key, variants in (("ab", (first, second)), ("ba", (second, first))):
            cart = guest_cart(f"{key}-{round_}")
            for variant in variants:  # lines added, and so listed, in opposite order
                services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
            carts.append(cart)
        if problems := place_together(carts):
            failures[round_] = problems

    assert failures == {}
    left = dict(Variant.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "stock"))
    assert left == {first.pk: STOCK - 2 * ROUNDS, second.pk: STOCK - 2 * ROUNDS}
