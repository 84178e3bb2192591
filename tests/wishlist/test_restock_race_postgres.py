"""Two workers delivering the same restock at once send one alert, on PostgreSQL.

Real threads with their own connections run ``send_restock_alerts`` together. The
negative control swaps the conditional claim for a read-then-write and shows the test
would catch the double message.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Message
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from wishlist import services
from wishlist.models import RestockSubscription

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def race(variant_id: int) -> int:
    barrier = threading.Barrier(WORKERS)
    sent: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            sent.append(services.send_restock_alerts(variant_ids=[variant_id]))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(sent)


def waiting_member_on_restocked_variant() -> int:
    variant = VariantFactory(stock=0)
    RestockSubscription.objects.create(user=UserFactory(), variant=variant)
    variant.stock = 5  # back in stock; the listeners are what the race stands for
    variant.save(update_fields=["stock"])
    return variant.pk


def test_concurrent_deliveries_send_exactly_one_alert() -> None:
    variant_id = waiting_member_on_restocked_variant()

    assert race(variant_id) == 1
    assert Message.objects.filter(template_code="restock.available").count() == 1


def test_negative_control_a_read_then_write_claim_sends_twice(monkeypatch) -> None:
    variant_id = waiting_member_on_restocked_variant()
    # Every worker reads "not yet notified" before any writes: a barrier makes the race
    # certain instead of likely, so the control cannot pass by luck on a busy machine.
    all_read = threading.Barrier(WORKERS, timeout=30)

    def naive_claim(subscription_id: int) -> bool:
        subscription = RestockSubscription.objects.get(pk=subscription_id)
        if subscription.notified_at is not None:
            return False
        all_read.wait()
        subscription.notified_at = timezone.now()
        subscription.save(update_fields=["notified_at"])
        Message.objects.create(
            template_code="restock.available", channel="email", recipient="x", body="x"
        )
        return True

    monkeypatch.setattr(services, "_send_one", naive_claim)

    assert race(variant_id) > 1
