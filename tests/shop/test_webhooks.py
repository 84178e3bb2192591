"""Outgoing webhooks against a real HTTP receiver: signing, retries, fan-out, SSRF, admin."""

from __future__ import annotations

import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from shop import webhooks
from shop.admin import WebhookSubscriptionForm
from shop.audit import Actor, acting_as
from shop.events import Event, publish
from shop.models import AuditEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from shop.tasks import prune_webhook_deliveries, send_due_webhooks
from shop.webhooks import UnsafeTargetError, check_target, sign, verify
from tests.shop.factories import WebhookSubscriptionFactory


@dataclass(frozen=True, kw_only=True)
class ParcelDispatched(Event):
    parcel_id: int
    carrier: str


@dataclass(frozen=True, kw_only=True)
class ParcelDelayed(Event):
    parcel_id: int


# --- A real HTTP receiver ----------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes


class Receiver:
    """A webhook subscriber on 127.0.0.1: records each request, answers as scripted."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.replies: list[Reply] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.receiver = self  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self, *replies: Reply | int) -> None:
        """Answer the next requests with these replies, then 200."""
        self.replies = [reply if isinstance(reply, Reply) else Reply(reply) for reply in replies]

    def take(self, request: Received) -> Reply:
        with self.lock:
            self.requests.append(request)
            return self.replies.pop(0) if self.replies else Reply()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        reply = self.server.receiver.take(Received(self.path, self.headers, body))  # type: ignore[attr-defined]
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def _private_targets_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on loopback


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Korean is the default; the assertions read the English source strings.
    with translation.override("en"):
        yield


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def pending_delivery(subscription: WebhookSubscription, parcel_id: int = 1) -> WebhookDelivery:
    """Publish an event and fan it out, without running the on-commit send."""
    record = publish(ParcelDispatched(parcel_id=parcel_id, carrier="CJ"))
    webhooks.queue_deliveries(event_record=record)
    return WebhookDelivery.objects.get(subscription=subscription, event=record)


# --- Signing -------------------------------------------------------------------------


def test_verify_accepts_what_sign_produced_and_refuses_tampering_wrong_secret_and_staleness():
    body = b'{"id":"1","type":"orders.OrderPlaced"}'
    now = 1_800_000_000
    header = sign("s3cret", now, body)

    assert header.startswith(f"t={now},v1=")
    assert verify("s3cret", header, body, now=now + 299)
    assert not verify("s3cret", header, body + b" ", now=now)
    assert not verify("s3cret", header, body.replace(b"1", b"2"), now=now)
    assert not verify("other-secret", header, body, now=now)
    assert not verify("s3cret", header, body, now=now + 301)  # replayed too late
    assert not verify("s3cret", header, body, now=now - 301)
    assert not verify("s3cret", header.replace(f"t={now}", f"t={now + 1}"), body, now=now)
    assert not verify("s3cret", "", body, now=now)
    assert not verify("s3cret", "v1=abc", body, now=now)
    assert not verify("s3cret", f"t={now},v1=ü", body, now=now)


def test_verify_accepts_any_of_several_signatures_during_a_secret_rotation():
    body = b"{}"
    old = sign("old", 100, body).split(",")[1]
    new = sign("new", 100, body).split(",")[1]

    assert verify("new", f"t=100,{old},{new}", body, now=100)
    assert not verify("third", f"t=100,{old},{new}", body, now=100)


def test_backoff_doubles_from_30_seconds_with_at_most_a_quarter_of_jitter_and_a_cap():
    for attempts, base in [(1, 30), (2, 60), (3, 120), (6, 960)]:
        seconds = webhooks.backoff(attempts).total_seconds()
        assert base <= seconds <= base * 1.25
    assert webhooks.backoff(40).total_seconds() == webhooks.BACKOFF_CAP_SECONDS


# --- Delivery ------------------------------------------------------------------------


def test_published_event_arrives_signed_with_the_exact_bytes_verify_accepts(
    db, receiver, django_capture_on_commit_callbacks
):
    subscription = WebhookSubscriptionFactory(
        target_url=receiver.url, event_types=["tests.ParcelDispatched"]
    )
    actor = Actor(kind="vendor", user_id=7, label="판매자 A", vendor_id=3)
    with acting_as(actor), django_capture_on_commit_callbacks(execute=True):
        record = publish(ParcelDispatched(parcel_id=5, carrier="CJ대한통운"))

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    delivery = WebhookDelivery.objects.get(event=record)
    assert verify(subscription.secret, request.headers["X-Shop-Signature"], request.body)
    assert request.headers["X-Shop-Signature"].startswith(
        f"t={request.headers['X-Shop-Timestamp']},v1="
    )
    assert request.body == webhooks.delivery_body(record)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "shop-webhooks/1"
    assert request.headers["X-Shop-Event"] == "tests.ParcelDispatched"
    assert request.headers["X-Shop-Delivery"] == str(delivery.pk)
    assert json.loads(request.body) == {
        "id": str(record.uuid),
        "type": "tests.ParcelDispatched",
        "created_at": record.created_at.isoformat(),
        "actor": {"kind": "vendor", "label": "판매자 A", "vendor_id": 3},
        "subject": {"type": None, "id": None},
        "data": {"parcel_id": 5, "carrier": "CJ대한통운"},
    }
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.last_response == "ok"
    assert delivery.next_attempt_at is None
    assert list(delivery.attempt_log.values_list("number", "status_code", "error")) == [
        (1, 200, "")
    ]


def test_a_500_then_a_200_logs_a_failed_attempt_then_succeeds_after_the_backoff(db, receiver):
    receiver.answer(Reply(500, b"database is down"))
    subscription = WebhookSubscriptionFactory(target_url=receiver.url)
    delivery = pending_delivery(subscription)
    start = timezone.now()

    assert webhooks.send_delivery(delivery_id=delivery.pk, now=start) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert "500" in delivery.last_error
    assert delivery.last_response == "database is down"
    wait = (delivery.next_attempt_at - start).total_seconds()
    assert 30 <= wait <= 37.5

    # Not yet due: nothing is sent.
    too_early = start + timedelta(seconds=29)
    assert webhooks.send_delivery(delivery_id=delivery.pk, now=too_early) is False
    assert len(receiver.requests) == 1

    assert webhooks.send_delivery(delivery_id=delivery.pk, now=delivery.next_attempt_at) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [(1, 500), (2, 200)]
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert all(
        verify(subscription.secret, request.headers["X-Shop-Signature"], request.body)
        for request in receiver.requests
    )


def test_a_delivery_that_keeps_failing_is_marked_failed_and_alerted_after_max_attempts(
    db, receiver, settings, caplog
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.answer(503, 503, 503, 503)
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=receiver.url))
    now = timezone.now()

    with caplog.at_level(logging.ERROR, logger="shop.alerts.task_failures"):
        for _attempt in range(3):
            webhooks.send_delivery(delivery_id=delivery.pk, now=now)
            delivery.refresh_from_db()
            now = delivery.next_attempt_at or now

    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert delivery.completed_at is not None
    started = list(delivery.attempt_log.values_list("started_at", flat=True))
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(started)]
    assert 30 <= gaps[0] <= 37.5
    assert 60 <= gaps[1] <= 75
    alerts = [r for r in caplog.records if r.name == "shop.alerts.task_failures"]
    assert len(alerts) == 1
    assert "failed for good after 3 attempts" in alerts[0].getMessage()
    assert "503" in alerts[0].getMessage()
    assert webhooks.send_delivery(delivery_id=delivery.pk, now=now + timedelta(days=1)) is False
    assert len(receiver.requests) == 3


def test_a_redirect_is_not_followed_and_counts_as_a_failure(db, receiver):
    receiver.answer(Reply(302, b"", {"Location": receiver.url + "/elsewhere"}))
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=receiver.url))

    assert webhooks.send_delivery(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.last_status_code == 302
    assert [request.path for request in receiver.requests] == ["/hooks"]


def test_only_the_start_of_a_large_response_is_kept(db, receiver):
    receiver.answer(Reply(200, "가".encode() * 50_000))
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=receiver.url))

    assert webhooks.send_delivery(delivery_id=delivery.pk) is True

    delivery.refresh_from_db()
    assert len(delivery.last_response) == 1000
    assert set(delivery.last_response) == {"가"}


def test_an_unreachable_subscriber_is_a_failed_attempt_with_the_network_error(db, receiver):
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=url))

    assert webhooks.send_delivery(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert "ConnectError" in delivery.last_error
    assert delivery.attempt_log.get().error == delivery.last_error


def test_a_subscription_for_other_event_types_receives_nothing(
    db, receiver, django_capture_on_commit_callbacks
):
    wants_other = WebhookSubscriptionFactory(
        target_url=receiver.url + "/other", event_types=["accounts.AddressAdded"]
    )
    wants_all = WebhookSubscriptionFactory(target_url=receiver.url + "/all", event_types=["*"])
    paused = WebhookSubscriptionFactory(target_url=receiver.url + "/paused", is_active=False)
    wants_delays = WebhookSubscriptionFactory(
        target_url=receiver.url + "/delays", event_types=["tests.ParcelDelayed"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        publish(ParcelDispatched(parcel_id=1, carrier="CJ"))
        publish(ParcelDelayed(parcel_id=1))

    assert sorted(request.path for request in receiver.requests) == [
        "/hooks/all",
        "/hooks/all",
        "/hooks/delays",
    ]
    assert not WebhookDelivery.objects.filter(subscription__in=[wants_other, paused]).exists()
    assert wants_all.deliveries.count() == 2
    assert wants_delays.deliveries.get().event.event_type == "tests.ParcelDelayed"


def test_fanning_out_one_event_twice_creates_one_delivery_per_subscription(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first, second = WebhookSubscriptionFactory.create_batch(2)
    WebhookSubscriptionFactory(event_types=["accounts.AddressAdded"])
    record = publish(ParcelDispatched(parcel_id=1, carrier="CJ"))

    with django_capture_on_commit_callbacks() as queued:
        with django_assert_num_queries(3):  # subscriptions, one insert, the new ids
            webhooks.queue_deliveries(event_record=record)
        webhooks.queue_deliveries(event_record=record)

    assert set(record.webhook_deliveries.values_list("subscription", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert len(queued) == 2


def test_a_rolled_back_event_creates_no_delivery(db, receiver, django_capture_on_commit_callbacks):
    WebhookSubscriptionFactory(target_url=receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(ParcelDispatched(parcel_id=1, carrier="CJ"))
            raise RuntimeError("order rejected")

    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_a_paused_subscription_keeps_its_pending_deliveries_until_it_is_active_again(db, receiver):
    subscription = WebhookSubscriptionFactory(target_url=receiver.url)
    delivery = pending_delivery(subscription)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)

    assert webhooks.send_delivery(delivery_id=delivery.pk) is False
    assert receiver.requests == []

    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=True)
    assert webhooks.send_delivery(delivery_id=delivery.pk) is True
    assert len(receiver.requests) == 1


def test_send_due_webhooks_sends_the_deliveries_that_are_due_and_leaves_the_rest(db, receiver):
    subscription = WebhookSubscriptionFactory(target_url=receiver.url)
    due = pending_delivery(subscription, parcel_id=1)
    later = pending_delivery(subscription, parcel_id=2)
    WebhookDelivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    assert send_due_webhooks() == 1  # tasks run in-process in tests

    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("succeeded", "pending")
    assert [request.headers["X-Shop-Delivery"] for request in receiver.requests] == [str(due.pk)]


def test_prune_deletes_old_succeeded_deliveries_and_keeps_the_rest_and_the_audit_log(db, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 90
    subscription = WebhookSubscriptionFactory()
    old_day = timezone.now() - timedelta(days=91)
    recent_day = timezone.now() - timedelta(days=89)
    rows = {
        name: pending_delivery(subscription, parcel_id=index)
        for index, name in enumerate(["old_ok", "recent_ok", "old_failed", "pending"])
    }
    for name, status, completed_at in [
        ("old_ok", "succeeded", old_day),
        ("recent_ok", "succeeded", recent_day),
        ("old_failed", "failed", old_day),
    ]:
        WebhookDelivery.objects.filter(pk=rows[name].pk).update(
            status=status, completed_at=completed_at
        )
    WebhookAttempt.objects.create(
        delivery=rows["old_ok"], number=1, started_at=old_day, status_code=200, duration_ms=3
    )
    events_before = AuditEvent.objects.count()

    assert prune_webhook_deliveries() == 1

    remaining = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert remaining == {rows[name].pk for name in ["recent_ok", "old_failed", "pending"]}
    assert not WebhookAttempt.objects.exists()
    assert AuditEvent.objects.count() == events_before


# --- Through a real Celery worker ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
def test_a_published_event_reaches_the_receiver_once_through_a_real_worker(celery_worker, receiver):
    subscription = WebhookSubscriptionFactory(target_url=receiver.url)

    with transaction.atomic():
        record = publish(ParcelDispatched(parcel_id=9, carrier="한진"))

    wait_for(lambda: WebhookDelivery.objects.filter(event=record, status="succeeded").exists())
    time.sleep(0.5)  # a duplicate send, if any, would land now
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify(subscription.secret, request.headers["X-Shop-Signature"], request.body)
    assert json.loads(request.body)["id"] == str(record.uuid)


@pytest.mark.postgres
@pytest.mark.redis
def test_a_delivery_whose_send_task_was_lost_goes_out_with_the_periodic_task(
    celery_worker, receiver
):
    subscription = WebhookSubscriptionFactory(target_url=receiver.url)
    with transaction.atomic():
        delivery = pending_delivery(subscription)
        transaction.get_connection().run_on_commit.clear()  # as if the broker were down
    time.sleep(0.5)
    assert receiver.requests == []

    send_due_webhooks.delay()

    wait_for(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded")
    assert len(receiver.requests) == 1


@pytest.mark.postgres
def test_concurrent_sends_of_one_delivery_make_one_request(transactional_db, receiver):
    with transaction.atomic():
        delivery = pending_delivery(WebhookSubscriptionFactory(target_url=receiver.url))
        transaction.get_connection().run_on_commit.clear()  # the threads below send it
    start = threading.Barrier(4)
    results: list[bool] = []

    def send() -> None:
        from django.db import connection

        start.wait()
        try:
            results.append(webhooks.send_delivery(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True]
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1


# --- SSRF guard ----------------------------------------------------------------------

PRIVATE_TARGETS = [
    "http://127.0.0.1:6379/",
    "http://localhost:5432/hook",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://224.0.0.1/",
]


@pytest.mark.parametrize("url", PRIVATE_TARGETS)
def test_private_and_reserved_targets_are_refused_when_not_allowed(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    with pytest.raises(UnsafeTargetError, match="private or reserved"):
        check_target(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://hooks.example.com/",
        "gopher://127.0.0.1:6379/_INFO",
        "https://user:password@hooks.example.com/",
        "https:///no-host",
    ],
)
def test_other_schemes_and_urls_with_credentials_are_refused_even_when_private_is_allowed(url):
    with pytest.raises(UnsafeTargetError):
        check_target(url)


def test_a_public_target_is_pinned_to_the_checked_address(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    resolved = [(2, 1, 6, "", ("93.184.215.14", 8443))]
    # The test has no DNS it controls; the resolver answer stands in for it.
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: resolved)

    target = check_target("https://hooks.example.com:8443/shop?x=1")

    assert target.url == "https://93.184.215.14:8443/shop?x=1"
    assert target.host_header == "hooks.example.com:8443"
    assert target.sni_hostname == "hooks.example.com"


def test_a_host_that_resolves_to_loopback_at_send_time_is_refused_and_not_contacted(
    db, settings, receiver
):
    # Saved while private targets were allowed (or while DNS still pointed elsewhere).
    url = receiver.url.replace("127.0.0.1", "localhost")
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=url))
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    assert webhooks.send_delivery(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_error.startswith("Refused:")
    assert "127.0.0.1" in delivery.last_error
    assert delivery.attempt_log.get().status_code is None
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/hook", "http://localhost/", "http://[::1]/"]
)
def test_the_subscription_form_names_the_target_field_when_it_is_private(db, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    form = WebhookSubscriptionForm(
        data={"name": "ERP", "target_url": url, "event_types": "*", "is_active": "on"}
    )

    assert not form.is_valid()
    assert "private or reserved" in " ".join(form.errors["target_url"])


def test_the_subscription_form_accepts_a_local_receiver_when_private_targets_are_allowed(db):
    form = WebhookSubscriptionForm(
        data={
            "name": "ERP",
            "target_url": "http://127.0.0.1:8000/hook",
            "event_types": "orders.OrderPlaced\naccounts.AddressAdded, orders.OrderPlaced",
            "is_active": "on",
        }
    )

    assert form.is_valid(), form.errors
    subscription = form.save()
    assert subscription.event_types == ["orders.OrderPlaced", "accounts.AddressAdded"]


def test_the_subscription_form_refuses_names_that_are_not_event_types(db):
    form = WebhookSubscriptionForm(
        data={"name": "ERP", "target_url": "https://hooks.example.com/", "event_types": "orders"}
    )

    assert not form.is_valid()
    assert "orders" in " ".join(form.errors["event_types"])


# --- Admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client, staff_user):
    client.force_login(staff_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_staff_see_the_secret_once_after_creating_a_subscription_and_never_in_the_audit_log(
    admin_client_, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("admin:shop_webhooksubscription_add"),
            {"name": "ERP", "target_url": "https://erp.example.com/hooks", "event_types": "*"},
            follow=True,
        )

    subscription = WebhookSubscription.objects.get()
    assert subscription.secret in response.content.decode()
    change_page = admin_client_.get(
        reverse("admin:shop_webhooksubscription_change", args=[subscription.pk])
    )
    assert change_page.status_code == 200
    assert subscription.secret not in change_page.content.decode()
    added = AuditEvent.objects.get(event_type="shop.AdminObjectAdded")
    assert added.payload["changes"]["target_url"] == [None, "https://erp.example.com/hooks"]
    assert subscription.secret not in json.dumps(added.payload)


def test_staff_cannot_change_a_subscription_to_a_private_target(admin_client_, settings):
    subscription = WebhookSubscriptionFactory(target_url="https://93.184.215.14/hooks")
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    response = admin_client_.post(
        reverse("admin:shop_webhooksubscription_change", args=[subscription.pk]),
        {
            "name": subscription.name,
            "target_url": "http://169.254.169.254/latest/meta-data/",
            "event_types": "*",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "private or reserved" in str(response.context["adminform"].form.errors["target_url"])
    subscription.refresh_from_db()
    assert subscription.target_url == "https://93.184.215.14/hooks"


def test_staff_retry_a_failed_delivery_now_and_see_its_attempts(
    admin_client_, receiver, django_capture_on_commit_callbacks
):
    receiver.answer(500)
    delivery = pending_delivery(WebhookSubscriptionFactory(target_url=receiver.url))
    webhooks.send_delivery(delivery_id=delivery.pk)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    changelist = reverse("admin:shop_webhookdelivery_changelist")

    assert (
        str(delivery.pk)
        in admin_client_.get(changelist, {"status__exact": "failed"}).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(
            changelist, {"action": "retry_now", "_selected_action": [delivery.pk]}, follow=True
        )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert AuditEvent.objects.filter(event_type="shop.WebhookDeliveriesRetried").exists()
    page = admin_client_.get(reverse("admin:shop_webhookdelivery_change", args=[delivery.pk]))
    assert "The subscriber answered HTTP 500." in page.content.decode()


def test_a_test_event_goes_only_to_the_chosen_subscription(
    admin_client_, receiver, django_capture_on_commit_callbacks
):
    chosen = WebhookSubscriptionFactory(target_url=receiver.url + "/chosen", event_types=["x.Y"])
    WebhookSubscriptionFactory(target_url=receiver.url + "/everything", event_types=["*"])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(
            reverse("admin:shop_webhooksubscription_changelist"),
            {"action": "send_test_event", "_selected_action": [chosen.pk]},
        )

    assert [request.path for request in receiver.requests] == ["/hooks/chosen"]
    body = json.loads(receiver.requests[0].body)
    assert body["type"] == "shop.WebhookTestRequested"
    assert body["subject"] == {"type": "shop.WebhookSubscription", "id": str(chosen.pk)}
