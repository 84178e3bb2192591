"""Fan-out, sending with retries, and the periodic and staff operations on deliveries."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.events import Event, publish
from shop.http import tls_context
from shop.models import AuditEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from shop.webhooks.signing import sign
from shop.webhooks.targets import Target, UnsafeTargetError, check_target

logger = logging.getLogger(__name__)
failures = logging.getLogger("shop.alerts.task_failures")

USER_AGENT = "shop-webhooks/1"
# An attempt still unfinished this long after its claim (worker killed) may be made again.
CLAIM_SECONDS = 300
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 60 * 60
RESPONSE_EXCERPT_CHARS = 1000
# Read no more of a response than the excerpt needs: a subscriber cannot make us
# download (or decompress) a huge body.
RESPONSE_READ_BYTES = 4096
DUE_BATCH = 500
PRUNE_BATCH = 1000


# --- Events of the webhook machinery --------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WebhookTestRequested(Event):
    """Staff asked for a test delivery; only the named subscription receives it."""

    subject_model = "shop.WebhookSubscription"
    subject_field = "subscription_id"

    subscription_id: int


@dataclass(frozen=True, kw_only=True)
class WebhookDeliveriesRetried(Event):
    """Staff gave failed deliveries one more attempt."""

    delivery_ids: list[int]


# --- Fan-out --------------------------------------------------------------------------


def queue_deliveries(*, event_record: AuditEvent) -> None:
    """Create one delivery per active subscription that wants this event; send after commit.

    Safe to run twice: the (subscription, event) pair is unique, so a second run adds
    nothing.
    """
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True)
        if _wants(subscription, event_record)
    ]
    if not subscriptions:
        return
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=subscription, event=event_record, next_attempt_at=now)
            for subscription in subscriptions
        ],
        ignore_conflicts=True,
    )
    delivery_ids = list(
        WebhookDelivery.objects.filter(
            event=event_record, status=WebhookDelivery.Status.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(partial(_queue_sends, delivery_ids), robust=True)


def _wants(subscription: WebhookSubscription, event_record: AuditEvent) -> bool:
    if event_record.event_type == WebhookTestRequested.name:
        return subscription.pk == event_record.payload.get("subscription_id")
    return subscription.wants(event_record.event_type)


def _queue_sends(delivery_ids: Iterable[int]) -> None:
    from shop.tasks import send_webhook

    for delivery_id in delivery_ids:
        try:
            send_webhook.delay(delivery_id)
        except Exception:  # broker down: send_due_webhooks picks it up later
            logger.warning("Webhook delivery %s not queued; it will be sent later", delivery_id)


# --- Sending --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one HTTP attempt gave: a status code and response, or an error."""

    status_code: int | None
    error: str
    response: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Make the next attempt of one delivery if it is due; return True when it succeeded.

    Does nothing (returns False) when the delivery is finished, not yet due, paused with
    its subscription, or claimed by another worker.
    """
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("subscription", "event")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or not _claim(delivery, now):
        return False
    outcome = _post(delivery)
    _record(delivery, outcome, now)
    return outcome.succeeded


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the attempt with one conditional UPDATE: only one worker's UPDATE matches."""
    due = (
        delivery.status == WebhookDelivery.Status.PENDING
        and delivery.next_attempt_at is not None
        and delivery.next_attempt_at <= now
    )
    if not due or not delivery.subscription.is_active:
        return False
    # Filter on this table's own columns only, so PostgreSQL re-checks them on the row
    # a concurrent claim just updated and this UPDATE then matches nothing.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        status=WebhookDelivery.Status.PENDING,
        attempts=delivery.attempts,
        next_attempt_at__lte=now,
    ).update(
        attempts=delivery.attempts + 1,
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
        updated_at=timezone.now(),
    )
    if claimed:
        delivery.attempts += 1
    return bool(claimed)


def delivery_body(event: AuditEvent) -> bytes:
    """Return the JSON body sent for ``event``: compact, keys sorted, UTF-8."""
    document = {
        "id": str(event.uuid),
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "actor": {
            "kind": event.actor_kind,
            "label": event.actor_label,
            "vendor_id": event.actor_vendor_id,
        },
        "subject": {"type": event.subject_type or None, "id": event.subject_id or None},
        "data": event.payload,
    }
    return json.dumps(
        document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode()


def _post(delivery: WebhookDelivery) -> Outcome:
    """POST the signed body once; never raise for what the network or subscriber does."""
    body = delivery_body(delivery.event)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",
        "X-Shop-Event": delivery.event.event_type,
        "X-Shop-Delivery": str(delivery.pk),
        "X-Shop-Timestamp": str(timestamp),
        "X-Shop-Signature": sign(delivery.subscription.secret, timestamp, body),
    }
    started = time.monotonic()
    status_code, response, error = None, "", ""
    try:
        target = check_target(delivery.subscription.target_url)
        status_code, response = _request(target, headers, body)
    except UnsafeTargetError as exc:
        error = _("Refused: %(reason)s") % {"reason": exc}
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if status_code is not None and not 200 <= status_code < 300:
        error = _("The subscriber answered HTTP %(status)s.") % {"status": status_code}
    duration_ms = round((time.monotonic() - started) * 1000)
    return Outcome(status_code, error[:2000], response, duration_ms)


def _request(target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    if target.host_header:
        headers = {**headers, "Host": target.host_header}
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    # No redirects (a 3xx could point inside the network) and no proxy from the
    # environment (it would connect somewhere other than the checked address).
    with (
        httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()
        ) as client,
        client.stream(
            "POST", target.url, content=body, headers=headers, extensions=extensions
        ) as response,
    ):
        return response.status_code, _excerpt(response, deadline=time.monotonic() + timeout)


def _excerpt(response: httpx.Response, *, deadline: float) -> str:
    """Read the start of the response body, stopping at the size or time limit."""
    received = b""
    try:
        for chunk in response.iter_raw():
            received += chunk
            if len(received) >= RESPONSE_READ_BYTES or time.monotonic() > deadline:
                break
    except httpx.HTTPError:  # the status already arrived; a cut-off body is only a log detail
        pass
    return received[:RESPONSE_READ_BYTES].decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    """Log the attempt and move the delivery on: done, failed for good, or due again later."""
    fields = {
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
        "last_response": outcome.response,
        "last_duration_ms": outcome.duration_ms,
        "updated_at": timezone.now(),
    }
    gave_up = not outcome.succeeded and delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    if outcome.succeeded or gave_up:
        status = (
            WebhookDelivery.Status.SUCCEEDED if outcome.succeeded else WebhookDelivery.Status.FAILED
        )
        fields.update(status=status, next_attempt_at=None, completed_at=now)
    else:
        fields["next_attempt_at"] = now + backoff(delivery.attempts)
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            response_excerpt=outcome.response,
            duration_ms=outcome.duration_ms,
        )
        # Only while the claim is still ours: after CLAIM_SECONDS another worker may own it.
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**fields)
    _log(delivery, outcome, gave_up)


def backoff(attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failure: 30 s doubling, jittered, capped."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    # Jitter spreads the retries of many deliveries that failed together (not security).
    return timedelta(seconds=min(delay * random.uniform(1.0, 1.25), BACKOFF_CAP_SECONDS))  # noqa: S311


def _log(delivery: WebhookDelivery, outcome: Outcome, gave_up: bool) -> None:
    if outcome.succeeded:
        return
    subscription, event = delivery.subscription, delivery.event
    if gave_up:
        failures.error(
            "Webhook delivery %s of %s #%s to subscription %s (%s) failed for good "
            "after %s attempts: %s",
            delivery.pk,
            event.event_type,
            event.pk,
            subscription.pk,
            subscription.name,
            delivery.attempts,
            outcome.error,
        )
    else:
        logger.warning(
            "Webhook delivery %s to subscription %s failed (attempt %s): %s",
            delivery.pk,
            subscription.pk,
            delivery.attempts,
            outcome.error,
        )


# --- Periodic work and staff actions --------------------------------------------------


def queue_due_deliveries(*, now: datetime | None = None) -> int:
    """Queue a send for each pending delivery whose next attempt is due; return how many.

    A delivery queued twice is sent once: the second task finds it claimed.
    """
    now = now or timezone.now()
    delivery_ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            subscription__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    _queue_sends(delivery_ids)
    return len(delivery_ids)


def prune_deliveries(*, now: datetime | None = None) -> int:
    """Delete succeeded deliveries older than the retention period; return how many.

    Only deliveries and their attempt logs go; the audit events they carried stay.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    old = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SUCCEEDED, completed_at__lt=cutoff
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        _total, per_model = WebhookDelivery.objects.filter(pk__in=batch).delete()
        deleted += per_model.get(WebhookDelivery._meta.label, 0)
    return deleted


def retry_deliveries(*, deliveries: models.QuerySet[WebhookDelivery]) -> int:
    """Give each failed delivery among ``deliveries`` one more attempt now; return how many."""
    with transaction.atomic():
        delivery_ids = list(
            deliveries.filter(status=WebhookDelivery.Status.FAILED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if not delivery_ids:
            return 0
        WebhookDelivery.objects.filter(pk__in=delivery_ids).update(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at=timezone.now(),
            completed_at=None,
            updated_at=timezone.now(),
        )
        publish(WebhookDeliveriesRetried(delivery_ids=delivery_ids))
        transaction.on_commit(partial(_queue_sends, delivery_ids), robust=True)
    return len(delivery_ids)


def send_test_event(*, subscription: WebhookSubscription) -> AuditEvent:
    """Publish a test event that only ``subscription`` receives; return its audit row."""
    with transaction.atomic():
        return publish(WebhookTestRequested(subscription_id=subscription.pk), subject=subscription)
