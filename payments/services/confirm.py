"""Confirming a payment exactly once, and refusing one that disagrees with the order.

The buyer's return (refreshed, double-clicked, in two tabs) and a webhook may all arrive
for one intent at once. Exactly one of them moves the intent from ``pending_action`` to
``authorizing`` under its row lock (a compare-and-set); only that one calls the
provider, outside any lock; the others see ``authorizing`` or ``paid`` and stop. The
provider's answer is then compared with the intent (amount, currency, our reference)
and with the order (still awaiting payment, not paid by another attempt): only a full
match marks the order paid, in the same transaction that records the capture. Anything
else is cancelled at the provider at once (망취소) and alerted.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from orders import services as order_services
from orders.models import Order
from payments.events import (
    PaymentCaptured,
    PaymentFailed,
    PaymentOutcomeUnknown,
    PaymentRefunded,
    PaymentRefused,
)
from payments.models import CAPTURED, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import (
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    RefundRequest,
    ResultStatus,
)
from payments.providers.registry import get_provider
from payments.services.ledger import CallLog, alerts, lock, move, note, ref_of, refunded
from shop.events import publish
from shop.exceptions import NotFoundError

# The return parameters a provider sends back; nothing else of the query is kept.
RETURN_PARAMS = (
    "pg_token",
    "paymentId",
    "resultCode",
    "resultMessage",
    "token",
    "PayerID",
    "reserveId",  # NaverPay's recurrent registration (brand pay) comes back with these two
    "tempReceiptId",
)
SETTLEABLE = frozenset({IntentStatus.AUTHORIZING, IntentStatus.UNKNOWN})


def intent_by_reference(public_id: Any) -> PaymentIntent:
    try:
        return PaymentIntent.objects.get(public_id=public_id)
    except (PaymentIntent.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def confirm_payment(
    *, public_id: Any, params: Mapping[str, str], source: str = PaymentEvent.Source.REDIRECT
) -> PaymentIntent:
    """Act on the buyer's return from the provider; return the intent as it ends up.

    Safe to call any number of times for one intent, concurrently too: the provider is
    asked to approve once.
    """
    kept = {name: str(params[name])[:200] for name in RETURN_PARAMS if name in params}
    intent = intent_by_reference(public_id)
    with transaction.atomic():
        intent = lock(intent.pk)
        note(intent, PaymentEvent.Kind.REDIRECT, source, request=kept)
        if intent.status != IntentStatus.PENDING_ACTION:
            return intent  # done already, being confirmed by another request, or over
        payment_id = intent.provider_payment_id or kept.get("paymentId", "")[:100]
        if payment_id and taken_by_another(intent, payment_id):
            # Another payment's id replayed on this return: never approve or cancel it here.
            move(intent, IntentStatus.AUTHORIZING, source=source)
            refuse_foreign(
                intent,
                {
                    "expected": {"reference": str(intent.public_id)},
                    "reported": {"payment_id": payment_id},
                },
                source=source,
            )
            return intent
        move(
            intent,
            IntentStatus.AUTHORIZING,
            source=source,
            provider_data={**intent.provider_data, "return": kept},
            provider_payment_id=payment_id,
        )
    return approve(intent, kept, source=source)


def taken_by_another(intent: PaymentIntent, payment_id: str) -> bool:
    return (
        PaymentIntent.objects.filter(provider=intent.provider, provider_payment_id=payment_id)
        .exclude(pk=intent.pk)
        .exists()
    )


def approve(intent: PaymentIntent, params: Mapping[str, str], *, source: str) -> PaymentIntent:
    """Ask the provider to approve/capture (the intent is ``authorizing``: ours alone)."""
    provider = get_provider(intent.provider)
    log = CallLog()
    try:
        result = provider.confirm(ref_of(intent), params, record=log)
    except ProviderError as refused:
        return fail(intent, log, refused.code, refused.message, source=source)
    except ProviderOutcomeUnknownError as unknown:
        return outcome_unknown(intent, log, str(unknown), source=source)
    return settle(intent.pk, result, log, source=source)


def fail(
    intent: PaymentIntent, log: CallLog, code: str, message: str, *, source: str, status: str = ""
) -> PaymentIntent:
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, source)
        new = status or IntentStatus.FAILED
        if intent.status not in SETTLEABLE | {IntentStatus.PENDING_ACTION}:
            return intent
        move(intent, new, source=source, failure_code=code[:64], failure_message=message[:255])
        publish(
            PaymentFailed(
                intent_id=intent.pk,
                order_id=intent.order_id,
                provider=intent.provider,
                status=new,
                code=code[:64],
                message=message[:255],
            ),
            subject=intent,
        )
    return intent


def outcome_unknown(intent: PaymentIntent, log: CallLog, why: str, *, source: str) -> PaymentIntent:
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, source)
        if intent.status == IntentStatus.AUTHORIZING:
            move(intent, IntentStatus.UNKNOWN, source=source, failure_message=why[:255])
            publish(
                PaymentOutcomeUnknown(
                    intent_id=intent.pk,
                    order_id=intent.order_id,
                    provider=intent.provider,
                    operation="confirm",
                ),
                subject=intent,
            )
    return intent


def disagreement(intent: PaymentIntent, result: PaymentResult) -> dict[str, Any]:
    """What the provider reports that differs from what we asked for ({} if nothing)."""
    expected = {
        "amount": str(intent.amount),
        "currency": intent.currency,
        "reference": str(intent.public_id),
    }
    reported = {
        "amount": str(result.amount) if result.amount is not None else "",
        "currency": result.currency or intent.currency,
        "reference": result.merchant_reference or str(intent.public_id),
    }
    if result.amount is not None and Decimal(result.amount) == intent.amount:
        reported["amount"] = expected["amount"]  # 1000 and 1000.00 are the same money
    differs = {key for key in expected if expected[key] != reported[key]}
    return {"expected": expected, "reported": reported} if differs else {}


def settle(intent_id: int, result: PaymentResult, log: CallLog, *, source: str) -> PaymentIntent:
    """Record the provider's answer to an approval or a status question, and act on it."""
    void_reason = ""
    with transaction.atomic():
        intent = lock(intent_id)
        log.write(intent, source)
        if intent.status not in SETTLEABLE:
            return intent  # someone settled it meanwhile
        if intent.flow == PaymentIntent.Flow.REGISTER and result.status == ResultStatus.PAID:
            # A brand-pay registration pays for no order: it ends with the method saved.
            from payments.services.brandpay import complete_registration

            void_reason = complete_registration(intent, result, source=source)
        elif result.status == ResultStatus.PAID:
            problem = disagreement(intent, result)
            if problem and problem["reported"]["reference"] != problem["expected"]["reference"]:
                # Another payment's token replayed on this return (or a confused provider):
                # not ours to keep nor to cancel. The attempt fails; security is told.
                refuse_foreign(intent, problem, source=source)
                return intent
            order = Order.objects.select_for_update().get(pk=intent.order_id)
            if problem:
                void_reason = "amount_mismatch"
            elif order.status != Order.Status.PENDING_PAYMENT:
                void_reason = "order_not_payable"
                problem = {
                    "expected": {"order_status": "pending_payment"},
                    "reported": {"order_status": order.status},
                }
            elif (
                PaymentIntent.objects.filter(order=order, status__in=CAPTURED)
                .exclude(pk=intent.pk)
                .exists()
            ):
                void_reason = "order_paid_already"
                problem = {"expected": {"captures": 0}, "reported": {"captures": 1}}
            if void_reason:
                refuse(intent, result, void_reason, problem, source=source)
            else:
                capture(intent, order, result, source=source)
        elif result.status in (ResultStatus.FAILED, ResultStatus.CANCELLED):
            new = (
                IntentStatus.CANCELLED
                if result.status == ResultStatus.CANCELLED
                else IntentStatus.FAILED
            )
            move(intent, new, source=source, failure_code=str(result.status))
            publish(
                PaymentFailed(
                    intent_id=intent.pk,
                    order_id=intent.order_id,
                    provider=intent.provider,
                    status=new,
                ),
                subject=intent,
            )
        # PENDING / AUTHENTICATED: not settled yet; the intent stays for reconciliation.
    if void_reason:
        return void(intent.pk, source=source)
    return intent


def capture(intent: PaymentIntent, order: Order, result: PaymentResult, *, source: str) -> None:
    note(
        intent,
        PaymentEvent.Kind.CHARGE,
        source,
        amount=intent.amount,
        note=result.provider_payment_id[:255],
    )
    move(
        intent,
        IntentStatus.PAID,
        source=source,
        provider_payment_id=result.provider_payment_id[:100] or intent.provider_payment_id,
        capture_id=result.capture_id[:100],
        method_label=result.method_label[:100],
        provider_data={**intent.provider_data, **dict(result.data)},
    )
    publish(
        PaymentCaptured(
            intent_id=intent.pk,
            order_id=order.pk,
            provider=intent.provider,
            amount=str(intent.amount),
            currency=intent.currency,
            order_amount=str(intent.order_amount),
            provider_payment_id=intent.provider_payment_id,
            method_label=intent.method_label,
            source=source,
        ),
        subject=intent,
    )
    # The order moves in this same transaction: a capture and its order never diverge.
    order_services.mark_paid(order_id=order.pk, amount=intent.order_amount)
    if result.stored_token and intent.register_method:
        from payments.services.brandpay import save_method  # brand pay builds on this module

        save_method(intent=intent, token=result.stored_token, label=result.stored_label)


def refuse(
    intent: PaymentIntent, result: PaymentResult, reason: str, problem: dict, *, source: str
) -> None:
    """The provider took money we will not keep: record why, and cancel it next."""
    note(
        intent, PaymentEvent.Kind.CHARGE, source, amount=result.amount or intent.amount, note=reason
    )
    note(intent, PaymentEvent.Kind.MISMATCH, source, note=reason, response=problem)
    move(
        intent,
        IntentStatus.VOIDING,
        source=source,
        provider_payment_id=result.provider_payment_id[:100] or intent.provider_payment_id,
        capture_id=result.capture_id[:100],
        failure_code=reason,
        # What the cancel needs to name the payment (KakaoPay: the CID that charged it).
        provider_data={**intent.provider_data, **dict(result.data)},
    )
    publish(
        PaymentRefused(
            intent_id=intent.pk,
            order_id=intent.order_id,
            provider=intent.provider,
            reason=reason,
            expected=problem.get("expected", {}),
            reported=problem.get("reported", {}),
        ),
        subject=intent,
    )
    alerts.error(
        "Payment %s refused (%s): expected %s, provider reported %s; cancelling at %s",
        intent.public_id,
        reason,
        problem.get("expected"),
        problem.get("reported"),
        intent.provider,
        extra={"alert_group": f"payments.refused.{reason}"},
    )


def refuse_foreign(intent: PaymentIntent, problem: dict, *, source: str) -> None:
    note(intent, PaymentEvent.Kind.MISMATCH, source, note="reference_mismatch", response=problem)
    move(intent, IntentStatus.FAILED, source=source, failure_code="reference_mismatch")
    publish(
        PaymentRefused(
            intent_id=intent.pk,
            order_id=intent.order_id,
            provider=intent.provider,
            reason="reference_mismatch",
            expected=problem["expected"],
            reported=problem["reported"],
        ),
        subject=intent,
    )
    alerts.error(
        "Payment %s: the provider answered for another payment (%s); refused",
        intent.public_id,
        problem["reported"],
        extra={"alert_group": "payments.refused.reference_mismatch"},
    )


def void(intent_id: int, *, source: str) -> PaymentIntent:
    """Cancel at the provider everything a refused payment took (망취소); retried by
    reconciliation until the provider confirms."""
    intent = PaymentIntent.objects.get(pk=intent_id)
    if intent.status != IntentStatus.VOIDING:
        return intent
    taken = intent.ledger_total(PaymentEvent.Kind.CHARGE) - refunded(intent)
    request = RefundRequest(
        payment=ref_of(intent),
        amount=taken,
        tax_free_amount=min(intent.tax_free_amount, taken),
        vat_amount=Decimal(0) if intent.currency != "KRW" else max(intent.vat_amount, Decimal(0)),
        remaining_before=taken,
        idempotency_key=f"void-{intent.public_id}",
        reason=_("Payment refused by the shop"),
    )
    log = CallLog()
    try:
        answer = get_provider(intent.provider).refund(request, record=log)
    except (ProviderError, ProviderOutcomeUnknownError) as failure:
        with transaction.atomic():
            intent = lock(intent.pk)
            log.write(intent, source)
        alerts.error(
            "Cancelling refused payment %s at %s failed (%s); reconciliation will retry",
            intent.public_id,
            intent.provider,
            failure,
            extra={"alert_group": "payments.void_failed"},
        )
        return intent
    with transaction.atomic():
        intent = lock(intent.pk)
        log.write(intent, source)
        if intent.status != IntentStatus.VOIDING:
            return intent
        note(
            intent,
            PaymentEvent.Kind.REFUND,
            source,
            amount=answer.amount,
            idempotency_key=request.idempotency_key,
            note=answer.refund_reference[:255],
        )
        move(intent, IntentStatus.REFUNDED, source=source)
        publish(
            PaymentRefunded(
                intent_id=intent.pk,
                order_id=intent.order_id,
                provider=intent.provider,
                amount=str(answer.amount),
                currency=intent.currency,
                remaining=str(answer.remaining),
            ),
            subject=intent,
        )
    return intent


def buyer_left(*, public_id: Any, params: Mapping[str, str], failed: bool) -> PaymentIntent:
    """The buyer cancelled at the provider's page, or it failed there: end the attempt."""
    intent = intent_by_reference(public_id)
    kept = {name: str(params[name])[:200] for name in RETURN_PARAMS if name in params}
    with transaction.atomic():
        intent = lock(intent.pk)
        note(
            intent,
            PaymentEvent.Kind.REDIRECT,
            PaymentEvent.Source.REDIRECT,
            request=kept,
            note="fail" if failed else "cancel",
        )
    if intent.status != IntentStatus.PENDING_ACTION:
        return intent
    status = IntentStatus.FAILED if failed else IntentStatus.CANCELLED
    code = kept.get("resultCode", "") or ("failed" if failed else "cancelled")
    return fail(
        intent,
        CallLog(),
        code,
        kept.get("resultMessage", ""),
        source=PaymentEvent.Source.REDIRECT,
        status=status,
    )
