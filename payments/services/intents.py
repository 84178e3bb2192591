"""Starting a payment: an intent with the amounts of the order, then the provider's page.

The amounts come from the order the server placed; the browser only chose the provider.
The provider is called outside any transaction (its answer may take seconds), between
two short ones: one that creates the intent, one that records what the provider said.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from orders import payment_methods
from orders.models import Order
from payments.events import PaymentFailed, PaymentStarted
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import CAPTURED, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import (
    NextAction,
    PaymentProvider,
    PaymentRequest,
    ProviderError,
    ProviderOutcomeUnknownError,
)
from payments.providers.registry import get_provider
from payments.services import breaker
from payments.services.ledger import CallLog, buyer_key_for, move
from shop.events import publish
from shop.money import quantize, vat_included


@dataclass(frozen=True)
class Started:
    intent: PaymentIntent
    next_action: NextAction


def absolute(name: str, intent: PaymentIntent) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[intent.public_id])


def item_name(order: Order) -> str:
    """ "첫 상품 외 2건": the first line's name and how many more, as Korean shops show it."""
    lines = list(order.lines.all()[:2])
    first = lines[0].product_name if lines else order.number
    others = order.lines.count() - 1
    name = (
        _("%(first)s and %(count)d more") % {"first": first, "count": others}
        if others > 0
        else first
    )
    return name[:100]


def payable_order(order_id: int) -> Order:
    """Lock the order; refuse one that is not awaiting payment (paid, cancelled, expired)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise PaymentError(
            PaymentErrorCode.NOT_PAYABLE, _("This order cannot be paid."), status_code=404
        )
    expired = order.payment_expires_at is not None and order.payment_expires_at <= timezone.now()
    if order.status != Order.Status.PENDING_PAYMENT or expired:
        raise PaymentError(
            PaymentErrorCode.NOT_PAYABLE,
            _("This order is no longer waiting for payment."),
            status_code=409,
        )
    if PaymentIntent.objects.filter(order=order, status__in=CAPTURED).exists():
        raise PaymentError(
            PaymentErrorCode.NOT_PAYABLE, _("This order is paid already."), status_code=409
        )
    return order


def offered_for(order: Order, provider: PaymentProvider) -> None:
    """Refuse a provider checkout does not offer where the order ships (PayPal is for
    orders abroad, the Korean methods for Korea): the buyer may switch methods after
    placing, so the start checks it again."""
    option = payment_methods.get_option(provider.code)
    if option is not None and not option.available(order.country):
        raise PaymentError(
            PaymentErrorCode.INVALID_METHOD,
            _("%(provider)s is not offered for orders shipped to %(country)s.")
            % {"provider": provider.label, "country": countries.name(order.country)},
            status_code=409,
        )


def amounts_for(order: Order, provider: PaymentProvider) -> dict[str, Any]:
    """The intent's amounts: the order's, converted at a rate fixed now for PayPal."""
    if provider.currency == "KRW":
        return {
            "currency": "KRW",
            "amount": order.total_amount,
            "tax_free_amount": order.tax_free_amount,
            "vat_amount": order.vat_amount,
        }
    from payments import fx  # only providers charging in another currency need a rate

    quote = fx.rate_for(provider.currency)
    return {
        "currency": provider.currency,
        "amount": fx.convert(order.total_amount, quote),
        "tax_free_amount": Decimal(0),
        "vat_amount": Decimal(0),
        "fx_rate": quote.rate,
        "fx_source": quote.source[:200],
        "fx_at": quote.at,
    }


def request_of(intent: PaymentIntent, order: Order) -> PaymentRequest:
    return PaymentRequest(
        merchant_reference=str(intent.public_id),
        order_number=order.number,
        buyer_key=intent.buyer_key,
        item_name=item_name(order),
        quantity=max(sum(line.quantity for line in order.lines.all()), 1),
        amount=intent.amount,
        tax_free_amount=intent.tax_free_amount,
        vat_amount=intent.vat_amount,
        currency=intent.currency,
        return_url=absolute("payments:return", intent),
        cancel_url=absolute("payments:cancel", intent),
        fail_url=absolute("payments:fail", intent),
        register_method=intent.register_method,
    )


def create_intent(
    *,
    order_id: int,
    provider: PaymentProvider,
    user: Any,
    register_method: bool = False,
    **extra: Any,
) -> PaymentIntent:
    """Create the intent of one attempt, in its own transaction, with the order locked."""
    with transaction.atomic():
        order = payable_order(order_id)
        offered_for(order, provider)
        try:
            amounts = amounts_for(order, provider)
        except ProviderError as refused:
            raise PaymentError(
                PaymentErrorCode.PROVIDER_UNAVAILABLE,
                _("%(provider)s cannot take this payment now. Choose another method.")
                % {"provider": provider.label},
                status_code=503,
            ) from refused
        intent = PaymentIntent.objects.create(
            order=order,
            provider=provider.code,
            order_amount=order.total_amount,
            buyer_key=extra.pop("buyer_key", "") or buyer_key_for(user, order.number),
            register_method=register_method,
            expires_at=order.payment_expires_at,
            **amounts,
            **extra,
        )
        publish(
            PaymentStarted(
                intent_id=intent.pk,
                order_id=order.pk,
                provider=provider.code,
                amount=str(intent.amount),
                currency=intent.currency,
                order_amount=str(order.total_amount),
                fx_rate=str(intent.fx_rate or ""),
            ),
            subject=intent,
        )
    return intent


def start_payment(
    *, order_id: int, provider_code: str, user: Any = None, register_method: bool = False
) -> Started:
    """Begin paying ``order_id`` with a provider; return where to send the buyer."""
    provider = get_provider(provider_code)
    if register_method and not provider.supports_stored_methods:
        register_method = False
    intent = create_intent(
        order_id=order_id, provider=provider, user=user, register_method=register_method
    )
    return send_to_provider(
        intent,
        provider,
        request_of(intent, intent.order),
        unavailable=_("%(provider)s did not answer. Please try again, or choose another method."),
    )


def send_to_provider(
    intent: PaymentIntent, provider: PaymentProvider, request: PaymentRequest, *, unavailable: str
) -> Started:
    """Ask the provider where the buyer goes, and record it; ``unavailable`` is the
    message (with ``%(provider)s``) if the provider does not answer."""
    log = CallLog()
    refusal = PaymentError(
        PaymentErrorCode.PROVIDER_UNAVAILABLE,
        unavailable % {"provider": provider.label},
        status_code=503,
    )
    if breaker.is_open(provider.code):
        # It kept failing just now: the buyer is told at once instead of after a timeout.
        end_attempt(intent, log, code="circuit_open", message="not called: the breaker is open")
        raise refusal
    try:
        next_action = provider.begin(request, record=log)
    except (ProviderError, ProviderOutcomeUnknownError) as failure:
        # Nothing can be charged before the buyer approves at the provider, and the buyer
        # never got its page: this attempt failed, whatever the provider did with it.
        if getattr(failure, "retryable", True):  # a refusal of this request is no outage
            breaker.record_failure(provider.code)
        end_attempt(intent, log, code=getattr(failure, "code", "no_answer"), message=str(failure))
        raise refusal from failure
    breaker.record_success(provider.code)
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        log.write(intent, PaymentEvent.Source.CHECKOUT)
        move(
            intent,
            IntentStatus.PENDING_ACTION,
            source=PaymentEvent.Source.CHECKOUT,
            provider_payment_id=next_action.provider_payment_id[:100],
            # What the provider needs to hear again later (KakaoPay: the CID it used).
            provider_data={**intent.provider_data, **dict(next_action.params)},
        )
    return Started(intent=intent, next_action=next_action)


def end_attempt(intent: PaymentIntent, log: CallLog, *, code: str, message: str) -> None:
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent.pk)
        log.write(intent, PaymentEvent.Source.CHECKOUT)
        move(
            intent,
            IntentStatus.FAILED,
            source=PaymentEvent.Source.CHECKOUT,
            failure_code=str(code)[:64],
            failure_message=str(message)[:255],
        )
        publish(
            PaymentFailed(
                intent_id=intent.pk,
                order_id=intent.order_id,
                provider=intent.provider,
                status=IntentStatus.FAILED,
                code=str(code)[:64],
                message=str(message)[:255],
            ),
            subject=intent,
        )


def vat_of(amount: Decimal, tax_free: Decimal, currency: str) -> Decimal:
    """VAT inside a KRW amount; other currencies carry none to the provider."""
    return vat_included(amount, tax_free=tax_free) if currency == "KRW" else quantize(0, currency)
