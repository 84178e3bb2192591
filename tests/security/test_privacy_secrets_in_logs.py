"""PRIV-05, BK-01 (logs), ASYNC-07: secrets and personal data never reach logs or error reports.

Representative flows run over real HTTP against the provider emulators while every log
record of every logger is captured at DEBUG, twice: as the code wrote it (the record
before any filter) and as the shop's handlers send it out (through ``shop.logging``).
Both are then searched for the flow's secrets: passwords, the session id, KakaoPay's
``pg_token`` and ``tid``, PayPal's access token and client secret, the CI/DI of an
identity verification, a password-reset key, full phone numbers.
"""

from __future__ import annotations

import base64
import inspect
import io
import logging
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.emulators.portone import person_ci
from orders.models import Order
from payments import services
from payments.emulators.paypal import send_webhook, set_fx_rate
from payments.models import PaymentIntent
from payments.providers.registry import get_provider
from shop.logging import RequestContextFilter
from tests.accounts.factories import UserFactory

# The emulator fixtures, looked up by name in each test.
from tests.accounts.identity_fixtures import portone  # noqa: F401
from tests.orders.helpers import DETAILS, guest_cart, variant_of
from tests.orders.helpers import place as place_cart
from tests.orders.test_views_checkout import fill_cart, place, review
from tests.payments.conftest import kakaopay_emulator  # noqa: F401
from tests.payments.naverpay_fixtures import naverpay_emulator  # noqa: F401
from tests.payments.paypal_fixtures import paypal_emulator  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"  # tests.accounts.factories.UserFactory's
# Test infrastructure, not the shop: the emulators stand in for the providers and the
# live server's access log stands in for gunicorn's (which logs paths without queries);
# factory_boy logs the test data it builds.
NOT_THE_SHOP = ("payments.emulators", "accounts.emulators", "django.server", "factory")
PHONES = [DETAILS["orderer_phone"], DETAILS["recipient_phone"]]


class Captured:
    """The log records as written, and the text the shop's handlers make of them."""

    def __init__(self) -> None:
        self.raw: list[str] = []
        self.stream = io.StringIO()
        self.buyer_thread: int | None = None

    @contextmanager
    def buyer(self) -> Iterator[None]:
        """While the test plays the buyer's browser, its own HTTP client's lines don't count.

        Only the test thread's httpx lines are left out: what the shop does meanwhile (a
        webhook it receives on the live server) is still captured.
        """
        self.buyer_thread = threading.get_ident()
        try:
            yield
        finally:
            self.buyer_thread = None

    def counts(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(NOT_THE_SHOP):
            return False
        return not (
            record.thread == self.buyer_thread and record.name.startswith(("httpx", "httpcore"))
        )

    def records_text(self) -> str:
        return "\n".join(self.raw)

    def emitted_text(self) -> str:
        return self.stream.getvalue()


class RawHandler(logging.Handler):
    def __init__(self, captured: Captured) -> None:
        super().__init__(level=logging.DEBUG)
        self.captured = captured

    def emit(self, record: logging.LogRecord) -> None:
        if not self.captured.counts(record):
            return
        traceback = ""
        if record.exc_info:
            traceback = logging.Formatter().formatException(record.exc_info)
        self.captured.raw.append(f"{record.getMessage()}\n{record.exc_text or ''}\n{traceback}")


@pytest.fixture
def logs() -> Iterator[Captured]:
    """Capture every record at DEBUG: first raw, then through the shop's filter."""
    captured = Captured()
    root = logging.getLogger()
    raw = RawHandler(captured)
    emitted = logging.StreamHandler(captured.stream)
    emitted.setLevel(logging.DEBUG)
    emitted.addFilter(captured.counts)
    emitted.addFilter(RequestContextFilter())
    emitted.setFormatter(
        logging.Formatter(django_settings.LOGGING["formatters"]["plain"]["format"])
    )
    old_level = root.level
    root.handlers.insert(0, raw)  # before any filter of the configured handlers
    root.addHandler(emitted)
    root.setLevel(logging.DEBUG)
    yield captured
    root.removeHandler(raw)
    root.removeHandler(emitted)
    root.setLevel(old_level)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


def assert_nowhere(logs: Captured, secrets: dict[str, str]) -> None:
    raw, emitted = logs.records_text(), logs.emitted_text()
    assert raw.strip(), "the flow logged something to look through"
    for name, secret in secrets.items():
        assert secret, f"{name}: the flow produced a real value to look for"
        for where, text in (("a log record", raw), ("the log output", emitted)):
            assert secret not in text, f"{name} ({secret[:6]}...) leaked into {where}"


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def phones() -> dict[str, str]:
    found = {f"phone {phone}": phone for phone in PHONES}
    found.update({f"phone digits {phone}": digits(phone) for phone in PHONES})
    return found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_login_failed_login_and_password_reset_log_no_password_session_or_key(logs):
    user = UserFactory(email="member@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    wrong = "Tr0ub4dor&3-wrong"

    client.post(reverse("account_login"), {"login": user.email, "password": wrong})
    logged_in = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert logged_in.status_code == 302
    session_id = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = mail.outbox
    key_path = re.search(r"/accounts/password/reset/key/(\S+)/", message.body).group(1)
    client.get(f"/accounts/password/reset/key/{key_path}/", follow=True)
    client.get("/accounts/password/reset/key/1-forged-key/")  # a 4xx is logged with its path
    logging.getLogger("shop.test").info("flow done")  # something to capture at least

    assert_nowhere(
        logs,
        {
            "the password": PASSWORD,
            "the mistyped password": wrong,
            "the session id": session_id,
            "the reset key": key_path.split("-", 1)[-1],
        },
    )


def test_a_kakaopay_payment_logs_no_pg_token_tid_secret_or_phone(logs, kakaopay_emulator):  # noqa: F811
    shopper = Client(HTTP_ACCEPT_LANGUAGE="en")
    fill_cart(shopper, variant_of(price=15000))
    start = place(shopper, review(shopper), payment_method="kakaopay")["Location"]
    to_kakaopay = shopper.get(start)["Location"]
    with logs.buyer():
        back = kakaopay_emulator.buyer(to_kakaopay, "approve")
    shopper.get(path_of(back))
    shopper.get(path_of(back))  # a refresh of the return page
    intent = PaymentIntent.objects.get()
    assert Order.objects.get().status == Order.Status.PAID

    assert_nowhere(
        logs,
        {
            "pg_token": dict(parse_qsl(urlsplit(back).query))["pg_token"],
            "tid": intent.provider_payment_id,
            "the KakaoPay secret key": django_settings.KAKAOPAY_SECRET_KEY,
            **phones(),
        },
    )


def test_a_naverpay_payment_logs_no_client_secret_or_phone(logs, naverpay_emulator):  # noqa: F811
    variant = variant_of(price=9000, stock=10)
    cart = guest_cart("naver")
    from orders import services as order_services

    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    order = place_cart(cart, payment_method="naverpay").order
    start = services.start_payment(order_id=order.pk, provider_code="naverpay")
    with logs.buyer():
        params = naverpay_emulator.back(start.next_action.url)
    services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID

    assert_nowhere(
        logs,
        {"the NaverPay client secret": django_settings.NAVERPAY_CLIENT_SECRET, **phones()},
    )


def test_a_paypal_payment_and_its_webhook_log_no_access_token_or_secret(
    logs,
    paypal_emulator,  # noqa: F811
    live_server,
    settings,
):
    from tests.payments.test_core_paypal import RATE, paypal_order

    settings.PAYPAL_FX_RATE_URL = (
        f"{paypal_emulator.base_url}/_emulator/fx-rate?currency={{currency}}"
    )
    set_fx_rate("USD", str(RATE))
    order = paypal_order()
    start = services.start_payment(order_id=order.pk, provider_code="paypal")
    access_token = cache.get(get_provider("paypal")._token_key())
    with logs.buyer():
        paypal_emulator.approve(start.next_action.url)
    sent = send_webhook(
        "CHECKOUT.ORDER.APPROVED",
        start.intent.provider_payment_id,
        f"{live_server.url}{reverse('payments:webhook', args=['paypal'])}",
    )
    assert sent["statuses"] == [200]
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    basic = base64.b64encode(
        f"{settings.PAYPAL_CLIENT_ID}:{settings.PAYPAL_CLIENT_SECRET}".encode()
    ).decode()

    assert_nowhere(
        logs,
        {
            "the PayPal access token": access_token,
            "the PayPal client secret": settings.PAYPAL_CLIENT_SECRET,
            "the Basic credentials": basic,
            **phones(),
        },
    )


def test_an_identity_verification_logs_no_ci_di_or_phone(logs, portone):  # noqa: F811
    member = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    person = {"name": "김성인", "birth_date": "1990-05-17", "phone": "01012345678"}

    start = client.post("/my/identity/", {"next": "/my/"})
    with logs.buyer():  # the window is the buyer's; coming back is the shop's
        back = portone.verify(start["Location"], **person)
    client.get(back)
    member.refresh_from_db()
    assert member.identity.ci_hash
    ci, di = person_ci(person["name"], person["birth_date"].replace("-", ""), person["phone"])

    assert_nowhere(
        logs,
        {
            "the CI": ci,
            "the DI": di,
            "the phone": person["phone"],
            "the PortOne secret": django_settings.ACCOUNTS_PORTONE_API_SECRET,
        },
    )


def test_the_log_filter_masks_what_a_careless_line_would_write():
    """Defence in depth: a future careless log line still goes out masked."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("shop.test.careless")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(
            "approve tid=%s pg_token=%s sid=%s for %s card %s rrn %s",
            "T1234567890123456789",
            "pgtok-abcdef",
            "S9876543210",
            "010-9876-5432",
            "4111 1111 1111 1111",
            "900101-1234567",
        )
        try:
            raise ValueError('{"access_token": "A21AAsecret", "password": "hunter2"}')
        except ValueError:
            logger.exception("provider said")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    out = stream.getvalue()

    for secret in (
        "T1234567890123456789",
        "pgtok-abcdef",
        "S9876543210",
        "9876-5432",
        "4111 1111 1111 1111",
        "1234567",
        "A21AAsecret",
        "hunter2",
    ):
        assert secret not in out, secret
    assert "************1111" in out  # the last four digits stay, as PCI DSS allows
    assert "900101-*******" in out
    assert "010-****-5432" in out


def test_sentry_reports_go_out_scrubbed(settings):
    """The error report Sentry would send, caught by a transport that keeps it here."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from shop.observability import init_sentry

    sent: list[dict] = []

    class KeepTransport(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    sent.append(item.payload.json)

    init_sentry(dsn="https://public@sentry.invalid/1", environment="test", traces_sample_rate=0)
    client = sentry_sdk.get_client()
    client.transport = KeepTransport(client.options)
    try:
        try:
            raise RuntimeError("charge failed sid=S123456789 card 4111111111111111 010-1234-5678")
        except RuntimeError as error:
            sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
    finally:
        sentry_sdk.init(dsn=None)  # stop it again: no other test reports anywhere

    [event] = sent
    text = repr(event)
    assert "charge failed" in text
    for secret in ("S123456789", "4111111111111111", "1234-5678"):
        assert secret not in text, secret


def test_every_celery_task_takes_ids_not_personal_data_or_tokens():
    """ASYNC-07: task arguments are ids (and flags); the task re-reads the rest."""
    from celery import current_app

    allowed = re.compile(
        r"^([a-z_]*_id|[a-z_]*_ids|id|pk|ids|kind|reason|event_type|[a-z_]*_at|limit|"
        r"batch_size|dry_run|force|attempt|provider|provider_code|model|operation|"
        r"template|code|channel|since|days|path|status)$"
    )
    forbidden = re.compile(r"token|secret|password|sid|phone|email|address|name|card|ci$|di$")
    current_app.loader.import_default_modules()
    tasks = {
        name: task
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.") and task.__module__.split(".")[0] != "celery"
    }
    assert len(tasks) >= 5, sorted(tasks)
    # Reviewed: the alert text is built by shop.alerts.format_alert without personal data
    # and masked (test_an_alert_about_an_exception_is_masked).
    reviewed = {"shop.tasks.send_alert": {"text"}}
    for name, task in tasks.items():
        parameters = [
            parameter
            for parameter in inspect.signature(task.run).parameters.values()
            if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            and parameter.name != "self"
            and parameter.name not in reviewed.get(name, set())
        ]
        for parameter in parameters:
            assert not forbidden.search(parameter.name), f"{name}({parameter.name})"
            assert allowed.match(parameter.name), f"{name}({parameter.name}): review and allow"


def test_an_alert_about_an_exception_is_masked():
    """The messenger alert quotes the exception, which no log filter has seen."""
    from shop.alerts import format_alert

    try:
        raise RuntimeError("approve failed: sid=S123456789, phone 010-1234-5678")
    except RuntimeError:
        record = logging.getLogger("shop.test").makeRecord(
            "shop.test", logging.ERROR, __file__, 1, "charge failed", None, sys.exc_info()
        )

    text = format_alert(record)

    assert "RuntimeError: approve failed" in text
    assert "S123456789" not in text
    assert "1234-5678" not in text
