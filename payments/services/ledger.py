"""The ledger and the state machine of a payment intent.

Every provider call is collected while it runs (outside any transaction) and written
to the ledger by the transaction that acts on its answer; every status change is
checked against ``TRANSITIONS`` and recorded.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import TRANSITIONS, PaymentEvent, PaymentIntent
from payments.providers.base import Exchange, PaymentRef
from payments.providers.http import redact

# Alerts for staff go through the messenger (shop.alerts watches this logger).
alerts = logging.getLogger("shop.alerts.task_failures")


class CallLog:
    """A ``Recorder`` that keeps a provider's calls until a transaction writes them."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def __call__(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def write(self, intent: PaymentIntent, source: str) -> None:
        PaymentEvent.objects.bulk_create(
            PaymentEvent(
                intent=intent,
                kind=PaymentEvent.Kind.CALL,
                source=source,
                operation=exchange.operation[:40],
                http_method=exchange.method[:8],
                url=exchange.url[:500],
                status_code=exchange.status_code,
                request=dict(exchange.request),
                response=dict(exchange.response),
                duration_ms=exchange.duration_ms,
                note=exchange.error[:255],
            )
            for exchange in self.exchanges
        )
        self.exchanges.clear()


def note(intent: PaymentIntent, kind: str, source: str, **fields: Any) -> PaymentEvent:
    """Append one ledger line (a return, a webhook, money that moved)."""
    if "request" in fields:
        fields["request"] = redact(fields["request"])
    return PaymentEvent.objects.create(intent=intent, kind=kind, source=source, **fields)


def move(intent: PaymentIntent, new: str, *, source: str, **fields: Any) -> None:
    """Change the (locked) intent's status if the table allows it, and record it."""
    old = intent.status
    if new != old and new not in TRANSITIONS.get(old, ()):
        raise PaymentError(
            PaymentErrorCode.INVALID_TRANSITION,
            _("This payment cannot go from “%(old)s” to “%(new)s”.") % {"old": old, "new": new},
            status_code=409,
        )
    intent.status = new
    for name, value in fields.items():
        setattr(intent, name, value)
    intent.save()
    if new != old:
        note(intent, PaymentEvent.Kind.STATUS, source, note=f"{old} → {new}")


def lock(intent_id: int) -> PaymentIntent:
    return (
        PaymentIntent.objects.select_for_update(of=("self",))
        .select_related("order")
        .get(pk=intent_id)
    )


def ref_of(intent: PaymentIntent) -> PaymentRef:
    """The provider's view of what we asked for (no ORM object leaves the services)."""
    return PaymentRef(
        merchant_reference=str(intent.public_id),
        provider_payment_id=intent.provider_payment_id,
        buyer_key=intent.buyer_key,
        amount=intent.amount,
        tax_free_amount=intent.tax_free_amount,
        currency=intent.currency,
        capture_id=intent.capture_id,
        data=dict(intent.provider_data),
    )


def refunded(intent: PaymentIntent) -> Decimal:
    return intent.ledger_total(PaymentEvent.Kind.REFUND)


def awaiting_answer(intent: PaymentIntent) -> QuerySet[PaymentEvent]:
    """The refund requests written with no refund or refusal of their key after them.

    A refund refused once (by the provider, or as above the remaining amount) and asked
    again is in flight again: its earlier refusal does not answer the new request.
    """
    answered = PaymentEvent.objects.filter(
        intent=intent,
        kind__in=[PaymentEvent.Kind.REFUND, PaymentEvent.Kind.REFUND_FAILURE],
        idempotency_key=OuterRef("idempotency_key"),
        pk__gt=OuterRef("pk"),
    )
    return intent.events.filter(kind=PaymentEvent.Kind.REFUND_REQUEST).exclude(Exists(answered))


def reserved(intent: PaymentIntent, *, except_key: str = "") -> Decimal:
    """Refunds asked of the provider whose answer is not written yet (they may go through)."""
    pending = awaiting_answer(intent)
    if except_key:
        pending = pending.exclude(idempotency_key=except_key)
    return pending.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def buyer_key_for(user: Any, order_number: str) -> str:
    """A stable key for the buyer that carries no personal data (providers ask for one)."""
    if user is not None and not isinstance(user, AnonymousUser) and user.is_authenticated:
        subject = f"member:{user.pk}"
    else:
        subject = f"guest:{order_number}"
    return "b" + salted_hmac("payments.buyer", subject, secret=settings.SECRET_KEY).hexdigest()[:31]
