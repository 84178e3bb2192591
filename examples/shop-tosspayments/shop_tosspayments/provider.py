"""Toss Payments' core API v1 as a shop payment provider: a pure HTTP client.

Flow: ``begin`` sends the buyer to Toss's payment window (in production the plugin's
page opens it with Toss's JavaScript SDK; in the sandbox the emulator serves it) with
our ``orderId`` (the intent's reference) and amount. Toss sends the buyer to our
success URL with ``paymentKey``, ``orderId`` and ``amount``; ``confirm`` calls
``POST /v1/payments/confirm`` with the amount *we* computed, so a tampered window
amount is refused by Toss. ``status`` is ``GET /v1/payments/{paymentKey}`` (or by
``orderId`` before a key is known), ``refund`` is ``POST /v1/payments/{key}/cancel``.

Every call authenticates with ``Authorization: Basic base64("{secretKey}:")``; errors
are ``{"code", "message"}``. POSTs carry an ``Idempotency-Key``, so a retried confirm
or cancel is not done twice by Toss.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.urls import reverse

from payments.extend import (
    NextAction,
    PaymentRef,
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    Recorder,
    RefundRequest,
    RefundResult,
    ResultStatus,
    StoredMethod,
    WebhookNotice,
    http,
)
from shop_tosspayments import conf

CODE = "tosspayments"

# Toss's payment statuses in the shop's words.
STATUSES: dict[str, ResultStatus] = {
    "READY": ResultStatus.PENDING,
    "IN_PROGRESS": ResultStatus.AUTHENTICATED,  # the buyer approved; confirm is due
    "WAITING_FOR_DEPOSIT": ResultStatus.PENDING,
    "DONE": ResultStatus.PAID,
    "PARTIAL_CANCELED": ResultStatus.PARTIALLY_REFUNDED,
    "CANCELED": ResultStatus.REFUNDED,
    "ABORTED": ResultStatus.FAILED,
    "EXPIRED": ResultStatus.CANCELLED,
}


def won(value: Decimal | int) -> int:
    """Return a KRW amount as the whole number Toss takes; fractions are refused."""
    amount = Decimal(value)
    if amount != amount.to_integral_value() or amount < 0:
        raise ProviderError("invalid_amount", f"KRW amounts are whole won, not {value}")
    return int(amount)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as failure:
        raise ProviderOutcomeUnknownError(f"Toss sent a non-number amount {value!r}") from failure


def method_label(data: Mapping[str, Any]) -> str:
    """A masked label of what the buyer paid with: "토스페이먼츠 카드 4000****"."""
    card = data.get("card") or {}
    number = str(card.get("number") or "")[:4]
    if number:
        return f"토스페이먼츠 카드 {number}****"
    easy = (data.get("easyPay") or {}).get("provider")
    return f"토스페이먼츠 {easy or data.get('method') or ''}".strip()


class TossPayments:
    """Toss Payments core API v1 (card and easy-pay payments through the payment window)."""

    code = CODE
    label = "토스페이먼츠"
    currency = "KRW"
    supports_stored_methods = False  # billing keys are another Toss product

    def __init__(self, *, secret_key: str | None = None) -> None:
        """Built with no arguments by the shop; ``secret_key`` overrides the setting."""
        self._secret_key = secret_key

    # --- Transport ------------------------------------------------------------------------

    def _headers(self, idempotency_key: str = "") -> dict[str, str]:
        secret = self._secret_key or conf.secret_key()
        token = base64.b64encode(f"{secret}:".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key[:300]
        return headers

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        record: Recorder,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str = "",
    ) -> dict[str, Any]:
        response = http.call(
            operation=operation,
            method=method,
            url=f"{conf.base_url()}{path}",
            record=record,
            headers=self._headers(idempotency_key),
            json_body=body,
        )
        data = http.body_of(response)
        if response.is_success:
            return data
        if "code" not in data:
            raise ProviderError(f"http_{response.status_code}", str(data.get("_text", ""))[:200])
        raise ProviderError(str(data["code"]), str(data.get("message") or ""))

    # --- Payments -------------------------------------------------------------------------

    def begin(self, request: PaymentRequest, *, record: Recorder) -> NextAction:
        """No server call: Toss's window takes the payment, our success URL gets the key."""
        if request.currency != self.currency:
            raise ProviderError("unsupported_currency", f"Toss charges KRW, not {request.currency}")
        site = settings.SITE_URL.rstrip("/")
        reference = request.merchant_reference
        query = {
            "clientKey": conf.client_key(),
            "orderId": reference,
            "orderName": request.item_name[:100],
            "amount": won(request.amount),
            "taxFreeAmount": won(request.tax_free_amount),
            "successUrl": site + reverse("tosspayments:success", args=[reference]),
            "failUrl": site + reverse("tosspayments:fail", args=[reference]),
        }
        if conf.base_url() == conf.LIVE_BASE_URL:
            window = site + reverse("tosspayments:window")  # opens Toss's JavaScript SDK
        else:
            window = f"{conf.base_url()}/window"  # the emulator stands in for the SDK
        return NextAction(kind="redirect", url=f"{window}?{urlencode(query)}")

    def confirm(
        self, payment: PaymentRef, params: Mapping[str, str], *, record: Recorder
    ) -> PaymentResult:
        """``POST /v1/payments/confirm`` with the key Toss returned and our own amount."""
        payment_key = payment.provider_payment_id or str(params.get("paymentId") or "")
        if not payment_key:
            raise ProviderError("missing_payment_key", "the return carries no paymentKey")
        body = {
            "paymentKey": payment_key,
            "orderId": payment.merchant_reference,
            "amount": won(payment.amount),
        }
        data = self._call(
            "confirm",
            "POST",
            "/v1/payments/confirm",
            record,
            body,
            idempotency_key=f"confirm-{payment.merchant_reference}",
        )
        return self._result(data)

    def _result(self, data: Mapping[str, Any]) -> PaymentResult:
        word = str(data.get("status") or "")
        if word not in STATUSES:
            raise ProviderOutcomeUnknownError(f"Toss payment status {word!r} is not known")
        status = STATUSES[word]
        settled = status in {
            ResultStatus.PAID,
            ResultStatus.PARTIALLY_REFUNDED,
            ResultStatus.REFUNDED,
        }
        total = _decimal(data.get("totalAmount") or 0)
        balance = _decimal(data.get("balanceAmount") or 0)
        return PaymentResult(
            status=status,
            provider_payment_id=str(data.get("paymentKey") or ""),
            merchant_reference=str(data.get("orderId") or ""),
            amount=total if settled else None,
            tax_free_amount=_decimal(data.get("taxFreeAmount") or 0) if settled else None,
            currency=str(data.get("currency") or self.currency),
            capture_id=str(data.get("lastTransactionKey") or ""),
            refunded_amount=total - balance if settled else Decimal(0),
            method_label=method_label(data) if settled else "",
            paid_at=str(data.get("approvedAt") or ""),
            data={
                "status": word,
                "receipt_url": str((data.get("receipt") or {}).get("url") or ""),
            },
        )

    def status(self, payment: PaymentRef, *, record: Recorder) -> PaymentResult:
        """Ask Toss where the payment stands: by key, or by our orderId before a key."""
        if payment.provider_payment_id:
            path = f"/v1/payments/{quote(payment.provider_payment_id, safe='')}"
        else:
            path = f"/v1/payments/orders/{quote(payment.merchant_reference, safe='')}"
        return self._result(self._call("status", "GET", path, record))

    def refund(self, refund: RefundRequest, *, record: Recorder) -> RefundResult:
        """``POST /v1/payments/{paymentKey}/cancel`` for ``amount``; the key makes it once.

        ``refundableAmount`` is what we believe is left: Toss refuses with
        ``NOT_MATCHES_REFUNDABLE_AMOUNT`` when another cancel got there first.
        """
        payment = refund.payment
        body = {
            "cancelReason": (refund.reason or "고객 요청")[:200],
            "cancelAmount": won(refund.amount),
            "taxFreeAmount": won(refund.tax_free_amount),
            "refundableAmount": won(refund.remaining_before),
        }
        data = self._call(
            "cancel",
            "POST",
            f"/v1/payments/{quote(payment.provider_payment_id, safe='')}/cancel",
            record,
            body,
            idempotency_key=refund.idempotency_key,
        )
        cancels = data.get("cancels") or []
        last = cancels[-1] if cancels else {}
        return RefundResult(
            refund_reference=str(last.get("transactionKey") or ""),
            amount=_decimal(last.get("cancelAmount") or refund.amount),
            remaining=_decimal(data.get("balanceAmount") or 0),
            status="completed",
            data={"status": str(data.get("status") or "")},
        )

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, record: Recorder
    ) -> list[WebhookNotice]:
        """Read a ``PAYMENT_STATUS_CHANGED`` notice. Toss does not sign it, so nothing in
        it is believed: the shop asks ``status`` about the payment it names."""
        try:
            notice = json.loads(body or b"{}")
        except ValueError as failure:
            raise ProviderError("bad_body", "the webhook body is not JSON") from failure
        if not isinstance(notice, dict) or notice.get("eventType") != "PAYMENT_STATUS_CHANGED":
            return []  # another event type (or none): nothing to reconcile
        data = notice.get("data")
        if not isinstance(data, dict):
            return []
        return [
            WebhookNotice(
                event_id=f"{data.get('paymentKey', '')}:{data.get('status', '')}",
                event_type="PAYMENT_STATUS_CHANGED",
                provider_payment_id=str(data.get("paymentKey") or ""),
                merchant_reference=str(data.get("orderId") or ""),
            )
        ]

    def charge_stored(
        self, method: StoredMethod, request: PaymentRequest, *, record: Recorder
    ) -> PaymentResult:
        raise ProviderError("not_supported", "Toss billing keys are not offered by this plugin")

    def deactivate_stored(self, method: StoredMethod, *, record: Recorder) -> None:
        raise ProviderError("not_supported", "Toss billing keys are not offered by this plugin")
