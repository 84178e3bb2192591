"""Events of payments: every change of a payment that matters, each an audit entry.

Money travels as text; ``currency`` says which (KRW whole won, USD dollars and cents).
Secrets (tokens, pg_token, keys) never appear in an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class PaymentStarted(Event):
    """A payment attempt began: the buyer is sent to the provider (or charged by a saved method)."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    amount: str
    currency: str
    order_amount: str
    fx_rate: str = ""


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(Event):
    """The provider captured the money and it matched the order: the order is paid."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    amount: str
    currency: str
    order_amount: str
    provider_payment_id: str
    method_label: str
    source: str  # redirect, webhook, reconcile, checkout (a saved method)


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(Event):
    """The attempt ended without money: declined, cancelled by the buyer, expired."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    status: str
    code: str = ""
    message: str = ""


@dataclass(frozen=True, kw_only=True)
class PaymentOutcomeUnknown(Event):
    """The provider did not answer after we asked it to move money: reconciliation follows."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    operation: str


@dataclass(frozen=True, kw_only=True)
class PaymentRefused(Event):
    """A security event: the provider's answer disagreed with the order (amount, currency,
    reference) or came for an order that can no longer be paid, so the payment is
    cancelled at the provider (망취소) and the order is not marked paid."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    reason: str
    expected: dict
    reported: dict


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(Event):
    """Money went back to the buyer at the provider (a refund, or a 망취소)."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    amount: str
    currency: str
    remaining: str
    order_refund_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class RefundFailed(Event):
    """The provider refused a refund; staff must look (an alert is sent)."""

    subject_model = "payments.PaymentIntent"
    subject_field = "intent_id"

    intent_id: int
    order_id: int
    provider: str
    amount: str
    code: str
    message: str
    order_refund_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentMethodSaved(Event):
    """A member saved a brand-pay method (only its masked label is recorded)."""

    subject_model = "payments.StoredPaymentMethod"
    subject_field = "method_id"

    method_id: int
    user_id: int
    provider: str
    label: str


@dataclass(frozen=True, kw_only=True)
class PaymentMethodRemoved(Event):
    """A member removed a saved method; it is deactivated at the provider too."""

    subject_model = "payments.StoredPaymentMethod"
    subject_field = "method_id"

    method_id: int
    user_id: int
    provider: str
    deactivated_at_provider: bool
