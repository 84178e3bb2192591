"""One PayPal event delivered five times at once, on PostgreSQL: processed once (WH-03).

PayPal retries a delivery it thinks failed, and may send it again while the first is
still being handled. The genuine signed delivery is caught by a receiver, then posted
to the shop by five threads released together: each is acknowledged with a 2xx, one
inbox row is kept, PayPal is asked to capture once and the order is paid once.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from django.db import connection

from orders.models import Order
from payments import services
from payments.emulators.paypal import send_webhook, set_fx_rate
from payments.models import InboundWebhook, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.paypal import PayPal
from tests.payments.test_core_paypal import events, paypal_order, webhook_url
from tests.payments.test_paypal_client import payment_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DELIVERIES = 5


@pytest.fixture(autouse=True)
def _site(settings, live_server, paypal_emulator):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120  # as deployed
    settings.PAYPAL_FX_RATE_URL = (
        f"{paypal_emulator.base_url}/_emulator/fx-rate?currency={{currency}}"
    )
    set_fx_rate("USD", "1382.25")


def genuine_delivery(webhook_receiver, order_id: str) -> tuple[bytes, dict[str, str]]:
    """A delivery PayPal signed, caught before it reached the shop."""
    send_webhook("CHECKOUT.ORDER.APPROVED", order_id, webhook_receiver.url)
    received, body = webhook_receiver.received[0]
    headers = {
        name: value
        for name, value in received.items()
        if name.lower().startswith("paypal-") or name.lower() == "content-type"
    }
    return body, headers


def post_at_once(url: str, body: bytes, headers: dict[str, str]) -> Counter:
    barrier = threading.Barrier(DELIVERIES, timeout=30)
    statuses: Counter = Counter()
    guard = threading.Lock()

    def deliver() -> None:
        try:
            barrier.wait()
            status = httpx.post(url, content=body, headers=headers, timeout=60).status_code
        except Exception as error:  # a crash is a finding: the assertion shows it
            status = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with guard:
            statuses[status] += 1

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread for thread in threads if thread.is_alive()], "a delivery hung"
    return statuses


def test_one_event_delivered_five_times_at_once_captures_once_and_pays_once(
    paypal_emulator, live_server, webhook_receiver
) -> None:
    order = paypal_order()
    start = services.start_payment(order_id=order.pk, provider_code="paypal")
    paypal_emulator.approve(start.next_action.url)  # approved; the buyer never came back
    body, headers = genuine_delivery(webhook_receiver, start.intent.provider_payment_id)

    statuses = post_at_once(webhook_url(live_server), body, headers)

    assert statuses == {200: DELIVERIES}, statuses
    assert InboundWebhook.objects.count() == 1
    assert InboundWebhook.objects.get().processed_at is not None
    assert paypal_emulator.calls("capture") == 1
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PAID
    assert intent.captured_amount == intent.amount > Decimal(0)
    assert intent.events.filter(kind=PaymentEvent.Kind.CALL, operation="capture").count() == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert len(events("payments.PaymentCaptured", order_id=order.pk)) == 1
    assert len(events("orders.OrderPaid", order_id=order.pk)) == 1


def test_a_genuine_webhook_about_someone_elses_paypal_order_pays_nothing_here(
    paypal_emulator, live_server
) -> None:
    """WH-06: a PayPal order made elsewhere (another shop, an attacker paying 1 dollar).
    Its webhook is genuine, so it is acknowledged, but it names no payment of ours:
    nothing is captured, looked up or paid here."""
    order = paypal_order()
    start = services.start_payment(order_id=order.pk, provider_code="paypal")
    theirs = PayPal().begin(
        payment_request(merchant_reference="someone-elses-reference", amount=Decimal("1.00")),
        record=lambda exchange: None,
    )
    paypal_emulator.approve(theirs.url)  # paid for at PayPal, but not our order

    sent = send_webhook(
        "CHECKOUT.ORDER.APPROVED", theirs.provider_payment_id, webhook_url(live_server)
    )

    assert sent["statuses"] == [200]
    assert paypal_emulator.calls("capture") == 0  # their order is not ours to capture
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PENDING_ACTION
    assert (
        intent.provider_payment_id
        == start.intent.provider_payment_id
        != (theirs.provider_payment_id)
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert not events("payments.PaymentCaptured")
    assert not intent.events.filter(kind=PaymentEvent.Kind.WEBHOOK).exists()
