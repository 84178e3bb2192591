"""Points for a confirmed purchase arrive through the real path: outbox -> Redis -> worker."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from accounts.models import MemberGrade
from orders.events import PurchaseConfirmed
from promotions.models import PointEntry
from shop.events import publish
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.vendors.factories import VendorFactory


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
def test_a_real_worker_gives_the_purchase_points_once(celery_worker) -> None:
    user = UserFactory()
    user.grade = MemberGrade.objects.create(
        code="worker-gold", name="GOLD", position=70, point_rate=Decimal("0.01")
    )
    user.save(update_fields=["grade"])
    event = PurchaseConfirmed(
        order_id=9,
        order_line_ids=[1],
        vendor_id=VendorFactory().pk,  # the ledger's listener books it too
        gross_amount="30000",
        shipping_amount="0",
        confirmed_at="2026-01-10T15:00:00+09:00",
        paid_amount="25000",
        user_id=user.pk,
    )

    rows = [publish(event), publish(event)]  # announced twice

    assert wait_for(
        lambda: (
            AuditEvent.objects.filter(
                pk__in=[row.pk for row in rows], delivery_status="delivered"
            ).count()
            == 2
        )
    )
    earned = PointEntry.objects.filter(user=user, kind=PointEntry.Kind.EARN)
    assert list(earned.values_list("amount", flat=True)) == [250]
