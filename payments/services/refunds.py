"""Refunds at the provider for the refunds orders asks for (cancellation, partial, return).

Orders publishes ``RefundRequested`` with the amount and its tax-free part, worked out
from the refunded lines; this executes it once, against the intent that captured the
order, never above what is left of the capture: under the intent's row lock it reserves
the amount in the ledger before calling the provider, so two concurrent refunds can
never add up to more than was captured. The provider's own remaining-amount guard
(KakaoPay ``cancel_available_amount``, NaverPay ``expectedRestAmount``) is sent too.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import services as order_services
from orders.models import PaymentMethod, Refund
from payments.events import PaymentRefunded, RefundFailed
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import CAPTURED, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import ProviderError, ProviderOutcomeUnknownError, RefundRequest
from payments.providers.registry import get_provider
from payments.services.ledger import (
    CallLog,
    alerts,
    awaiting_answer,
    lock,
    move,
    note,
    ref_of,
    refunded,
    reserved,
)
from shop.events import publish
from shop.money import quantize, vat_included

SOURCE = PaymentEvent.Source.REFUND
CENT = Decimal("0.01")


def key_for(refund_id: int) -> str:
    return f"order-refund-{refund_id}"


def in_intent_currency(intent: PaymentIntent, krw: Decimal, remaining: Decimal) -> Decimal:
    """Convert won refunded into the intent's currency at the rate it was paid at.

    A refund that comes within a cent of what is left takes exactly what is left, so
    rounding never strands a cent on the capture.
    """
    if intent.currency == "KRW":
        return krw
    if not intent.fx_rate or krw >= intent.order_amount:
        return remaining
    converted = quantize(krw / intent.fx_rate, intent.currency)
    return remaining if converted >= remaining - CENT else converted


def refund_order_refund(*, refund_id: int) -> Refund | None:
    """Execute ``orders.Refund`` ``refund_id`` at the provider; return it (None: not ours).

    Bank-transfer refunds are paid out by staff, not here. Running it again for the same
    refund does nothing more.
    """
    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is None or refund.order.payment_method == PaymentMethod.BANK_TRANSFER:
        return None
    if refund.status == Refund.Status.COMPLETED:
        return refund
    key = key_for(refund_id)
    with transaction.atomic():
        intent = (
            PaymentIntent.objects.select_for_update()
            .filter(order_id=refund.order_id, status__in=CAPTURED)
            .first()
        )
        if intent is None:
            raise PaymentError(
                PaymentErrorCode.NO_CAPTURE, _("No captured payment to refund."), status_code=409
            )
        if intent.events.filter(kind=PaymentEvent.Kind.REFUND, idempotency_key=key).exists():
            return refund  # done before; orders' refund completes below in that run
        left = (
            intent.ledger_total(PaymentEvent.Kind.CHARGE)
            - refunded(intent)
            - reserved(intent, except_key=key)
        )
        amount = in_intent_currency(intent, refund.amount, left)
        exceeds = amount <= 0 or amount > left
        if exceeds:
            refused(
                intent,
                refund,
                amount,
                "refund_exceeds_remaining",
                _("The refund exceeds what is left of the payment."),
            )
        else:
            asked = awaiting_answer(intent).filter(idempotency_key=key).order_by("-pk").first()
            if asked is not None and asked.created_at > timezone.now() - timedelta(
                seconds=settings.PAYMENTS_RECONCILE_AFTER_SECONDS
            ):
                # Another call (a double click, a redelivered event) is at the provider
                # with this refund right now: that one answers. Asked longer ago and
                # unanswered, the outcome was lost: ask again with the same key.
                return refund
            if asked is None:
                note(
                    intent,
                    PaymentEvent.Kind.REFUND_REQUEST,
                    SOURCE,
                    amount=amount,
                    idempotency_key=key,
                )
    if exceeds:
        # Raised once the refusal is committed: the ledger and the audit log keep it.
        raise PaymentError(
            PaymentErrorCode.REFUND_EXCEEDS_REMAINING,
            _("The refund exceeds what is left of the payment."),
            status_code=409,
        )
    tax_free = min(refund.tax_free_amount, amount) if intent.currency == "KRW" else Decimal(0)
    request = RefundRequest(
        payment=ref_of(intent),
        amount=amount,
        tax_free_amount=tax_free,
        vat_amount=vat_included(amount, tax_free=tax_free)
        if intent.currency == "KRW"
        else Decimal(0),
        remaining_before=left,
        idempotency_key=key,
        reason=refund.reason or str(refund.get_kind_display()),
    )
    log = CallLog()
    try:
        answer = get_provider(intent.provider).refund(request, record=log)
    except ProviderOutcomeUnknownError:
        with transaction.atomic():
            log.write(lock(intent.pk), SOURCE)
        raise  # the event is delivered again later; the same key goes to the provider
    except ProviderError as failure:
        with transaction.atomic():
            intent = lock(intent.pk)
            log.write(intent, SOURCE)
            refused(intent, refund, amount, failure.code, failure.message)
        return refund
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, SOURCE)
        note(
            intent,
            PaymentEvent.Kind.REFUND,
            SOURCE,
            amount=amount,
            idempotency_key=key,
            note=answer.refund_reference[:255],
        )
        left_now = intent.ledger_total(PaymentEvent.Kind.CHARGE) - refunded(intent)
        move(
            intent,
            IntentStatus.REFUNDED if left_now <= 0 else IntentStatus.PARTIALLY_REFUNDED,
            source=SOURCE,
        )
        publish(
            PaymentRefunded(
                intent_id=intent.pk,
                order_id=intent.order_id,
                provider=intent.provider,
                amount=str(amount),
                currency=intent.currency,
                remaining=str(left_now),
                order_refund_id=refund.pk,
            ),
            subject=intent,
        )
        return order_services.complete_refund(
            refund_id=refund.pk, note=answer.refund_reference[:200]
        )


def refused(
    intent: PaymentIntent, refund: Refund, amount: Decimal, code: str, message: str
) -> None:
    note(
        intent,
        PaymentEvent.Kind.REFUND_FAILURE,
        SOURCE,
        amount=amount,
        idempotency_key=key_for(refund.pk),
        note=f"{code}: {message}"[:255],
    )
    publish(
        RefundFailed(
            intent_id=intent.pk,
            order_id=intent.order_id,
            provider=intent.provider,
            amount=str(amount),
            code=str(code)[:64],
            message=str(message)[:255],
            order_refund_id=refund.pk,
        ),
        subject=intent,
    )
    alerts.error(
        "Refund %s of payment %s was refused by %s: %s %s",
        refund.pk,
        intent.public_id,
        intent.provider,
        code,
        message,
        extra={"alert_group": "payments.refund_failed"},
    )
