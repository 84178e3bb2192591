"""KakaoPay online payment (the open-api generation): a pure HTTP client, no database.

Flow: ``begin`` calls *ready* and sends the buyer to KakaoPay's payment sheet; KakaoPay
sends the buyer back to our approval URL with ``pg_token``; ``confirm`` calls *approve*
with that token and our ``total_amount`` (KakaoPay refuses an approval for another
amount than the ready one: a free tamper check). ``status`` is the *order* lookup used by
reconciliation, ``refund`` the *cancel* call with ``cancel_available_amount`` as the
optimistic guard. Brand pay: a payment begun with ``register_method`` uses the
subscription CID, its approval returns a ``sid``; later charges go to *subscription*.

Requests are JSON with ``Authorization: SECRET_KEY {key}``; errors are
``{"error_code", "error_message", "extras"}`` and become ``ProviderError`` with the
error code as a string ("-780", "-401", ...). The legacy ``kapi.kakao.com`` generation
(form bodies, ``KakaoAK``) is not spoken.

Which CID a payment used matters to every later call: ``begin`` returns it in
``NextAction.params["cid"]`` and the results carry it in ``data["cid"]``; the services
keep it on the intent and hand it back in ``PaymentRef.data["cid"]`` (missing means the
one-time CID).

KakaoPay online payment sends no webhooks: ``parse_webhook`` refuses with
``ProviderError("not_supported")``; reconciliation asks ``status`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from payments.providers import http
from payments.providers.base import (
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
)

LIVE_BASE_URL = "https://open-api.kakaopay.com"
PATH = "/online/v1/payment"
KST = "+09:00"  # KakaoPay's datetimes carry no offset; they are Korean time

# KakaoPay's order statuses (주문 조회 ``status``) in our words.
STATUSES: dict[str, ResultStatus] = {
    "READY": ResultStatus.PENDING,
    "SEND_TMS": ResultStatus.PENDING,
    "OPEN_PAYMENT": ResultStatus.PENDING,
    "SELECT_METHOD": ResultStatus.PENDING,
    "ARS_WAITING": ResultStatus.PENDING,
    "AUTH_PASSWORD": ResultStatus.AUTHENTICATED,
    "ISSUED_SID": ResultStatus.PAID,  # a zero-amount SID issue: paid nothing, SID active
    "SUCCESS_PAYMENT": ResultStatus.PAID,
    "PART_CANCEL_PAYMENT": ResultStatus.PARTIALLY_REFUNDED,
    "CANCEL_PAYMENT": ResultStatus.REFUNDED,
    "QUIT_PAYMENT": ResultStatus.CANCELLED,
    "FAIL_AUTH_PASSWORD": ResultStatus.FAILED,
    "FAIL_PAYMENT": ResultStatus.FAILED,
}


def base_url() -> str:
    """The configured host; empty means the built-in emulator in sandbox mode."""
    if settings.KAKAOPAY_BASE_URL:
        return settings.KAKAOPAY_BASE_URL.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/kakaopay"
    return LIVE_BASE_URL


def won(value: Decimal | int) -> int:
    """Return a KRW amount as the whole number KakaoPay takes; fractions are refused."""
    amount = Decimal(value)
    if amount != amount.to_integral_value() or amount < 0:
        raise ProviderError("invalid_amount", f"KRW amounts are whole won, not {value}")
    return int(amount)


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as failure:
        raise ProviderOutcomeUnknownError(
            f"KakaoPay sent a non-number amount {value!r}"
        ) from failure


def _total(amounts: Any, key: str = "total") -> Decimal:
    """Read one figure of an amount object (``{"total", "tax_free", "vat", ...}``)."""
    if not isinstance(amounts, Mapping) or amounts.get(key) is None:
        raise ProviderOutcomeUnknownError(f"KakaoPay's answer has no amount {key}")
    return _decimal(amounts[key])


def _paid_at(value: Any) -> str:
    return f"{value}{KST}" if value else ""


def method_label(data: Mapping[str, Any]) -> str:
    """A masked label of what the buyer paid with: "카카오페이머니", "카카오페이 수협은행 6216****"."""
    if data.get("payment_method_type") != "CARD":
        return "카카오페이머니"
    card = data.get("card_info") or data.get("selected_card_info") or {}
    issuer = (
        card.get("kakaopay_issuer_corp")
        or card.get("issuer_corp")
        or card.get("card_corp_name")
        or card.get("kakaopay_purchase_corp")
        or ""
    )
    bin_digits = str(card.get("bin") or card.get("card_bin") or "")[:4]
    card_text = f"{issuer} {bin_digits}****" if bin_digits else f"{issuer} 카드"
    return f"카카오페이 {card_text.strip()}"


class KakaoPay:
    """KakaoPay's online payment API.

    Built with no arguments (the registry does so), it reads the key and host from
    settings at each call; ``secret_key`` and ``base_url`` override them (a second
    merchant account, or a test of a wrong key).
    """

    code = "kakaopay"
    label = "카카오페이"
    currency = "KRW"
    supports_stored_methods = True

    def __init__(self, *, secret_key: str | None = None, base_url: str | None = None) -> None:
        self._secret_key = secret_key
        self._base_url = base_url.rstrip("/") if base_url else None

    # --- Transport ------------------------------------------------------------------------

    def _post(
        self, operation: str, path: str, body: Mapping[str, Any], record: Recorder
    ) -> dict[str, Any]:
        """POST one call; a 2xx answer is returned, a refusal raised as ``ProviderError``."""
        response = http.call(
            operation=operation,
            method="POST",
            url=f"{self._base_url or base_url()}{PATH}/{path}",
            record=record,
            headers={
                "Authorization": f"SECRET_KEY {self._secret_key or settings.KAKAOPAY_SECRET_KEY}",
                "Content-Type": "application/json",
            },
            json_body=body,
        )
        data = http.body_of(response)
        if response.is_success:
            return data
        raise self._error(response.status_code, data)

    @staticmethod
    def _error(status_code: int, data: Mapping[str, Any]) -> ProviderError:
        """Turn ``{"error_code", "error_message", "extras"}`` into a ``ProviderError``."""
        if "error_code" not in data:
            return ProviderError(f"http_{status_code}", str(data.get("_text", ""))[:200])
        message = str(data.get("error_message") or "")
        extras = data.get("extras") or {}
        if isinstance(extras, Mapping) and extras.get("method_result_code"):
            detail = extras.get("method_result_message") or ""
            message = f"{message} [{extras['method_result_code']}] {detail}".strip()
        return ProviderError(str(data["error_code"]), message)

    @staticmethod
    def _cid(payment: PaymentRef) -> str:
        return str(payment.data.get("cid") or settings.KAKAOPAY_CID)

    # --- Payments -------------------------------------------------------------------------

    def begin(self, request: PaymentRequest, *, record: Recorder) -> NextAction:
        """Call *ready*; the buyer goes to the PC payment sheet (it offers a QR for phones)."""
        if request.currency != self.currency:
            raise ProviderError(
                "unsupported_currency", f"KakaoPay charges KRW, not {request.currency}"
            )
        cid = (
            settings.KAKAOPAY_SUBSCRIPTION_CID if request.register_method else settings.KAKAOPAY_CID
        )
        body = {
            "cid": cid,
            "partner_order_id": request.merchant_reference,
            "partner_user_id": request.buyer_key,
            "item_name": request.item_name[:100],
            "item_code": request.order_number[:100],
            "quantity": request.quantity,
            "total_amount": won(request.amount),
            "tax_free_amount": won(request.tax_free_amount),
            "vat_amount": won(request.vat_amount),
            "approval_url": request.return_url,
            "cancel_url": request.cancel_url,
            "fail_url": request.fail_url,
        }
        data = self._post("ready", "ready", body, record)
        tid, url = data.get("tid"), data.get("next_redirect_pc_url")
        if not tid or not url:
            raise ProviderOutcomeUnknownError("KakaoPay's ready answer has no tid or URL")
        return NextAction(
            kind="redirect",
            url=str(url),
            params={"cid": cid, "mobile_url": str(data.get("next_redirect_mobile_url") or "")},
            provider_payment_id=str(tid),
        )

    def confirm(
        self, payment: PaymentRef, params: Mapping[str, str], *, record: Recorder
    ) -> PaymentResult:
        """Call *approve* with the returned ``pg_token`` and the amount we asked for."""
        pg_token = str(params.get("pg_token") or "")
        if not pg_token:
            raise ProviderError("missing_pg_token", "the return carries no pg_token")
        cid = self._cid(payment)
        body = {
            "cid": cid,
            "tid": payment.provider_payment_id,
            "partner_order_id": payment.merchant_reference,
            "partner_user_id": payment.buyer_key,
            "pg_token": pg_token,
            "total_amount": won(payment.amount),
        }
        return self._paid(self._post("approve", "approve", body, record), cid)

    def _paid(self, data: Mapping[str, Any], cid: str) -> PaymentResult:
        """Read an approve-shaped answer (approve, subscription charge)."""
        amounts = data.get("amount")
        tid, aid = str(data.get("tid") or ""), str(data.get("aid") or "")
        if not tid:
            raise ProviderOutcomeUnknownError("KakaoPay's approval answer has no tid")
        label = method_label(data)
        sid = str(data.get("sid") or "")
        return PaymentResult(
            status=ResultStatus.PAID,
            provider_payment_id=tid,
            merchant_reference=str(data.get("partner_order_id") or ""),
            amount=_total(amounts),
            tax_free_amount=_total(amounts, "tax_free"),
            currency=self.currency,
            capture_id=aid,
            method_label=label,
            stored_token=sid,
            stored_label=label if sid else "",
            paid_at=_paid_at(data.get("approved_at")),
            data={
                "aid": aid,
                "tid": tid,
                "cid": str(data.get("cid") or cid),
                "payment_method_type": str(data.get("payment_method_type") or ""),
            },
        )

    def status(self, payment: PaymentRef, *, record: Recorder) -> PaymentResult:
        """Call *order* and map KakaoPay's status; unknown words are not guessed at."""
        cid = self._cid(payment)
        data = self._post(
            "order", "order", {"cid": cid, "tid": payment.provider_payment_id}, record
        )
        word = str(data.get("status") or "")
        if word not in STATUSES:
            raise ProviderOutcomeUnknownError(f"KakaoPay order status {word!r} is not known")
        result = STATUSES[word]
        amounts = data.get("amount")
        settled = result in {
            ResultStatus.PAID,
            ResultStatus.PARTIALLY_REFUNDED,
            ResultStatus.REFUNDED,
        }
        canceled = data.get("canceled_amount") or {}
        return PaymentResult(
            status=result,
            provider_payment_id=str(data.get("tid") or payment.provider_payment_id),
            merchant_reference=str(data.get("partner_order_id") or ""),
            amount=_total(amounts) if settled else None,
            tax_free_amount=_total(amounts, "tax_free") if settled else None,
            currency=self.currency,
            refunded_amount=_decimal(canceled.get("total") or 0),
            method_label=method_label(data) if settled else "",
            paid_at=_paid_at(data.get("approved_at")),
            data={
                "cid": str(data.get("cid") or cid),
                "tid": str(data.get("tid") or payment.provider_payment_id),
                "status": word,
                "cancel_available": str(
                    _decimal((data.get("cancel_available_amount") or {}).get("total") or 0)
                ),
            },
        )

    def refund(self, refund: RefundRequest, *, record: Recorder) -> RefundResult:
        """Call *cancel*; ``cancel_available_amount`` makes KakaoPay refuse if the remaining
        amount is not what we believe. The idempotency key goes in ``payload``, which the
        order lookup shows per cancel action, so reconciliation can tell it happened."""
        payment = refund.payment
        body = {
            "cid": self._cid(payment),
            "tid": payment.provider_payment_id,
            "cancel_amount": won(refund.amount),
            "cancel_tax_free_amount": won(refund.tax_free_amount),
            "cancel_vat_amount": won(refund.vat_amount),
            "cancel_available_amount": won(refund.remaining_before),
            "payload": refund.idempotency_key[:200],
        }
        data = self._post("cancel", "cancel", body, record)
        return RefundResult(
            refund_reference=str(data.get("aid") or ""),
            amount=_total(data.get("approved_cancel_amount")),
            remaining=_total(data.get("cancel_available_amount")),
            status="completed",
            data={
                "aid": str(data.get("aid") or ""),
                "tid": str(data.get("tid") or ""),
                "status": str(data.get("status") or ""),
                "canceled_at": _paid_at(data.get("canceled_at")),
            },
        )

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, record: Recorder
    ) -> list[WebhookNotice]:
        """KakaoPay online payment has no webhooks: anything claiming to be one is refused."""
        raise ProviderError("not_supported", "KakaoPay online payment sends no webhooks")

    # --- Brand pay (subscription CID and SID) ----------------------------------------------

    def charge_stored(
        self, method: StoredMethod, request: PaymentRequest, *, record: Recorder
    ) -> PaymentResult:
        """Charge a SID without the buyer (*subscription*). KakaoPay wants the
        ``partner_user_id`` the SID was issued to, so it comes from the stored method."""
        if request.currency != self.currency:
            raise ProviderError(
                "unsupported_currency", f"KakaoPay charges KRW, not {request.currency}"
            )
        cid = settings.KAKAOPAY_SUBSCRIPTION_CID
        body = {
            "cid": cid,
            "sid": method.token,
            "partner_order_id": request.merchant_reference,
            "partner_user_id": method.buyer_key,
            "item_name": request.item_name[:100],
            "item_code": request.order_number[:100],
            "quantity": request.quantity,
            "total_amount": won(request.amount),
            "tax_free_amount": won(request.tax_free_amount),
            "vat_amount": won(request.vat_amount),
        }
        result = self._paid(self._post("subscription", "subscription", body, record), cid)
        # The answer repeats the SID already stored: not a new token.
        return replace(result, stored_token="", stored_label="")

    def deactivate_stored(self, method: StoredMethod, *, record: Recorder) -> None:
        """Make the SID unusable (*manage/subscription/inactive*)."""
        body = {"cid": settings.KAKAOPAY_SUBSCRIPTION_CID, "sid": method.token}
        data = self._post("inactive", "manage/subscription/inactive", body, record)
        if data.get("status") != "INACTIVE":
            raise ProviderOutcomeUnknownError(f"KakaoPay left the SID {data.get('status')!r}")

    def stored_method_active(self, method: StoredMethod, *, record: Recorder) -> bool:
        """Whether KakaoPay still accepts the SID (*manage/subscription/status*)."""
        body = {"cid": settings.KAKAOPAY_SUBSCRIPTION_CID, "sid": method.token}
        data = self._post("subscription_status", "manage/subscription/status", body, record)
        return bool(data.get("available")) and data.get("status") == "ACTIVE"
