"""DEG-04: checkout's circuit breaker in front of a provider that keeps failing.

The provider is the KakaoPay emulator on the live server, failing for real (HTTP 500);
the breaker's counts live in the Django cache.
"""

from __future__ import annotations

import socket
import time

import pytest
from django.utils import translation

from orders import services as order_services
from orders.models import Order
from payments import services
from payments.exceptions import PaymentError
from payments.models import IntentStatus, PaymentIntent
from payments.services import breaker
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db(transaction=True)

OPEN_SECONDS = 1


@pytest.fixture(autouse=True)
def _breaker(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_BREAKER_FAILURES = 3
    settings.PAYMENTS_BREAKER_OPEN_SECONDS = OPEN_SECONDS


def kakaopay_order() -> Order:
    variant = variant_of(price=12000, stock=10)
    cart = guest_cart(f"breaker-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    return place(cart, payment_method="kakaopay").order


def start(order: Order) -> services.Started:
    return services.start_payment(order_id=order.pk, provider_code="kakaopay")


def failed_start(order: Order) -> PaymentError:
    with pytest.raises(PaymentError) as refused:
        start(order)
    assert refused.value.status_code == 503
    return refused.value


def test_after_three_failures_checkout_stops_calling_the_provider_until_it_half_opens(
    kakaopay_emulator,
):
    kakaopay_emulator.fault("ready", "server_error", times=3)
    for _ in range(3):
        failed_start(kakaopay_order())
    assert kakaopay_emulator.calls("ready") == 3

    order = kakaopay_order()
    began = time.monotonic()
    with translation.override("en"):
        refused = failed_start(order)

    assert time.monotonic() - began < 2  # two short transactions, no call to wait for
    assert refused.code == "provider_unavailable"
    assert "Please try again, or choose another method." in str(refused.message)
    assert kakaopay_emulator.calls("ready") == 3  # not called
    attempt = PaymentIntent.objects.get(order=order)
    assert attempt.status == IntentStatus.FAILED
    assert attempt.failure_code == "circuit_open"

    time.sleep(OPEN_SECONDS + 0.2)
    trial = start(order)  # half-open: one call goes through, and the provider answers

    assert trial.intent.status == IntentStatus.PENDING_ACTION
    assert kakaopay_emulator.calls("ready") == 4
    assert not breaker.is_open("kakaopay")


def test_a_failed_trial_call_opens_the_breaker_again_at_once(kakaopay_emulator):
    kakaopay_emulator.fault("ready", "server_error", times=4)
    for _ in range(3):
        failed_start(kakaopay_order())
    time.sleep(OPEN_SECONDS + 0.2)

    failed_start(kakaopay_order())  # the half-open trial, still failing

    assert breaker.is_open("kakaopay")
    failed_start(kakaopay_order())
    assert kakaopay_emulator.calls("ready") == 4


def test_a_success_resets_the_count_of_failures_in_a_row(kakaopay_emulator):
    kakaopay_emulator.fault("ready", "server_error", times=2)
    failed_start(kakaopay_order())
    failed_start(kakaopay_order())
    start(kakaopay_order())
    kakaopay_emulator.fault("ready", "server_error", times=2)
    failed_start(kakaopay_order())
    failed_start(kakaopay_order())

    assert not breaker.is_open("kakaopay")  # 2 in a row, not 4


def test_with_the_cache_down_the_breaker_stays_closed(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }

    for _ in range(5):
        breaker.record_failure("kakaopay")

    assert not breaker.is_open("kakaopay")
