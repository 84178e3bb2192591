"""The ledger's listener through the real path: outbox -> Redis -> Celery worker."""

import time

import pytest

from orders.events import PurchaseConfirmed
from shop.events import publish
from shop.models import AuditEvent
from tests.vendors.factories import VendorFactory
from vendors.models import SettlementEntry


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
def test_a_real_worker_books_a_confirmed_purchase_once(celery_worker):
    vendor = VendorFactory()
    event = PurchaseConfirmed(
        order_id=7,
        order_line_ids=[1],
        vendor_id=vendor.pk,
        gross_amount="20000",
        shipping_amount="2500",
        confirmed_at="2025-01-10T15:00:00+09:00",
    )

    first = publish(event)
    second = publish(event)  # the orders app announcing the same confirmation twice

    assert wait_for(
        lambda: (
            AuditEvent.objects.filter(
                pk__in=[first.pk, second.pk], delivery_status="delivered"
            ).count()
            == 2
        )
    )
    assert sorted(SettlementEntry.objects.values_list("kind", flat=True)) == [
        "commission",
        "sale",
        "shipping",
    ]
