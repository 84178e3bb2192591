"""Brand pay: a member's saved payment method (a provider's reusable token), used in one click.

The token (KakaoPay SID, NaverPay recurrentId) is encrypted at rest (``payments.crypto``)
and only its masked label is ever shown, logged or put in an event; the ledger redacts it
(``payments.providers.http.SECRET_NAMES``) and the removal task gets the method's id.

A member saves a method from my page (``start_registration``: a zero-amount intent of
flow ``register`` that goes through the provider's registration and comes back to the
same return URL as a payment; ``complete_registration`` ends it ``registered``), or while
paying ("save this method": the payment's result carries the token).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from payments import crypto
from payments.events import PaymentFailed, PaymentMethodRemoved, PaymentMethodSaved
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import (
    CAPTURED,
    IntentStatus,
    PaymentEvent,
    PaymentIntent,
    StoredPaymentMethod,
)
from payments.providers.base import (
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    StoredMethod,
)
from payments.providers.registry import get_provider, provider_codes
from payments.services.confirm import (
    disagreement,
    fail,
    outcome_unknown,
    refuse,
    refuse_foreign,
    settle,
)
from payments.services.intents import (
    Started,
    absolute,
    create_intent,
    request_of,
    send_to_provider,
)
from payments.services.ledger import CallLog, alerts, buyer_key_for, lock, move
from shop.events import AdminObjectChanged, publish
from shop.exceptions import NotFoundError
from shop.money import format_krw

# How long the member has to finish a registration at the provider.
REGISTRATION_MINUTES = 30


class ReauthenticationRequiredError(PaymentError):
    """One click is refused for this amount: the buyer pays on ``provider_code``'s page."""

    def __init__(self, message: str, *, provider_code: str) -> None:
        super().__init__(PaymentErrorCode.INVALID_METHOD, message, status_code=409)
        self.provider_code = provider_code


def _member(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# --- Saving a method ---------------------------------------------------------------------------


def registrable_providers() -> list[tuple[str, str]]:
    """The providers a member can save a method with, as ``(code, label)``."""
    found = []
    for code in provider_codes():
        provider = get_provider(code)
        if provider.supports_stored_methods:
            found.append((code, str(provider.label)))
    return found


def registration_request(intent: PaymentIntent) -> PaymentRequest:
    """What the provider is asked for a registration: zero won, a token to keep."""
    return PaymentRequest(
        merchant_reference=str(intent.public_id),
        order_number=f"REG-{intent.public_id.hex[:16]}",
        buyer_key=intent.buyer_key,
        item_name=str(_("One-click payment registration"))[:100],
        quantity=1,
        amount=Decimal(0),
        tax_free_amount=Decimal(0),
        vat_amount=Decimal(0),
        currency=intent.currency,
        return_url=absolute("payments:return", intent),
        cancel_url=absolute("payments:cancel", intent),
        fail_url=absolute("payments:fail", intent),
        register_method=True,
    )


def start_registration(*, user: Any, provider_code: str) -> Started:
    """Begin saving a method with a provider from my page; return where the member goes.

    The provider's registration (KakaoPay: a zero-amount ready with the subscription
    CID; NaverPay: a recurrent registration) sends the member back to ``payments:return``,
    where ``confirm_payment`` settles it like a payment, exactly once.
    """
    if not _member(user):
        raise NotFoundError()
    provider = get_provider(provider_code)  # an unknown provider is not found
    if not provider.supports_stored_methods:
        raise PaymentError(
            PaymentErrorCode.INVALID_METHOD,
            _("%(provider)s cannot be saved for one-click payment.") % {"provider": provider.label},
            fields={"provider": [_("Choose KakaoPay or NaverPay.")]},
        )
    intent = PaymentIntent.objects.create(
        order=None,
        user=user,
        provider=provider.code,
        flow=PaymentIntent.Flow.REGISTER,
        currency=provider.currency,
        buyer_key=buyer_key_for(user, ""),
        register_method=True,
        expires_at=timezone.now() + timedelta(minutes=REGISTRATION_MINUTES),
    )
    return send_to_provider(
        intent,
        provider,
        registration_request(intent),
        unavailable=_("%(provider)s did not answer. Please try again later."),
    )


def complete_registration(intent: PaymentIntent, result: PaymentResult, *, source: str) -> str:
    """Settle a registration the provider reports done (called by ``settle``, locked).

    Saves the method and ends the intent ``registered``; returns a reason to void when
    the provider took money for it (then nothing is saved), else "".
    """
    reported = result if result.amount is not None else replace(result, amount=Decimal(0))
    problem = disagreement(intent, reported)
    if problem and problem["reported"]["reference"] != problem["expected"]["reference"]:
        refuse_foreign(intent, problem, source=source)  # another registration's answer
        return ""
    if problem:
        refuse(intent, reported, "amount_mismatch", problem, source=source)
        return "amount_mismatch"
    method = save_method(intent=intent, token=result.stored_token, label=result.stored_label)
    if method is None:
        code = "no_method_token" if not result.stored_token else "no_member"
        move(intent, IntentStatus.FAILED, source=source, failure_code=code)
        publish(
            PaymentFailed(
                intent_id=intent.pk,
                order_id=intent.order_id,
                provider=intent.provider,
                status=IntentStatus.FAILED,
                code=code,
            ),
            subject=intent,
        )
        alerts.error(
            "Brand-pay registration %s at %s ended without a saved method (%s)",
            intent.public_id,
            intent.provider,
            code,
            extra={"alert_group": "payments.registration_unsaved"},
        )
        return ""
    move(
        intent,
        IntentStatus.REGISTERED,
        source=source,
        provider_payment_id=result.provider_payment_id[:100] or intent.provider_payment_id,
        capture_id=result.capture_id[:100],
        method_label=method.label,
        stored_method=method,
        provider_data={**intent.provider_data, **dict(result.data)},
    )
    return ""


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
    if not _member(user) or not str(method_id).isdigit():
        raise NotFoundError()
    method = StoredPaymentMethod.objects.filter(
        pk=int(method_id), user=user, status=StoredPaymentMethod.Status.ACTIVE
    ).first()
    if method is None:
        raise NotFoundError()
    return method


def stored_of(method: StoredPaymentMethod) -> StoredMethod:
    """The method as the provider needs it, the token decrypted (``ValueError`` if no key
    opens it). Keep the result local: never log, store or hand it to a task."""
    return StoredMethod(
        token=crypto.decrypt(method.token_ciphertext),
        label=method.label,
        buyer_key=method.buyer_key,
    )


def pay_with_saved_method(*, order_id: int, method_id: Any, user: Any) -> PaymentIntent:
    """Charge the member's order to their saved method in one click, server to server.

    Another member's method (or order) is not found, and nothing is charged. Above
    ``PAYMENTS_BRANDPAY_REAUTH_ABOVE`` the one click is refused
    (``ReauthenticationRequiredError``) so that the buyer pays through the provider's own page
    (its password) instead.
    """
    method = owned_method(user=user, method_id=method_id)
    provider = get_provider(method.provider)
    order = Order.objects.filter(pk=order_id, user=user).first()
    if order is None:
        raise NotFoundError()
    if order.total_amount > settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE:
        raise ReauthenticationRequiredError(
            _(
                "One-click payment goes up to %(amount)s. Confirm this payment on "
                "%(provider)s's page instead."
            )
            % {
                "amount": format_krw(settings.PAYMENTS_BRANDPAY_REAUTH_ABOVE),
                "provider": provider.label,
            },
            provider_code=provider.code,
        )
    try:
        stored = stored_of(method)
    except ValueError as unreadable:
        alerts.error(
            "Saved method %s cannot be decrypted with PAYMENTS_TOKEN_KEY",
            method.pk,
            extra={"alert_group": "payments.token_unreadable"},
        )
        raise PaymentError(
            PaymentErrorCode.INVALID_METHOD,
            _("This saved method cannot be used now. Please choose another way to pay."),
        ) from unreadable
    with transaction.atomic():
        # One charge per order at a time: a double click, a second tab or a retry waits
        # on the order's row, then finds the first click's attempt instead of charging again.
        Order.objects.select_for_update().filter(pk=order_id).first()
        charging = charge_under_way(order_id)
        if charging is not None:
            return charging
        intent = create_intent(
            order_id=order_id,
            provider=provider,
            user=user,
            flow=PaymentIntent.Flow.STORED,
            stored_method=method,
            buyer_key=method.buyer_key,
        )
        intent = lock(intent.pk)
        move(intent, IntentStatus.AUTHORIZING, source=PaymentEvent.Source.CHECKOUT)
        StoredPaymentMethod.objects.filter(pk=method.pk).update(last_used_at=timezone.now())
    log = CallLog()
    try:
        result = provider.charge_stored(stored, request_of(intent, intent.order), record=log)
    except ProviderError as refused:
        return fail(intent, log, refused.code, refused.message, source=PaymentEvent.Source.CHECKOUT)
    except ProviderOutcomeUnknownError as unknown:
        return outcome_unknown(intent, log, str(unknown), source=PaymentEvent.Source.CHECKOUT)
    return settle(intent.pk, result, log, source=PaymentEvent.Source.CHECKOUT)


def charge_under_way(order_id: int) -> PaymentIntent | None:
    """The order's attempt being charged or settled now, or that paid it, if any."""
    return (
        PaymentIntent.objects.filter(
            order_id=order_id,
            status__in=[IntentStatus.AUTHORIZING, IntentStatus.UNKNOWN, *CAPTURED],
        )
        .order_by("-pk")
        .first()
    )


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


def remove_method_by_staff(*, method_id: Any) -> StoredPaymentMethod:
    """Staff remove a member's saved method (the member asked by phone, a card was lost).

    Gone from checkout at once and deactivated at the provider by the same retried task
    as the member's own removal; recorded in the audit log as the staff member's change.
    A method still being removed (the provider never answered) is queued again.
    """
    if not str(method_id).isdigit():
        raise NotFoundError()
    with transaction.atomic():
        method = StoredPaymentMethod.objects.select_for_update().filter(pk=int(method_id)).first()
        if method is None:
            raise NotFoundError()
        if method.status == StoredPaymentMethod.Status.INACTIVE:
            raise PaymentError(
                PaymentErrorCode.INVALID_METHOD,
                _("This saved method is removed already."),
                status_code=409,
            )
        before = method.status
        method.status = StoredPaymentMethod.Status.DEACTIVATING
        method.save(update_fields=["status", "updated_at"])
        publish(
            AdminObjectChanged(
                model=method._meta.label,
                object_id=str(method.pk),
                object_repr=method.label[:200],
                changes={"status": [before, method.status]},
            ),
            subject=method,
        )
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
    log = CallLog()
    get_provider(method.provider).deactivate_stored(stored_of(method), record=log)  # raises: retry
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


def reencrypt_saved_methods() -> tuple[int, int]:
    """Write every saved token again with the newest PAYMENTS_TOKEN_KEY; return (done, unreadable).

    After this the older keys can leave PAYMENTS_TOKEN_KEY (docs/operations.md). A row
    saved again meanwhile keeps its new ciphertext: the write is conditional on the old.
    """
    done = unreadable = 0
    rows = StoredPaymentMethod.objects.values_list("pk", "token_ciphertext")
    for pk, ciphertext in rows.iterator():
        try:
            renewed = crypto.reencrypt(ciphertext)
        except ValueError:
            unreadable += 1  # no listed key opens it: the key that did was dropped already
            continue
        done += StoredPaymentMethod.objects.filter(pk=pk, token_ciphertext=ciphertext).update(
            token_ciphertext=renewed
        )
    return done, unreadable
