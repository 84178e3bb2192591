"""Brand pay: a member's saved payment method (a provider's reusable token), used in one click.

The token (KakaoPay SID, NaverPay recurrentId) is encrypted at rest (``payments.crypto``)
and only its masked label is ever shown, logged or put in an event.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from payments import crypto
from payments.events import PaymentMethodRemoved, PaymentMethodSaved
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import IntentStatus, PaymentEvent, PaymentIntent, StoredPaymentMethod
from payments.providers.base import ProviderError, ProviderOutcomeUnknownError, StoredMethod
from payments.providers.registry import get_provider
from payments.services.confirm import fail, outcome_unknown, settle
from payments.services.intents import create_intent, request_of
from payments.services.ledger import CallLog, lock, move
from shop.events import publish
from shop.exceptions import NotFoundError
from shop.money import format_krw


def save_method(*, intent: PaymentIntent, token: str, label: str) -> StoredPaymentMethod | None:
    """Keep the token a payment (or a registration) issued, for the intent's member.

    Call it inside the transaction that settles the intent. Guests have nowhere to keep
    a method: nothing is saved for them.
    """
    user_id = intent.user_id or (intent.order.user_id if intent.order_id else None)
    if not user_id or not token:
        return None
    method = StoredPaymentMethod.objects.create(
        user_id=user_id,
        provider=intent.provider,
        token_ciphertext=crypto.encrypt(token),
        label=(label or _("%(provider)s saved method") % {"provider": intent.provider})[:100],
        buyer_key=intent.buyer_key,
    )
    publish(
        PaymentMethodSaved(
            method_id=method.pk, user_id=user_id, provider=method.provider, label=method.label
        ),
        subject=method,
    )
    return method


def owned_method(*, user: Any, method_id: Any) -> StoredPaymentMethod:
    """The member's own active saved method; anyone else's is "not found"."""
    if user is None or not getattr(user, "is_authenticated", False) or not str(method_id).isdigit():
        raise NotFoundError()
    method = StoredPaymentMethod.objects.filter(
        pk=int(method_id), user=user, status=StoredPaymentMethod.Status.ACTIVE
    ).first()
    if method is None:
        raise NotFoundError()
    return method


def pay_with_saved_method(*, order_id: int, method_id: Any, user: Any) -> PaymentIntent:
    """Charge the order to a saved method in one click, server to server.

    Above ``PAYMENTS_BRANDPAY_REAUTH_ABOVE`` the one click is refused so that the buyer
    pays through the provider's own page (its password) instead.
    """
    method = owned_method(user=user, method_id=method_id)
    provider = get_provider(method.provider)
    order = Order.objects.filter(pk=order_id).first()
    if order is not None and order.total_amount > settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE:
        raise PaymentError(
            PaymentErrorCode.INVALID_METHOD,
            _("Above %(amount)s, please confirm the payment with %(provider)s's password.")
            % {
                "amount": format_krw(settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE),
                "provider": provider.label,
            },
        )
    intent = create_intent(
        order_id=order_id,
        provider=provider,
        user=user,
        flow=PaymentIntent.Flow.STORED,
        stored_method=method,
        buyer_key=method.buyer_key,
    )
    with transaction.atomic():
        intent = lock(intent.pk)
        move(intent, IntentStatus.AUTHORIZING, source=PaymentEvent.Source.CHECKOUT)
        StoredPaymentMethod.objects.filter(pk=method.pk).update(last_used_at=timezone.now())
    stored = StoredMethod(
        token=crypto.decrypt(method.token_ciphertext),
        label=method.label,
        buyer_key=method.buyer_key,
    )
    log = CallLog()
    try:
        result = provider.charge_stored(stored, request_of(intent, intent.order), record=log)
    except ProviderError as refused:
        return fail(intent, log, refused.code, refused.message, source=PaymentEvent.Source.CHECKOUT)
    except ProviderOutcomeUnknownError as unknown:
        return outcome_unknown(intent, log, str(unknown), source=PaymentEvent.Source.CHECKOUT)
    return settle(intent.pk, result, log, source=PaymentEvent.Source.CHECKOUT)


def remove_method(*, user: Any, method_id: Any) -> StoredPaymentMethod:
    """The member removes a saved method: gone from checkout at once, deactivated at the
    provider now or, if the provider does not answer, by a retried task."""
    method = owned_method(user=user, method_id=method_id)
    with transaction.atomic():
        method = StoredPaymentMethod.objects.select_for_update().get(pk=method.pk)
        method.status = StoredPaymentMethod.Status.DEACTIVATING
        method.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: _queue_deactivation(method.pk))
    return method


def _queue_deactivation(method_id: int) -> None:
    from payments.tasks import deactivate_method  # tasks import the services

    deactivate_method.delay(method_id)


def deactivate_at_provider(*, method_id: int) -> bool:
    """Tell the provider to forget a removed method; return whether it did.

    Raises what the provider raised when it could not be reached, so the task retries.
    """
    method = StoredPaymentMethod.objects.filter(
        pk=method_id, status=StoredPaymentMethod.Status.DEACTIVATING
    ).first()
    if method is None:
        return False
    stored = StoredMethod(
        token=crypto.decrypt(method.token_ciphertext),
        label=method.label,
        buyer_key=method.buyer_key,
    )
    log = CallLog()
    get_provider(method.provider).deactivate_stored(stored, record=log)  # raises to retry
    with transaction.atomic():
        method = StoredPaymentMethod.objects.select_for_update().get(pk=method.pk)
        method.status = StoredPaymentMethod.Status.INACTIVE
        method.deactivated_at = timezone.now()
        method.save(update_fields=["status", "deactivated_at", "updated_at"])
        publish(
            PaymentMethodRemoved(
                method_id=method.pk,
                user_id=method.user_id,
                provider=method.provider,
                deactivated_at_provider=True,
            ),
            subject=method,
        )
    return True


def active_methods(*, user: Any) -> list[StoredPaymentMethod]:
    return list(
        StoredPaymentMethod.objects.filter(
            user=user,
            status__in=[StoredPaymentMethod.Status.ACTIVE, StoredPaymentMethod.Status.DEACTIVATING],
        ).order_by("-created_at", "-pk")
    )
