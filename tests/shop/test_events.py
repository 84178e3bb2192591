"""Domain events: audit row in the same transaction, outbox delivery, exactly-once listeners."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from shop import outbox
from shop.audit import Actor, acting_as
from shop.events import Event, listen, publish
from shop.models import AuditEvent, ListenerRun

calls: list[tuple[str, int]] = []
calls_lock = threading.Lock()
flaky_state = {"fail": True}


@dataclass(frozen=True, kw_only=True)
class ParcelWeighed(Event):
    parcel_id: int
    grams: int


@listen(ParcelWeighed)
def record_weight(event: ParcelWeighed) -> None:
    with calls_lock:
        calls.append(("record_weight", event.parcel_id))


@listen(ParcelWeighed)
def print_label(event: ParcelWeighed) -> None:
    with calls_lock:
        calls.append(("print_label", event.parcel_id))


@dataclass(frozen=True, kw_only=True)
class ParcelLost(Event):
    parcel_id: int


@listen(ParcelLost)
def notify_sender(event: ParcelLost) -> None:
    with calls_lock:
        calls.append(("notify_sender", event.parcel_id))


@listen(ParcelLost)
def flaky_refund(event: ParcelLost) -> None:
    if flaky_state["fail"]:
        raise ConnectionError("provider down")
    with calls_lock:
        calls.append(("flaky_refund", event.parcel_id))


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()
    flaky_state["fail"] = True
    yield
    calls.clear()


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_publish_writes_one_audit_row_with_actor_and_payload(db):
    with acting_as(Actor(kind="staff", user_id=7, label="ops@example.com", ip_address="10.0.0.1")):
        record = publish(ParcelWeighed(parcel_id=3, grams=1200))

    row = AuditEvent.objects.get(pk=record.pk)
    assert row.event_type == "tests.ParcelWeighed"
    assert row.payload == {"parcel_id": 3, "grams": 1200}
    assert (row.actor_kind, row.actor_id, row.actor_label) == ("staff", 7, "ops@example.com")
    assert row.ip_address == "10.0.0.1"
    assert row.delivery_status == AuditEvent.Delivery.PENDING


def test_publish_refuses_a_payload_that_cannot_cross_the_broker(db):
    @dataclass(frozen=True, kw_only=True)
    class PriceSet(Event):
        amount: Decimal

    with pytest.raises(TypeError):
        publish(PriceSet(amount=Decimal("1000")))
    assert not AuditEvent.objects.filter(event_type="tests.PriceSet").exists()


def test_rolled_back_transaction_records_and_delivers_nothing(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(ParcelWeighed(parcel_id=1, grams=10))
            raise RuntimeError("order rejected")

    assert callbacks == []
    assert not AuditEvent.objects.filter(event_type="tests.ParcelWeighed").exists()
    assert calls == []


def test_committed_event_reaches_each_listener_once_in_process(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = publish(ParcelWeighed(parcel_id=5, grams=10))

    assert sorted(calls) == [("print_label", 5), ("record_weight", 5)]
    record.refresh_from_db()
    assert record.delivery_status == AuditEvent.Delivery.DELIVERED
    assert record.listener_runs.filter(succeeded_at__isnull=False).count() == 3  # + webhook fan-out


def test_a_listener_that_succeeded_is_not_run_again_while_a_failing_one_is_retried(db):
    record = publish(ParcelLost(parcel_id=9))

    assert outbox.deliver_event(event_id=record.pk) is False
    flaky_state["fail"] = False
    assert outbox.deliver_event(event_id=record.pk) is True
    assert outbox.deliver_event(event_id=record.pk) is True  # already delivered: a no-op

    assert calls == [("notify_sender", 9), ("flaky_refund", 9)]
    runs = {run.listener.rsplit(".", 1)[-1]: run for run in record.listener_runs.all()}
    assert runs["notify_sender"].attempts == 1
    assert runs["flaky_refund"].attempts == 2
    assert "provider down" in runs["flaky_refund"].last_error
    record.refresh_from_db()
    assert record.delivery_status == AuditEvent.Delivery.DELIVERED
    assert record.delivery_attempts == 2


def test_redelivery_gives_up_after_max_attempts_and_marks_the_event_failed(db, settings, caplog):
    settings.EVENT_MAX_ATTEMPTS = 2
    settings.EVENT_REDELIVERY_AFTER_SECONDS = 0
    record = publish(ParcelLost(parcel_id=4))
    outbox.deliver_event(event_id=record.pk)
    outbox.deliver_event(event_id=record.pk)

    with caplog.at_level("ERROR", logger="shop.alerts.task_failures"):
        outbox.redeliver_events()

    record.refresh_from_db()
    assert record.delivery_status == AuditEvent.Delivery.FAILED
    assert "failed for good" in caplog.text


@pytest.mark.postgres
def test_audit_rows_cannot_be_edited_or_deleted(db):
    record = publish(ParcelWeighed(parcel_id=2, grams=5))

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=record.pk).update(payload={"parcel_id": 666})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=record.pk).delete()
    AuditEvent.objects.filter(pk=record.pk).update(delivery_attempts=3)  # outbox columns may move

    record.refresh_from_db()
    assert record.payload == {"parcel_id": 2, "grams": 5}
    assert record.delivery_attempts == 3


@pytest.mark.postgres
@pytest.mark.redis
def test_committed_event_reaches_every_listener_once_through_a_real_worker(celery_worker):
    with transaction.atomic():
        record = publish(ParcelWeighed(parcel_id=11, grams=300))

    wait_for(lambda: AuditEvent.objects.get(pk=record.pk).delivery_status == "delivered")
    time.sleep(0.5)  # a duplicate delivery, if any, would land now
    assert sorted(calls) == [("print_label", 11), ("record_weight", 11)]


@pytest.mark.postgres
@pytest.mark.redis
def test_rolled_back_event_never_reaches_a_real_worker(celery_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(ParcelWeighed(parcel_id=12, grams=1))
        raise RuntimeError("payment declined")
    with transaction.atomic():
        marker = publish(ParcelWeighed(parcel_id=13, grams=1))

    wait_for(lambda: AuditEvent.objects.get(pk=marker.pk).delivery_status == "delivered")
    assert ("record_weight", 12) not in calls
    assert ("record_weight", 13) in calls


@pytest.mark.postgres
@pytest.mark.redis
def test_event_whose_delivery_task_was_lost_is_delivered_by_periodic_redelivery(
    celery_worker, settings
):
    from shop.tasks import redeliver_events

    settings.EVENT_REDELIVERY_AFTER_SECONDS = 0
    # Commit the event without its on-commit hand-off, as when the broker is down.
    with transaction.atomic():
        record = publish(ParcelWeighed(parcel_id=21, grams=1))
        transaction.get_connection().run_on_commit.clear()
    time.sleep(0.5)
    assert AuditEvent.objects.get(pk=record.pk).delivery_status == "pending"
    assert calls == []

    redeliver_events.delay()

    wait_for(lambda: AuditEvent.objects.get(pk=record.pk).delivery_status == "delivered")
    assert sorted(calls) == [("print_label", 21), ("record_weight", 21)]
    assert ListenerRun.objects.filter(event=record, succeeded_at__lte=timezone.now()).count() == 3


@pytest.mark.postgres
def test_concurrent_deliveries_of_one_event_run_each_listener_once(transactional_db):
    with transaction.atomic():
        record = publish(ParcelWeighed(parcel_id=31, grams=1))
    start = threading.Barrier(4)

    def deliver() -> None:
        from django.db import connection

        start.wait()
        try:
            outbox.deliver_event(event_id=record.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(calls) == [("print_label", 31), ("record_weight", 31)]


def test_an_event_field_may_not_shadow_the_event_name():
    with pytest.raises(TypeError, match="name"):

        @dataclass(frozen=True, kw_only=True)
        class VendorRenamed(Event):
            name: str
