"""A one-click payment double-submitted at once, on PostgreSQL: one charge (BK-04).

A double click, two tabs or a retry after a network error send the signed one-click
start of one order several times together. Real threads, each with its own client and
database connection: KakaoPay charges the saved method once, one payment is captured
and the order is paid once; every request lands on a page, none on a 500.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from orders.models import Order
from payments.models import IntentStatus, PaymentIntent
from shop.models import AuditEvent
from tests.payments.test_brandpay import checkout, registered_method

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLICKS = 6


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120  # as deployed


def clicks_at_once(member, url: str) -> Counter:
    clients = []
    for _ in range(CLICKS):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(member)
        clients.append(client)
    barrier = threading.Barrier(CLICKS, timeout=30)
    answers: Counter = Counter()
    guard = threading.Lock()

    def click(client: Client) -> None:
        try:
            barrier.wait()
            answer = client.get(url)
            outcome = f"{answer.status_code} {answer.get('Location', '').split('/')[-2:]}"
        except Exception as error:  # a crash is a finding: the assertion shows it
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with guard:
            answers[outcome] += 1

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread for thread in threads if thread.is_alive()], "a click hung"
    return answers


def test_a_one_click_start_sent_six_times_at_once_charges_once(kakaopay_emulator) -> None:
    from tests.accounts.factories import UserFactory

    member = UserFactory(email="double-click@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    method = registered_method(client, "kakaopay", kakaopay_emulator)
    start = checkout(client, f"brandpay:{method.pk}")
    order = Order.objects.get()

    answers = clicks_at_once(member, start)

    assert sum(answers.values()) == CLICKS
    assert all(outcome.startswith("302") for outcome in answers), answers
    assert kakaopay_emulator.calls("subscription") == 1
    charged = PaymentIntent.objects.filter(order=order, status=IntentStatus.PAID)
    assert charged.count() == 1
    assert charged.get().captured_amount == order.total_amount
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    captured = AuditEvent.objects.filter(event_type="payments.PaymentCaptured")
    assert captured.count() == 1
    assert AuditEvent.objects.filter(event_type="orders.OrderPaid").count() == 1


def test_a_refused_one_click_charge_is_cancelled_under_the_subscription_cid(
    kakaopay_emulator,
) -> None:
    from tests.accounts.factories import UserFactory

    member = UserFactory(email="overcharged@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    method = registered_method(client, "kakaopay", kakaopay_emulator)
    start = checkout(client, f"brandpay:{method.pk}")
    order = Order.objects.get()
    kakaopay_emulator.fault("subscription", "amount_mismatch")  # KakaoPay takes 1,000 more

    client.get(start)

    intent = PaymentIntent.objects.get(order=order, flow=PaymentIntent.Flow.STORED)
    # Cancelled at once under the CID that charged it (the subscription CID, not the
    # one-time one): the money goes back instead of a cancel refused over and over.
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == intent.captured_amount > 0
    assert kakaopay_emulator.calls("cancel") == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
