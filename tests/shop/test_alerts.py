"""Unhandled errors and failed tasks reach the messenger once, without personal data.

The messenger is a real HTTP server on 127.0.0.1 that records what it is sent. The
failing views exist only in this module's URLconf.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
import redis
from celery import shared_task
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from shop import alerts

BASE_DIR = Path(__file__).resolve().parents[2]


# --- A real messenger on loopback -------------------------------------------------------


class _RecordingHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": body}
        )
        self.send_response(self.server.answer_status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        return  # keep the test output clean


class Messenger(ThreadingHTTPServer):
    answer_status = 200

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.received: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/services/hook"

    def messages(self) -> list[dict]:
        return [json.loads(item["body"]) for item in self.received]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()


@pytest.fixture
def messenger(settings) -> Iterator[Messenger]:
    server = Messenger()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ALERT_WEBHOOK_URL = server.url
    settings.ALERT_WEBHOOK_KIND = "auto"
    settings.SITE_URL = "https://shop.example.kr"
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Test-only views and tasks -------------------------------------------------------------


def broken_view(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"stock ledger out of balance for item {request.GET.get('item', '?')}")


def other_broken_view(request: HttpRequest) -> HttpResponse:
    raise KeyError("missing-coupon-rule")


urlpatterns = [
    path("broken/", broken_view),
    path("other-broken/", other_broken_view),
]
handler500 = "shop.views.server_error"


@shared_task(bind=True, max_retries=2, name="tests.shop.always_fails")
def always_fails(self) -> None:
    # Each attempt is retried (Retry is no failure) until the retries run out.
    raise self.retry(exc=ConnectionError("provider unreachable"), countdown=0)


@shared_task(name="tests.shop.succeeds")
def succeeds() -> str:
    return "done"


@pytest.fixture
def crash_client() -> Client:
    return Client(raise_request_exception=False)


# --- Unhandled exceptions in views ----------------------------------------------------------


@pytest.mark.urls(__name__)
def test_three_identical_errors_send_one_message(crash_client, messenger):
    for item in (1, 2, 3):  # the message differs by item; the error is the same
        response = crash_client.get(f"/broken/?item={item}")
        assert response.status_code == 500

    messages = messenger.messages()
    assert len(messages) == 1
    assert "ValueError: stock ledger out of balance" in messages[0]["text"]


@pytest.mark.urls(__name__)
def test_a_different_error_sends_a_second_message(crash_client, messenger):
    crash_client.get("/broken/")
    crash_client.get("/broken/")
    crash_client.get("/other-broken/")

    texts = [message["text"] for message in messenger.messages()]
    assert len(texts) == 2
    assert "KeyError" in texts[1]


@pytest.mark.urls(__name__)
def test_same_error_alerts_again_after_the_dedupe_window(crash_client, messenger, settings):
    settings.ALERT_DEDUPE_SECONDS = 1
    crash_client.get("/broken/")
    crash_client.get("/broken/")
    time.sleep(1.1)

    crash_client.get("/broken/")

    assert len(messenger.messages()) == 2


@pytest.mark.urls(__name__)
def test_message_tells_where_and_what_without_personal_data(crash_client, messenger):
    crash_client.cookies["sessionid"] = "secret-session-cookie"
    response = crash_client.post(
        "/broken/?email=buyer@example.com",
        data={"card_number": "4111111111111111"},
        HTTP_X_REQUEST_ID="req-alert-42",
    )

    assert response.status_code == 500
    [message] = messenger.messages()
    assert set(message) == {"text"}  # Slack's shape for a non-Discord URL
    text = message["text"]
    assert "https://shop.example.kr" in text
    assert "Request: POST /broken/ (request id req-alert-42)" in text
    assert "ValueError: stock ledger out of balance" in text
    assert "test_alerts.py" in text  # where it was raised
    for private in ("secret-session-cookie", "buyer@example.com", "4111111111111111"):
        assert private not in text
    assert response["X-Request-ID"] == "req-alert-42"


@pytest.mark.urls(__name__)
def test_no_webhook_configured_sends_nothing_and_still_answers_500(
    crash_client, messenger, settings
):
    settings.ALERT_WEBHOOK_URL = ""

    response = crash_client.get("/broken/")

    assert response.status_code == 500
    assert messenger.received == []


@pytest.mark.urls(__name__)
def test_an_unreachable_messenger_does_not_alert_about_itself(crash_client, settings):
    settings.ALERT_WEBHOOK_URL = f"http://127.0.0.1:{closed_port()}/hook"
    seen: list[logging.LogRecord] = []
    recorder = logging.Handler()
    recorder.emit = seen.append
    failures = logging.getLogger(alerts.TASK_FAILURE_LOGGER)
    failures.addHandler(recorder)
    try:
        response = crash_client.get("/broken/")
    finally:
        failures.removeHandler(recorder)

    assert response.status_code == 500
    assert seen == []  # send_alert failing is not itself reported as a task failure


@pytest.mark.urls(__name__)
def test_alerts_are_deduplicated_while_the_cache_is_down(crash_client, messenger, settings):
    # django-redis with IGNORE_EXCEPTIONS answers None to cache.add when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    alerts._fallback_seen.clear()

    for _ in range(3):
        crash_client.get("/other-broken/")

    assert len(messenger.messages()) == 1


@pytest.mark.redis
@pytest.mark.urls(__name__)
def test_dedupe_window_is_kept_in_redis_for_every_process(crash_client, messenger, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": django_settings.TEST_REDIS_URL,
            "KEY_PREFIX": "alerts-test",
        }
    }
    raw = redis.Redis.from_url(django_settings.TEST_REDIS_URL)
    for key in raw.scan_iter("alerts-test:*"):
        raw.delete(key)

    crash_client.get("/broken/")
    crash_client.get("/broken/")

    [key] = list(raw.scan_iter("alerts-test:*shop:alert:*"))
    assert 0 < raw.ttl(key) <= 300
    assert len(messenger.messages()) == 1
    raw.delete(key)


# --- Tasks that fail for good -------------------------------------------------------------


def test_a_task_failing_for_good_sends_one_message(messenger):
    always_fails.delay()  # in-process: three attempts, the last one fails

    [message] = messenger.messages()
    text = message["text"]
    assert "Task tests.shop.always_fails" in text
    assert "failed for good" in text
    assert "ConnectionError: provider unreachable" in text


def test_a_successful_task_sends_nothing(messenger):
    succeeds.delay()

    assert messenger.received == []


def test_an_undelivered_event_logged_on_the_failure_logger_alerts(messenger):
    logging.getLogger(alerts.TASK_FAILURE_LOGGER).error(
        "Event %s (%s) failed for good after %s attempts: %s", 7, "OrderPlaced", 10, "boom"
    )

    [message] = messenger.messages()
    assert "Event 7 (OrderPlaced) failed for good" in message["text"]


@pytest.mark.redis
def test_a_task_failing_for_good_on_a_real_worker_sends_one_message(celery_worker, messenger):
    always_fails.delay()

    messages = messenger.wait_for(1)
    time.sleep(1.0)  # room for a wrong second message to arrive

    assert len(messenger.messages()) == 1
    assert "Task tests.shop.always_fails" in messages[0]["text"]


# --- Message shapes and the sending task --------------------------------------------------


def test_discord_webhook_gets_the_content_shape(crash_client, messenger, settings):
    settings.ALERT_WEBHOOK_KIND = "discord"

    logging.getLogger(alerts.TASK_FAILURE_LOGGER).error("Reconciliation found %s stuck", 3)

    [message] = messenger.messages()
    assert set(message) == {"content"}
    assert "Reconciliation found 3 stuck" in message["content"]


@pytest.mark.parametrize(
    ("url", "kind", "key"),
    [
        ("https://discord.com/api/webhooks/1/abc", "auto", "content"),
        ("https://discordapp.com/api/webhooks/1/abc", "auto", "content"),
        ("https://hooks.slack.com/services/T/B/X", "auto", "text"),
        ("https://chat.example.kr/hooks/discord", "auto", "text"),  # host decides, not path
        ("https://chat.example.kr/hook", "discord", "content"),
        ("https://discord.com/api/webhooks/1/abc", "slack", "text"),
    ],
)
def test_payload_shape_follows_the_kind_or_the_host(url, kind, key):
    assert alerts.payload_for("hello", url=url, kind=kind) == {key: "hello"}


def test_long_messages_are_cut_for_discord(messenger):
    logging.getLogger(alerts.TASK_FAILURE_LOGGER).error("x" * 5000)

    [message] = messenger.messages()
    assert len(message["text"]) <= alerts.MAX_TEXT_LENGTH


def test_send_alert_raises_a_transient_error_when_the_messenger_fails(messenger):
    messenger.answer_status = 503

    with pytest.raises(alerts.TransientAlertError):
        alerts.post_alert("hello")

    assert messenger.messages() == [{"text": "hello"}]


def test_send_alert_does_not_retry_a_refused_message(messenger):
    messenger.answer_status = 400

    alerts.post_alert("hello")  # a configuration mistake: logged, not retried

    assert len(messenger.received) == 1


# --- Sentry (optional) ------------------------------------------------------------------------


SENTRY_SCRIPT = """
import django, sentry_sdk
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.shop.test_alerts", ALLOWED_HOSTS=["testserver"]):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "secret-session-cookie"
    response = client.get("/broken/?item=sentry-probe")
assert response.status_code == 500, response.status_code
sentry_sdk.flush(timeout=10)
"""


def _decoded(item: dict) -> bytes:
    """The envelope's bytes: sentry-sdk sends brotli when the Brotli package is installed
    (whitenoise's static compression brings it), gzip otherwise."""
    encoding = {key.lower(): value for key, value in item["headers"].items()}.get(
        "content-encoding", ""
    )
    decoders = {"gzip": gzip.decompress, "br": brotli.decompress}
    return decoders[encoding](item["body"]) if encoding in decoders else item["body"]


def test_sentry_receives_an_unhandled_exception_without_personal_data(messenger):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{messenger.server_port}/1",
        "SHOP_ALERT_WEBHOOK_URL": "",
    }
    env.pop("DATABASE_URL", None)  # the view needs no database

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SENTRY_SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr.decode()[-3000:]
    envelopes = [item for item in messenger.received if item["path"] == "/api/1/envelope/"]
    assert envelopes, [item["path"] for item in messenger.received]
    sent = b"".join(_decoded(item) for item in envelopes)
    assert b"stock ledger out of balance for item sentry-probe" in sent
    assert b"secret-session-cookie" not in sent
