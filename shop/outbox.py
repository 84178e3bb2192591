"""Delivering stored events to their listeners: at least once, never again after success.

Each (event, listener) pair has a ``ListenerRun`` row. The listener runs inside a
transaction that holds that row's lock and records its success, so its database
writes and the record of success commit together, and two deliveries of the same
event (a retry racing the periodic re-delivery) never both run it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop import webhooks
from shop.events import Event, event_type, listeners_for
from shop.models import AuditEvent, ListenerRun

logger = logging.getLogger(__name__)
failures = logging.getLogger("shop.alerts.task_failures")

WEBHOOK_FAN_OUT = "shop.webhooks.queue_deliveries"


def deliver_event(*, event_id: int) -> bool:
    """Run every step of one event that has not yet succeeded; return True when all have.

    The steps are the event's background listeners and the webhook fan-out. A failing
    step is recorded and does not stop the others. Updates the event's delivery state.
    """
    record = AuditEvent.objects.filter(pk=event_id).first()
    if record is None or record.delivery_status != AuditEvent.Delivery.PENDING:
        return True
    event = _load(record)
    steps: list[tuple[str, Callable[[], Any]]] = [
        (WEBHOOK_FAN_OUT, lambda: webhooks.queue_deliveries(event_record=record)),
    ]
    if event is not None:
        steps += [
            (listener.path, lambda func=listener.func: func(event))
            for listener in listeners_for(record.event_type, in_process=False)
        ]
    # Every step's row at once (one INSERT ... ON CONFLICT DO NOTHING): a get_or_create
    # per step cost four statements each, on every event.
    ListenerRun.objects.bulk_create(
        [ListenerRun(event=record, listener=path) for path, _step in steps],
        ignore_conflicts=True,
    )
    errors = [error for path, step in steps if (error := _run_once(record, path, step))]
    _record_attempt(record, errors)
    return not errors


def redeliver_events() -> int:
    """Queue again every event still pending after the re-delivery delay; return how many.

    Catches events whose delivery task was lost (broker down at commit, worker killed).
    An event that failed ``EVENT_MAX_ATTEMPTS`` times is marked failed and alerted.
    """
    from shop.tasks import deliver_event as deliver_task

    cutoff = timezone.now() - timedelta(seconds=settings.EVENT_REDELIVERY_AFTER_SECONDS)
    pending = AuditEvent.objects.filter(
        delivery_status=AuditEvent.Delivery.PENDING, created_at__lt=cutoff
    )
    _give_up_on(pending.filter(delivery_attempts__gte=settings.EVENT_MAX_ATTEMPTS))
    queued = 0
    for event_id in pending.values_list("pk", flat=True).order_by("pk")[:1000]:
        deliver_task.delay(event_id)
        queued += 1
    return queued


def _load(record: AuditEvent) -> Event | None:
    cls = event_type(record.event_type)
    if cls is None:  # an event of an app that is no longer installed: nothing listens
        return None
    return cls(**record.payload)


def _run_once(record: AuditEvent, path: str, step: Callable[[], Any]) -> str:
    """Run one step unless it already succeeded for this event; return the error text."""
    with transaction.atomic():
        run = ListenerRun.objects.select_for_update().get(event=record, listener=path)
        if run.succeeded_at is not None:
            return ""
        run.attempts += 1
        try:
            with transaction.atomic():
                step()
        except Exception as exc:
            logger.warning("Listener %s failed for event %s", path, record.pk, exc_info=True)
            run.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            run.save(update_fields=["attempts", "last_error", "updated_at"])
            return f"{path}: {run.last_error}"
        run.succeeded_at = timezone.now()
        run.save(update_fields=["attempts", "succeeded_at", "updated_at"])
    return ""


def _record_attempt(record: AuditEvent, errors: list[str]) -> None:
    fields: dict[str, Any] = {"delivery_attempts": F("delivery_attempts") + 1}
    if errors:
        fields["last_delivery_error"] = "\n".join(errors)[:4000]
    else:
        fields.update(delivery_status=AuditEvent.Delivery.DELIVERED, delivered_at=timezone.now())
    AuditEvent.objects.filter(pk=record.pk).update(**fields)


def _give_up_on(events: Any) -> None:
    for record in events:
        updated = AuditEvent.objects.filter(
            pk=record.pk, delivery_status=AuditEvent.Delivery.PENDING
        ).update(delivery_status=AuditEvent.Delivery.FAILED)
        if updated:
            failures.error(
                "Event %s (%s) failed for good after %s attempts: %s",
                record.pk,
                record.event_type,
                record.delivery_attempts,
                record.last_delivery_error,
            )
