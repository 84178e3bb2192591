"""Reconciliation: ask the provider about payments whose outcome we do not know.

A beat job runs it for intents left ``unknown`` (a timeout after the provider may have
processed our call), ``authorizing`` for too long (a worker died mid-call), ``voiding``
(a 망취소 not confirmed yet) and ``pending_action`` past their deadline (the buyer never
came back; a webhook may have told us more). A verified webhook runs it at once for its
payment: webhooks are hints, the provider's own answer to ``status`` decides.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from payments.models import InboundWebhook, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import (
    ProviderError,
    ProviderOutcomeUnknownError,
    ResultStatus,
    WebhookNotice,
)
from payments.providers.registry import get_provider
from payments.services.confirm import approve, fail, settle, void
from payments.services.ledger import CallLog, lock, move, note, ref_of

SOURCE = PaymentEvent.Source.RECONCILE


def due_for_reconciliation(*, now: Any = None) -> list[int]:
    """Ids of the intents the beat job should ask about now."""
    now = now or timezone.now()
    quiet = now - timedelta(seconds=settings.PAYMENTS_RECONCILE_AFTER_SECONDS)
    return list(
        PaymentIntent.objects.filter(
            Q(status__in=[IntentStatus.UNKNOWN, IntentStatus.AUTHORIZING, IntentStatus.VOIDING])
            | Q(status=IntentStatus.PENDING_ACTION, expires_at__lte=now),
            updated_at__lte=quiet,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )


def reconcile_payment(*, intent_id: int, source: str = SOURCE) -> PaymentIntent:
    """Bring one intent in line with what its provider says.

    An intent a request is confirming right now (``authorizing``, recently) is left to
    it, so a webhook racing the buyer's return never causes a second approval.
    """
    intent = PaymentIntent.objects.get(pk=intent_id)
    if intent.status == IntentStatus.VOIDING:
        return void(intent.pk, source=source)
    if intent.status not in (
        IntentStatus.UNKNOWN,
        IntentStatus.AUTHORIZING,
        IntentStatus.PENDING_ACTION,
    ):
        return intent
    quiet = timezone.now() - timedelta(seconds=settings.PAYMENTS_RECONCILE_AFTER_SECONDS)
    if intent.status == IntentStatus.AUTHORIZING and intent.updated_at > quiet:
        return intent  # a request is confirming it right now
    if not intent.provider_payment_id:
        return expire_if_due(intent, CallLog(), source=source)
    log = CallLog()
    try:
        result = get_provider(intent.provider).status(ref_of(intent), record=log)
    except (ProviderError, ProviderOutcomeUnknownError):
        with transaction.atomic():
            intent = lock(intent.pk)
            log.write(intent, source)
            intent.last_synced_at = timezone.now()
            intent.save(update_fields=["last_synced_at", "updated_at"])
        return intent
    if result.status in (ResultStatus.PAID, ResultStatus.FAILED, ResultStatus.CANCELLED):
        with transaction.atomic():
            intent = lock(intent.pk)
            if intent.status == IntentStatus.PENDING_ACTION:
                # Paid or ended at the provider while the buyer never came back to us.
                move(intent, IntentStatus.AUTHORIZING, source=source)
        return settle(intent.pk, result, log, source=source)
    if (
        result.status == ResultStatus.AUTHENTICATED
        and result.data.get("capture_status") != "PENDING"
    ):
        return approve_again(intent, log, seen=intent.status, source=source)
    if result.status in (ResultStatus.REFUNDED, ResultStatus.PARTIALLY_REFUNDED):
        # Money went back at the provider before we ever recorded a capture: nothing to keep.
        return fail(intent, log, "refunded_at_provider", "", source=source)
    return expire_if_due(intent, log, source=source)


def approve_again(intent: PaymentIntent, log: CallLog, *, seen: str, source: str) -> PaymentIntent:
    """The buyer approved at the provider but our approval never completed (or the buyer
    never came back): approve now with the parameters of the buyer's return.

    Only if the intent is still as ``seen`` when locked: if the buyer's return moved it
    meanwhile, that request approves, not this one.
    """
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, source)
        if intent.status != seen:
            return intent
        params = dict(intent.provider_data.get("return") or {})
        if not params:
            params = {"token": intent.provider_payment_id}  # PayPal: the order id is the token
        move(intent, IntentStatus.AUTHORIZING, source=source)
    return approve(intent, params, source=source)


def expire_if_due(intent: PaymentIntent, log: CallLog, *, source: str) -> PaymentIntent:
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, source)
        intent.last_synced_at = timezone.now()
        due = intent.expires_at is not None and intent.expires_at <= timezone.now()
        if due and intent.status in (
            IntentStatus.PENDING_ACTION,
            IntentStatus.UNKNOWN,
            IntentStatus.CREATED,
        ):
            move(intent, IntentStatus.EXPIRED, source=source)
        else:
            intent.save(update_fields=["last_synced_at", "updated_at"])
    return intent


def expire_payments_of_order(*, order_id: int) -> int:
    """The order was cancelled (or expired) unpaid: its open attempts can no longer pay it.

    A buyer approving one later is never approved by us (nothing is captured); an
    approval already in flight is voided when it settles (the order is not payable).
    """
    count = 0
    with transaction.atomic():
        for intent in PaymentIntent.objects.select_for_update().filter(
            order_id=order_id, status__in=[IntentStatus.CREATED, IntentStatus.PENDING_ACTION]
        ):
            move(intent, IntentStatus.EXPIRED, source=SOURCE)
            count += 1
    return count


def handle_webhook(*, provider_code: str, headers: Any, body: bytes) -> list[int]:
    """Verify a provider's notification, keep it once, and reconcile what it is about.

    Raises ``ProviderError("bad_signature")`` for a forged one. Returns the intent ids
    looked at; a replayed event id looks at none once it was processed (one whose first
    delivery failed midway is processed again: reconciliation is safe to repeat).
    """
    provider = get_provider(provider_code)
    log = CallLog()
    notices: list[WebhookNotice] = provider.parse_webhook(headers, body, record=log)
    looked_at = []
    for notice in notices:
        intent = find_intent(provider_code, notice)
        with transaction.atomic():
            webhook, created = InboundWebhook.objects.get_or_create(
                provider=provider_code,
                event_id=notice.event_id[:128],
                defaults={"event_type": notice.event_type[:100], "verified": True},
            )
            if intent is not None:
                log.write(intent, PaymentEvent.Source.WEBHOOK)
                note(
                    intent,
                    PaymentEvent.Kind.WEBHOOK,
                    PaymentEvent.Source.WEBHOOK,
                    operation=notice.event_type[:40],
                    note=notice.event_id[:255],
                )
        if intent is None or (not created and webhook.processed_at is not None):
            continue
        reconcile_payment(intent_id=intent.pk, source=PaymentEvent.Source.WEBHOOK)
        InboundWebhook.objects.filter(
            provider=provider_code, event_id=notice.event_id[:128]
        ).update(processed_at=timezone.now())
        looked_at.append(intent.pk)
    return looked_at


def find_intent(provider_code: str, notice: WebhookNotice) -> PaymentIntent | None:
    rows = PaymentIntent.objects.filter(provider=provider_code)
    if notice.provider_payment_id:
        found = rows.filter(provider_payment_id=notice.provider_payment_id).first()
        if found:
            return found
    if notice.merchant_reference:
        try:
            reference = uuid.UUID(str(notice.merchant_reference))
        except ValueError:  # another shop's reference on the same PayPal account: not ours
            return None
        return rows.filter(public_id=reference).first()
    return None
