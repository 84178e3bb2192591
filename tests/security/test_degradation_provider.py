"""DEG-04, DEG-06: providers that do not answer, seen by a buyer of the real server.

The shop runs under gunicorn with its KakaoPay emulator, reached over real HTTP; the
emulator's state and faults live in this module's own Redis, which the test shares to
arm them. Its mail server is a local port nothing listens on. Faults injected: the
payment provider silent when checkout asks where to send the buyer (1), silent after it
approved the payment (1), and the mail server down while an order is placed (1).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings as django_settings

from notifications.models import Message
from orders.models import Order
from payments.emulators import state
from payments.models import IntentStatus, PaymentIntent
from tests.orders.helpers import variant_of
from tests.security.degradation import (
    CELERY,
    REPO,
    AppServer,
    Browser,
    CeleryWorker,
    RedisServer,
    app_env,
    free_port,
    member,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HTTP_TIMEOUT_SECONDS = 1.0  # the shop's read timeout towards providers
# The emulator answers 0.5 s after that timeout; the buyer waits no longer than this.
BUYER_WAITS_AT_MOST_SECONDS = HTTP_TIMEOUT_SECONDS + 3


@pytest.fixture(scope="module")
def app(
    django_db_setup: None, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the app processes share the test database: needs PostgreSQL")
    parts = urlsplit(f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}")
    env = app_env(
        DATABASE_URL=urlunsplit(parts._replace(path=f"/{database['NAME']}")),
        REDIS_URL=redis_server.url,
        SHOP_PAYMENTS_HTTP_TIMEOUT_SECONDS=str(HTTP_TIMEOUT_SECONDS),
        SHOP_PAYMENTS_RECONCILE_AFTER_SECONDS="1",
        # The mail server is down for the whole module: nothing listens there.
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
    )
    # Three workers: the shop calls its own emulator, which may sit on a silent answer.
    server = AppServer(env, workers=3, log=tmp_path_factory.mktemp("pay-app") / "gunicorn.log")
    server.env.update(
        SHOP_SITE_URL=server.url, SHOP_KAKAOPAY_BASE_URL=f"{server.url}/sandbox/kakaopay"
    )
    with server:
        yield server


@pytest.fixture
def kakaopay(app: AppServer, redis_server: RedisServer, settings) -> None:
    """Steer the emulator the server runs: the same Redis, the same cache options."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    state.reset("kakaopay")


def pay_with_kakaopay(app: AppServer) -> tuple[Browser, Order, str]:
    """A member places an order paid by KakaoPay; return the browser, order, start link."""
    browser = Browser(app.url)
    buyer = member()
    browser.log_in(buyer.email)
    start = browser.place_order(variant_of(price=20000, stock=5), payment_method="kakaopay")
    return browser, Order.objects.get(user=buyer), start


def timed_get(browser: Browser, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = browser.get(path)
    return response, time.monotonic() - started


def approve_on_sheet(sheet_url: str) -> str:
    """The buyer approves on KakaoPay's page; return where KakaoPay sends them back."""
    assert httpx.get(sheet_url).status_code == 200
    answer = httpx.post(sheet_url, data={"action": "approve", "method": "MONEY"})
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_a_silent_provider_at_checkout_ends_in_time_with_a_clear_try_again_message(
    app: AppServer, kakaopay: None
):
    browser, order, start = pay_with_kakaopay(app)
    state.set_fault("kakaopay", "ready", "timeout_after_processing")

    sent_back, waited = timed_get(browser, start)

    assert waited < BUYER_WAITS_AT_MOST_SECONDS
    assert sent_back.status_code == 302
    page = browser.get(sent_back.headers["Location"])
    assert page.status_code == 200
    assert "did not answer. Please try again, or choose another method." in page.text
    assert 'value="naverpay"' in page.text  # another method is offered on the same page
    attempt = PaymentIntent.objects.get(order=order)
    assert attempt.status == IntentStatus.FAILED
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT  # nothing lost: it can still be paid

    # Trying again once the provider answers reaches its payment page.
    again = browser.get(start)
    assert again.status_code == 302
    assert again.headers["Location"].startswith(f"{app.url}/sandbox/kakaopay/")


def test_a_provider_silent_after_approving_is_reconciled_to_paid_by_the_job(
    app: AppServer, kakaopay: None, tmp_path: Path
):
    browser, order, start = pay_with_kakaopay(app)
    back_from_sheet = approve_on_sheet(browser.get(start).headers["Location"])
    state.set_fault("kakaopay", "approve", "timeout_after_processing")

    confirming, waited = timed_get(browser, back_from_sheet)

    assert waited < BUYER_WAITS_AT_MOST_SECONDS
    status_page = browser.get(confirming.headers["Location"])
    assert status_page.status_code == 202
    assert "please do not pay again" in status_page.text
    intent = PaymentIntent.objects.get(order=order)
    assert intent.status == IntentStatus.UNKNOWN

    worker = CeleryWorker(app.env, log=tmp_path / "worker.log")
    worker.start()
    try:
        time.sleep(1.5)  # past PAYMENTS_RECONCILE_AFTER_SECONDS: the job takes it up
        subprocess.run(  # noqa: S603  (our own binary and arguments)
            [CELERY, "--app=shop", "call", "payments.tasks.reconcile_payments"],
            cwd=REPO,
            env=app.env,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
        )
        wait_for(
            lambda: PaymentIntent.objects.get(pk=intent.pk).status == IntentStatus.PAID,
            timeout=60,
            what="reconciliation to settle the payment",
        )
    finally:
        worker.stop()

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert state.calls("kakaopay", "approve") == 1  # asked about, never approved twice
    paid = browser.get(confirming.headers["Location"])
    assert paid.status_code == 302
    assert order.number in paid.headers["Location"]


def test_with_the_mail_server_down_orders_are_placed_and_their_mail_is_kept_for_a_retry(
    app: AppServer, kakaopay: None, tmp_path: Path
):
    worker = CeleryWorker(app.env, log=tmp_path / "worker.log")
    worker.start()
    try:
        browser = Browser(app.url)
        buyer = member()
        browser.log_in(buyer.email)
        complete = browser.place_order(variant_of(price=12000, stock=2))
        order = Order.objects.get(user=buyer)
        assert order.number in complete
        assert browser.get(complete).status_code == 200

        def tried_once() -> Message | None:
            return Message.objects.filter(
                template_code="order.placed", body__contains=order.number, attempts__gte=1
            ).first()

        mail = wait_for(tried_once, timeout=60, what="a first attempt to send the order mail")
    finally:
        worker.stop()

    # Kept for the next attempt (30 s later, then doubling), not dropped or failed.
    assert mail.status == Message.Status.QUEUED
    assert mail.error.startswith("unreachable")
    assert order.status == Order.Status.PENDING_PAYMENT
