"""The one interface every payment provider speaks, in plain dataclasses (never ORM rows).

The services (``payments.services``) own the state machine, the ledger and the
exactly-once rules; a provider only turns these requests into its HTTP calls and its
answers back into these results. Amounts are ``Decimal`` in the intent's currency (whole
won for KRW, dollars and cents for USD), never floats.

Outcomes of a call:

* a result dataclass: the provider answered, whatever it said (``status`` tells);
* ``ProviderError``: the provider refused with a documented error (decline, bad
  request, amount guard); nothing happened there;
* ``ProviderOutcomeUnknownError``: the call may or may not have been processed (timeout
  after sending, 5xx, connection dropped mid-response). The intent then goes to
  ``unknown`` and reconciliation asks the provider later; never retry blindly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class ResultStatus(StrEnum):
    """What the provider says a payment is, mapped from its own status words."""

    PENDING = "pending"  # created, the buyer has not finished (READY, PAYER_ACTION_REQUIRED)
    AUTHENTICATED = "authenticated"  # the buyer approved; our approve/capture call is due
    PAID = "paid"  # money captured
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"  # fully cancelled after payment
    CANCELLED = "cancelled"  # the buyer quit, or it lapsed unpaid
    FAILED = "failed"  # declined, authentication failed


@dataclass(frozen=True)
class Exchange:
    """One HTTP call as the ledger records it; secrets are redacted by the client."""

    operation: str  # "ready", "approve", "order", "cancel", "oauth", ...
    method: str
    url: str
    request: Mapping[str, Any]
    status_code: int | None  # None: no answer (timeout, connection error)
    response: Mapping[str, Any]
    duration_ms: int
    error: str = ""


@dataclass(frozen=True)
class PaymentRequest:
    """What ``begin`` (and a stored-method charge) needs to ask for a payment.

    ``merchant_reference`` is the intent's public id: it goes to the provider as the
    order key (partner_order_id, merchantPayKey, custom_id) and must come back unchanged.
    ``buyer_key`` identifies the buyer to the provider without personal data.
    """

    merchant_reference: str
    order_number: str
    buyer_key: str
    item_name: str
    quantity: int
    amount: Decimal
    tax_free_amount: Decimal
    vat_amount: Decimal
    currency: str
    return_url: str
    cancel_url: str
    fail_url: str
    locale: str = "ko"
    register_method: bool = False  # brand pay: also issue a reusable token (SID, recurrentId)


@dataclass(frozen=True)
class NextAction:
    """Where the buyer goes next: a redirect, or an SDK/form the page opens with ``params``."""

    kind: str  # "redirect" | "sdk"
    url: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    provider_payment_id: str = ""  # tid, PayPal order id; NaverPay's arrives on return


@dataclass(frozen=True)
class PaymentRef:
    """A payment the provider already knows, as the services stored it."""

    merchant_reference: str
    provider_payment_id: str
    buyer_key: str
    amount: Decimal
    tax_free_amount: Decimal
    currency: str
    capture_id: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)  # provider_data kept on the intent


@dataclass(frozen=True)
class PaymentResult:
    """The provider's view of a payment, normalised. The services compare ``amount``,
    ``currency`` and ``merchant_reference`` with the intent before believing ``PAID``."""

    status: ResultStatus
    provider_payment_id: str
    merchant_reference: str = ""
    amount: Decimal | None = None  # what was charged (for PAID), in ``currency``
    tax_free_amount: Decimal | None = None
    currency: str = ""
    capture_id: str = ""
    refunded_amount: Decimal = Decimal(0)
    method_label: str = ""  # what the buyer paid with, masked: "카카오페이 머니", "신한 5310****"
    # A reusable token issued with this payment (brand pay); never in a repr or a log.
    stored_token: str = field(default="", repr=False)
    stored_label: str = ""  # its masked label
    paid_at: str = ""  # ISO 8601 as the provider said it
    data: Mapping[str, Any] = field(default_factory=dict)  # what to keep on the intent


@dataclass(frozen=True)
class RefundRequest:
    """Give back ``amount`` of a paid payment; ``remaining_before`` is the guard."""

    payment: PaymentRef
    amount: Decimal
    tax_free_amount: Decimal
    vat_amount: Decimal
    remaining_before: Decimal  # what could still be refunded before this one
    idempotency_key: str
    reason: str = ""


@dataclass(frozen=True)
class RefundResult:
    refund_reference: str  # aid, payHistId, PayPal refund id
    amount: Decimal
    remaining: Decimal  # what is left to refund after this one, as the provider says
    status: str = "completed"  # "completed" | "pending"
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WebhookNotice:
    """A verified notification: which payment it is about. The services then ask the
    provider (``status``) rather than trusting the body."""

    event_id: str
    event_type: str
    provider_payment_id: str = ""
    merchant_reference: str = ""


@dataclass(frozen=True)
class StoredMethod:
    """A reusable token (KakaoPay SID, NaverPay recurrentId) and its masked label."""

    token: str = field(repr=False)
    label: str
    buyer_key: str


class ProviderError(Exception):
    """The provider refused, with its own code; nothing was done at the provider."""

    def __init__(self, code: str, message: str = "", *, retryable: bool = False) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.retryable = retryable


class ProviderOutcomeUnknownError(Exception):
    """The call may have been processed: reconcile before doing anything else."""


class Recorder(Protocol):
    def __call__(self, exchange: Exchange) -> None: ...


@runtime_checkable
class PaymentProvider(Protocol):
    """A payment provider's client. Every method records its HTTP calls with ``record``."""

    code: str
    label: str
    currency: str  # the currency it charges in ("KRW"; "USD" for PayPal)
    supports_stored_methods: bool

    def begin(self, request: PaymentRequest, *, record: Recorder) -> NextAction: ...

    def confirm(
        self, payment: PaymentRef, params: Mapping[str, str], *, record: Recorder
    ) -> PaymentResult:
        """Approve/capture after the buyer came back with ``params`` (pg_token, paymentId,
        PayPal token). Idempotent at the provider where it has a key for it."""

    def status(self, payment: PaymentRef, *, record: Recorder) -> PaymentResult:
        """Ask the provider where the payment stands (reconciliation)."""

    def refund(self, refund: RefundRequest, *, record: Recorder) -> RefundResult: ...

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, record: Recorder
    ) -> list[WebhookNotice]:
        """Verify and read a notification; raise ``ProviderError("bad_signature")``."""

    def charge_stored(
        self, method: StoredMethod, request: PaymentRequest, *, record: Recorder
    ) -> PaymentResult: ...

    def deactivate_stored(self, method: StoredMethod, *, record: Recorder) -> None: ...
