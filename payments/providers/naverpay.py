"""NaverPay 결제형 (payments.md section 2): a pure HTTP client, no database.

Flow: NaverPay has no server-side "ready" for the web. ``begin`` returns the payment
window's parameters; the buyer pays in NaverPay's window, which sends them back to our
``returnUrl`` with ``resultCode=Success&paymentId=...`` (or a failure code); ``confirm``
then calls *apply/payment* with that ``paymentId``. NaverPay does not check the amount at
apply time: the services compare ``detail.totalPayAmount`` and ``merchantPayKey`` (our
``merchant_reference``) with the intent. ``status`` reads *list/history*, ``refund`` calls
*v1/cancel* with ``doCompareRest``/``expectedRestAmount`` as the optimistic guard.

Where the window is:

* NaverPay itself (a ``*.naver.com`` base URL): ``NextAction(kind="sdk")``, ``url`` is the
  SDK script and ``params`` is ``{"create": {...}, "open": {...}}``. The storefront page
  loads the script and runs ``Naver.Pay.create(params.create).open(params.open)``; the SDK
  (page mode) sends the buyer to ``returnUrl`` when done.
* the emulator (any other base URL, the sandbox default): ``NextAction(kind="redirect")``
  to the emulator's window page, the same parameters in its query string; ``params`` holds
  them for the ledger.

Every call carries ``X-Naver-Client-Id``, ``X-Naver-Client-Secret``, ``X-NaverPay-Chain-Id``
and a deterministic ``X-NaverPay-Idempotency-Key`` (the same action always sends the same
key, so a retry after a timeout is answered with HTTP 409 and the original body, which is
read as that body). Answers are ``{"code", "message", "body"}``; anything but
``code == "Success"`` becomes ``ProviderError(code)``.

Brand pay (정기/반복결제): a payment begun with ``register_method`` reserves a registration
(*recurrent/regist/v1/reserve*) and sends the buyer to the registration window; the return
carries ``reserveId`` and ``tempReceiptId``; ``confirm`` approves the registration (which
issues the ``recurrentId``) and then charges it (*recurrent/pay/v3/reserve* + *approval*),
returning the token in ``stored_token``; a registration of zero won (from my page) is not
charged and comes back ``PAID`` for nothing with the token. Every step is keyed, so
re-running ``confirm`` with the same return parameters is safe. Recurrent calls use the recurrent chain id
(NaverPay issues a separate one); payments made through it must be cancelled and looked
up with it too, so results carry ``data["chain"]`` ("recurrent" or "normal") and the
services hand it back in ``PaymentRef.data`` (missing means "normal"). ``begin`` returns
``reserveId`` and ``productName`` in ``NextAction.params`` for the services to keep in
``PaymentRef.data`` as well: ``confirm`` refuses a return whose ``reserveId`` is not the
intent's.

NaverPay 결제형 sends no webhooks: ``parse_webhook`` refuses with
``ProviderError("not_supported")``; reconciliation asks ``status``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

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

LIVE_BASE_URL = "https://apis.naver.com"
SDK_URL = "https://nsp.pay.naver.com/sdk/js/naverpay.min.js"
KST = ZoneInfo("Asia/Seoul")  # NaverPay's YYYYMMDDHH24MISS times are Korean time
SUCCESS = "Success"
NORMAL, RECURRENT = "normal", "recurrent"
BRANDPAY_PRODUCT_CODE = "BRANDPAY"  # the recurrent "product" every saved method is for
CANCEL_REQUESTER_MERCHANT = "2"
EXPIRE_REQUESTER_MERCHANT = "2"
# NaverPay asks for the same cancel to be sent again on CancelNotComplete.
CANCEL_ATTEMPTS = 3
CANCEL_RETRY_PAUSE_SECONDS = 0.2
# ``status`` of a payment whose paymentId never reached us searches this far back
# (NaverPay allows at most 31 days per search).
HISTORY_LOOKBACK_DAYS = 7
HISTORY_PAGE_SIZE = 100
HISTORY_MAX_PAGES = 10
# Codes after which the same call may succeed later (payments.md section 2.1).
RETRYABLE = frozenset(
    {"AlreadyOnGoing", "PreCancelNotComplete", "BankCheckTime", "CancelNotComplete"}
)
# Result codes on the return URL that mean the buyer quit or let the window lapse.
QUIT_CODES = frozenset({"usercancel", "paymenttimeexpire"})
# Already expired at NaverPay: deactivation is done ([U] the exact code is unconfirmed).
ALREADY_EXPIRED = frozenset({"AlreadyExpired", "AlreadyExpiredRecurrent"})
MAX_KEY_LENGTH = 64
KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
PAYMENT_ID = re.compile(r"[0-9A-Za-z]{8,40}")


def base_url() -> str:
    """The configured host; empty means the built-in emulator in sandbox mode."""
    if settings.NAVERPAY_BASE_URL:
        return settings.NAVERPAY_BASE_URL.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/naverpay"
    return LIVE_BASE_URL


def idempotency_key(action: str, *parts: str) -> str:
    """``action-part-part`` when it fits NaverPay's 64 characters, else a digest of it."""
    key = "-".join((action, *parts))
    if len(key) <= MAX_KEY_LENGTH and KEY_CHARACTERS.fullmatch(key):
        return key
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{action}-{digest[: MAX_KEY_LENGTH - len(action) - 1]}"


def won(amount: Decimal) -> int:
    """A KRW amount as NaverPay's integer; fractions of a won are a caller's bug."""
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"NaverPay amounts are whole, non-negative won, not {amount}")
    return int(amount)


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None and value != "" else None
    except InvalidOperation:
        return None


def _iso(ymdt: Any) -> str:
    """NaverPay's ``20240101123000`` (Korean time) as ISO 8601; "" if it is not one."""
    try:
        return datetime.strptime(str(ymdt), "%Y%m%d%H%M%S").replace(tzinfo=KST).isoformat()
    except ValueError:
        return ""


def _mask(number: Any, *, keep: str) -> str:
    """Keep four digits (the first or the last), star every other digit."""
    text = str(number or "")
    digits = [index for index, char in enumerate(text) if char.isdigit()]
    shown = set(digits[:4] if keep == "first" else digits[-4:])
    return "".join(
        "*" if char.isdigit() and index not in shown else char for index, char in enumerate(text)
    )


def method_label(detail: Mapping[str, Any]) -> str:
    """What the buyer paid with, masked ("네이버페이 카드 5310****")."""
    means = str(detail.get("primaryPayMeans") or "").upper()
    if means == "CARD" and detail.get("cardNo"):
        return f"네이버페이 카드 {_mask(detail['cardNo'], keep='first')}"
    if means == "BANK" and detail.get("bankAccountNo"):
        return f"네이버페이 계좌 {_mask(detail['bankAccountNo'], keep='last')}"
    if means == "CARD":
        return "네이버페이 카드"
    if means == "BANK":
        return "네이버페이 계좌"
    return "네이버페이 포인트" if detail.get("npointPayAmount") else "네이버페이"


class NaverPay:
    """The NaverPay 결제형 client; keys and hosts are read from settings when built."""

    code = "naverpay"
    label = "네이버페이"
    currency = "KRW"
    supports_stored_methods = True

    def __init__(self) -> None:
        self.base_url = base_url()
        # The doc generations disagree on the path segment: the partner id, or the
        # literal "naverpay-partner" on some hosts; set NAVERPAY_PARTNER_ID accordingly.
        self.partner_id = settings.NAVERPAY_PARTNER_ID
        self.client_id = settings.NAVERPAY_CLIENT_ID
        self.client_secret = settings.NAVERPAY_CLIENT_SECRET
        self.chain_id = settings.NAVERPAY_CHAIN_ID
        self.recurrent_chain_id = settings.NAVERPAY_RECURRENT_CHAIN_ID

    # --- Payment ------------------------------------------------------------------------

    def begin(self, request: PaymentRequest, *, record: Recorder) -> NextAction:
        """Return the payment window (or, for brand pay, the registration window)."""
        if request.currency != self.currency:
            raise ValueError(f"NaverPay charges KRW only, not {request.currency}")
        if request.register_method:
            return self._begin_registration(request, record)
        params = self._window_params(request)
        if self._window_is_emulated():
            query = {**params, "productItems": _json(params["productItems"])}
            query |= {"clientId": self.client_id, "chainId": self.chain_id}
            return NextAction(
                kind="redirect", url=f"{self.base_url}/pay/?{urlencode(query)}", params=params
            )
        create = {
            "mode": "development" if self._development() else "production",
            "clientId": self.client_id,
            "chainId": self.chain_id,
            "payType": "normal",
            "openType": "page",
        }
        return NextAction(kind="sdk", url=SDK_URL, params={"create": create, "open": params})

    def confirm(
        self, payment: PaymentRef, params: Mapping[str, str], *, record: Recorder
    ) -> PaymentResult:
        """Apply the payment the buyer finished in the window (or the registration)."""
        result_code = str(params.get("resultCode") or "")
        if not result_code:
            raise ProviderError("RequireParameter", "resultCode is missing from the return")
        if result_code != SUCCESS:
            quitted = result_code.lower() in QUIT_CODES
            return PaymentResult(
                status=ResultStatus.CANCELLED if quitted else ResultStatus.FAILED,
                provider_payment_id=payment.provider_payment_id,
                merchant_reference=payment.merchant_reference,
                data={
                    "resultCode": result_code[:64],
                    "resultMessage": str(params.get("resultMessage") or "")[:200],
                },
            )
        if not params.get("paymentId") and params.get("reserveId"):
            return self._confirm_registration(payment, params, record)
        payment_id = str(params.get("paymentId") or "")
        if not PAYMENT_ID.fullmatch(payment_id):
            raise ProviderError("InvalidPaymentId", "the return carries no valid paymentId")
        if payment.provider_payment_id and payment.provider_payment_id != payment_id:
            raise ProviderError("payment_id_mismatch", "the return is for another payment")
        try:
            body = self._send(
                "apply",
                "v2.2/apply/payment",
                chain=NORMAL,
                key=idempotency_key("apply", payment.merchant_reference, payment_id),
                form={"paymentId": payment_id},
                record=record,
            )
        except ProviderError as error:
            if error.code != "AlreadyComplete":
                raise
            return self._already_complete(payment, payment_id, NORMAL, record)
        return self._result_of_approval(body, payment_id, NORMAL)

    def status(self, payment: PaymentRef, *, record: Recorder) -> PaymentResult:
        """Read the payment's history: its approval and its cancels.

        Without a paymentId (the buyer's return, or a brand-pay charge's answer, never
        reached us) the recent history is searched for our ``merchant_reference``. A
        payment not found in its chain is looked for in the other one.
        """
        first = self._chain_of(payment)
        for chain in (first, RECURRENT if first == NORMAL else NORMAL):
            items = self._history_items(payment, chain, record)
            if items:
                return self._result_of_history(items, payment, chain)
        return PaymentResult(
            # A paymentId without an approval: the buyer finished, our apply is due.
            status=ResultStatus.AUTHENTICATED
            if payment.provider_payment_id
            else ResultStatus.PENDING,
            provider_payment_id=payment.provider_payment_id,
            merchant_reference=payment.merchant_reference,
            currency=self.currency,
        )

    def refund(self, refund: RefundRequest, *, record: Recorder) -> RefundResult:
        """Cancel ``amount`` with the remaining-amount guard; retry CancelNotComplete."""
        payment = refund.payment
        amount, tax_free = won(refund.amount), won(refund.tax_free_amount)
        form = {
            "paymentId": payment.provider_payment_id,
            "cancelAmount": amount,
            "cancelReason": (refund.reason or "merchant refund")[:100],
            "cancelRequester": CANCEL_REQUESTER_MERCHANT,
            "taxScopeAmount": amount - tax_free,
            "taxExScopeAmount": tax_free,
            "doCompareRest": 1,
            "expectedRestAmount": won(refund.remaining_before) - amount,
        }
        key = idempotency_key("refund", refund.idempotency_key)
        for attempt in range(1, CANCEL_ATTEMPTS + 1):
            try:
                body = self._send(
                    "cancel",
                    "v1/cancel",
                    chain=self._chain_of(payment),
                    key=key,
                    form=form,
                    record=record,
                )
                break
            except ProviderError as error:
                if error.code != "CancelNotComplete":
                    raise
                if attempt == CANCEL_ATTEMPTS:
                    raise ProviderOutcomeUnknownError(
                        f"cancel: still CancelNotComplete after {attempt} attempts"
                    ) from error
                time.sleep(CANCEL_RETRY_PAUSE_SECONDS * attempt)
        cancelled = sum(
            _amount(body.get(name)) or Decimal(0)
            for name in ("primaryPayCancelAmount", "npointCancelAmount", "giftCardCancelAmount")
        )
        remaining = _amount(body.get("totalRestAmount"))
        return RefundResult(
            refund_reference=str(body.get("payHistId") or ""),
            amount=cancelled or refund.amount,
            remaining=remaining
            if remaining is not None
            else refund.remaining_before - refund.amount,
            data={
                "payHistId": str(body.get("payHistId") or ""),
                "cancelYmdt": str(body.get("cancelYmdt") or ""),
                "taxExScopeRestAmount": body.get("taxExScopeRestAmount"),
            },
        )

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, record: Recorder
    ) -> list[WebhookNotice]:
        raise ProviderError("not_supported", "NaverPay 결제형 sends no notifications")

    # --- Brand pay (정기/반복결제) -----------------------------------------------------------

    def charge_stored(
        self, method: StoredMethod, request: PaymentRequest, *, record: Recorder
    ) -> PaymentResult:
        """Charge a saved recurrentId: reserve a payment, then approve it."""
        if request.currency != self.currency:
            raise ValueError(f"NaverPay charges KRW only, not {request.currency}")
        return self._charge(
            method.token,
            merchant_reference=request.merchant_reference,
            buyer_key=request.buyer_key,
            amount=request.amount,
            tax_free=request.tax_free_amount,
            product_name=request.item_name,
            record=record,
        )

    def deactivate_stored(self, method: StoredMethod, *, record: Recorder) -> None:
        """Expire the recurrentId at NaverPay; one already expired counts as done."""
        token_digest = hashlib.sha256(method.token.encode()).hexdigest()[:40]
        try:
            self._send(
                "expire",
                "recurrent/expire/v1/request",
                chain=RECURRENT,
                key=idempotency_key("expire", token_digest),
                form={
                    "recurrentId": method.token,
                    "expireRequester": EXPIRE_REQUESTER_MERCHANT,
                    "expireReason": "removed by the customer",
                },
                record=record,
            )
        except ProviderError as error:
            if error.code not in ALREADY_EXPIRED:
                raise

    # --- Inside ---------------------------------------------------------------------------

    def _window_params(self, request: PaymentRequest) -> dict[str, Any]:
        """The ``Naver.Pay.open`` parameters (payments.md section 2.2)."""
        total, tax_free = won(request.amount), won(request.tax_free_amount)
        if tax_free > total:
            raise ValueError("the tax-free part exceeds the amount")
        return {
            "merchantUserKey": request.buyer_key,
            "merchantPayKey": request.merchant_reference,
            "productName": request.item_name[:128],
            "productCount": request.quantity,
            "totalPayAmount": total,
            "taxScopeAmount": total - tax_free,
            "taxExScopeAmount": tax_free,
            "returnUrl": request.return_url,
            "productItems": [
                {
                    "categoryType": "PRODUCT",
                    "categoryId": "GENERAL",
                    "uid": request.order_number,
                    "name": request.item_name[:128],
                    "count": request.quantity,
                }
            ],
        }

    def _begin_registration(self, request: PaymentRequest, record: Recorder) -> NextAction:
        body = self._send(
            "regist_reserve",
            "recurrent/regist/v1/reserve",
            chain=RECURRENT,
            key=idempotency_key("reserve", request.merchant_reference),
            form={
                "actionType": "NEW",
                "productCode": BRANDPAY_PRODUCT_CODE,
                "productName": request.item_name[:128],
                "totalPayAmount": won(request.amount),
                "merchantUserKey": request.buyer_key,
                "returnUrl": request.return_url,
            },
            record=record,
        )
        reserve_id = str(body.get("reserveId") or "")
        if not reserve_id:
            raise ProviderError("InvalidResponse", "the registration reserve has no reserveId")
        if self._window_is_emulated():
            url = f"{self.base_url}/recurrent/regist/{reserve_id}/"
        else:  # [U] the reserve flow's window, as for the server-side reserve of payments
            host = "test-m.pay.naver.com" if self._development() else "m.pay.naver.com"
            url = f"https://{host}/payments/{reserve_id}"
        return NextAction(
            kind="redirect",
            url=url,
            params={"reserveId": reserve_id, "productName": request.item_name[:128]},
        )

    def _confirm_registration(
        self, payment: PaymentRef, params: Mapping[str, str], record: Recorder
    ) -> PaymentResult:
        """Approve the registration (recurrentId issued), then make the first charge."""
        reserve_id = str(params.get("reserveId") or "")
        temp_receipt_id = str(params.get("tempReceiptId") or "")
        if not temp_receipt_id:
            raise ProviderError("RequireParameter", "tempReceiptId is missing from the return")
        expected = str(payment.data.get("reserveId") or "")
        if expected and expected != reserve_id:
            raise ProviderError("reserve_mismatch", "the return is for another registration")
        body = self._send(
            "regist_approval",
            "recurrent/regist/v1/approval",
            chain=RECURRENT,
            key=idempotency_key("regist", reserve_id),
            form={"reserveId": reserve_id, "tempReceiptId": temp_receipt_id},
            record=record,
        )
        recurrent_id = str(body.get("recurrentId") or "")
        if not recurrent_id:
            raise ProviderOutcomeUnknownError("registration approved without a recurrentId")
        if won(payment.amount) == 0:
            # A registration alone (brand pay from my page): there is nothing to charge.
            return PaymentResult(
                status=ResultStatus.PAID,
                provider_payment_id="",
                merchant_reference=payment.merchant_reference,
                amount=Decimal(0),
                tax_free_amount=Decimal(0),
                currency=self.currency,
                method_label=self.label,
                stored_token=recurrent_id,
                stored_label=self.label,
                data={"chain": RECURRENT},
            )
        try:
            result = self._charge(
                recurrent_id,
                merchant_reference=payment.merchant_reference,
                buyer_key=payment.buyer_key,
                amount=payment.amount,
                tax_free=payment.tax_free_amount,
                product_name=str(payment.data.get("productName") or settings.SHOP_NAME),
                record=record,
            )
        except ProviderError as error:
            # The method is registered even though its first charge was refused: hand the
            # token back so the services can keep it or expire it.
            return PaymentResult(
                status=ResultStatus.FAILED,
                provider_payment_id="",
                merchant_reference=payment.merchant_reference,
                currency=self.currency,
                stored_token=recurrent_id,
                stored_label=self.label,
                data={"chain": RECURRENT, "errorCode": error.code},
            )
        return replace(result, stored_token=recurrent_id, stored_label=result.method_label)

    def _charge(
        self,
        recurrent_id: str,
        *,
        merchant_reference: str,
        buyer_key: str,
        amount: Decimal,
        tax_free: Decimal,
        product_name: str,
        record: Recorder,
    ) -> PaymentResult:
        total, tax_free_won = won(amount), won(tax_free)
        reserved = self._send(
            "recurrent_reserve",
            "recurrent/pay/v3/reserve",
            chain=RECURRENT,
            key=idempotency_key("rpay", merchant_reference),
            form={
                "recurrentId": recurrent_id,
                "totalPayAmount": total,
                "taxScopeAmount": total - tax_free_won,
                "taxExScopeAmount": tax_free_won,
                "productName": product_name[:128],
                "productCount": 1,
                "merchantPayId": merchant_reference,
                "merchantUserId": buyer_key,
            },
            record=record,
        )
        payment_id = str(reserved.get("paymentId") or "")
        if not payment_id:
            raise ProviderError("InvalidResponse", "the charge reserve has no paymentId")
        try:
            body = self._send(
                "recurrent_approval",
                "recurrent/pay/v3/approval",
                chain=RECURRENT,
                key=idempotency_key("rapply", merchant_reference, payment_id),
                form={"recurrentId": recurrent_id, "paymentId": payment_id},
                record=record,
            )
        except ProviderError as error:
            if error.code != "AlreadyComplete":
                raise
            reference = PaymentRef(
                merchant_reference=merchant_reference,
                provider_payment_id=payment_id,
                buyer_key=buyer_key,
                amount=amount,
                tax_free_amount=tax_free,
                currency=self.currency,
                data={"chain": RECURRENT},
            )
            return self._already_complete(reference, payment_id, RECURRENT, record)
        return self._result_of_approval(body, payment_id, RECURRENT)

    def _already_complete(
        self, payment: PaymentRef, payment_id: str, chain: str, record: Recorder
    ) -> PaymentResult:
        """An earlier call approved it: read what NaverPay holds instead."""
        result = self.status(
            replace(payment, provider_payment_id=payment_id, data={**payment.data, "chain": chain}),
            record=record,
        )
        if result.status in (ResultStatus.PENDING, ResultStatus.AUTHENTICATED):
            raise ProviderOutcomeUnknownError("AlreadyComplete, but the history has no approval")
        return result

    def _result_of_approval(
        self, body: Mapping[str, Any], payment_id: str, chain: str
    ) -> PaymentResult:
        detail = body.get("detail") or {}
        if not isinstance(detail, Mapping):
            detail = {}
        admitted = str(detail.get("admissionState") or "SUCCESS").upper() == "SUCCESS"
        return self._result_of_detail(
            detail,
            status=ResultStatus.PAID if admitted else ResultStatus.FAILED,
            payment_id=str(body.get("paymentId") or detail.get("paymentId") or payment_id),
            chain=chain,
        )

    def _result_of_detail(
        self,
        detail: Mapping[str, Any],
        *,
        status: ResultStatus,
        payment_id: str,
        chain: str,
        refunded: Decimal = Decimal(0),
    ) -> PaymentResult:
        return PaymentResult(
            status=status,
            provider_payment_id=payment_id,
            merchant_reference=str(detail.get("merchantPayKey") or ""),
            amount=_amount(detail.get("totalPayAmount")),
            tax_free_amount=_amount(detail.get("taxExScopeAmount")),
            currency=self.currency,
            capture_id=str(detail.get("payHistId") or ""),
            refunded_amount=refunded,
            method_label=method_label(detail),
            paid_at=_iso(detail.get("admissionYmdt")),
            data={
                "chain": chain,
                "payHistId": str(detail.get("payHistId") or ""),
                "primaryPayMeans": str(detail.get("primaryPayMeans") or ""),
            },
        )

    def _history_items(
        self, payment: PaymentRef, chain: str, record: Recorder
    ) -> list[Mapping[str, Any]]:
        """The payment's history entries (approval first, then cancels) in ``chain``."""
        if payment.provider_payment_id:
            body = self._send(
                "history",
                "v2.2/list/history",
                chain=chain,
                json_body={"paymentId": payment.provider_payment_id},
                record=record,
            )
            return [
                item
                for item in _items(body)
                if str(item.get("paymentId")) == payment.provider_payment_id
            ]
        now = datetime.now(KST)
        search = {
            "startTime": (now - timedelta(days=HISTORY_LOOKBACK_DAYS)).strftime("%Y%m%d%H%M%S"),
            "endTime": now.strftime("%Y%m%d%H%M%S"),
            "approvalType": "ALL",
            "rowsPerPage": HISTORY_PAGE_SIZE,
        }
        found: list[Mapping[str, Any]] = []
        page, pages = 1, 1
        while page <= min(pages, HISTORY_MAX_PAGES):
            body = self._send(
                "history",
                "v2.2/list/history",
                chain=chain,
                json_body={**search, "pageNumber": page},
                record=record,
            )
            found += _items(body)
            pages = int(body.get("totalPageCount") or 1)
            page += 1
        ours = {
            str(item.get("paymentId"))
            for item in found
            if str(item.get("merchantPayKey")) == payment.merchant_reference
            and str(item.get("admissionTypeCode")) == "01"
        }
        return [item for item in found if str(item.get("paymentId")) in ours]

    def _result_of_history(
        self, items: list[Mapping[str, Any]], payment: PaymentRef, chain: str
    ) -> PaymentResult:
        approvals = [item for item in items if str(item.get("admissionTypeCode")) == "01"]
        succeeded = [item for item in approvals if str(item.get("admissionState")) == "SUCCESS"]
        if not succeeded:
            if approvals:
                detail = approvals[0]
                return self._result_of_detail(
                    detail,
                    status=ResultStatus.FAILED,
                    payment_id=str(detail.get("paymentId")),
                    chain=chain,
                )
            return PaymentResult(
                status=ResultStatus.AUTHENTICATED,
                provider_payment_id=payment.provider_payment_id,
                merchant_reference=payment.merchant_reference,
                currency=self.currency,
                data={"chain": chain},
            )
        detail = succeeded[0]
        cancels = [
            item
            for item in items
            if str(item.get("admissionTypeCode")) in ("03", "04")
            and str(item.get("admissionState")) == "SUCCESS"
        ]
        refunded = sum(
            (_amount(item.get("totalPayAmount")) or Decimal(0) for item in cancels), Decimal(0)
        )
        paid = _amount(detail.get("totalPayAmount")) or Decimal(0)
        if any(str(item.get("admissionTypeCode")) == "03" for item in cancels) or (
            cancels and refunded >= paid
        ):
            status = ResultStatus.REFUNDED
        elif cancels:
            status = ResultStatus.PARTIALLY_REFUNDED
        else:
            status = ResultStatus.PAID
        return self._result_of_detail(
            detail,
            status=status,
            payment_id=str(detail.get("paymentId")),
            chain=chain,
            refunded=refunded,
        )

    def _send(
        self,
        operation: str,
        api: str,
        *,
        chain: str,
        record: Recorder,
        key: str = "",
        form: Mapping[str, Any] | None = None,
        json_body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Make one call and return the envelope's ``body``; anything but Success raises."""
        headers = {
            "X-Naver-Client-Id": self.client_id,
            "X-Naver-Client-Secret": self.client_secret,
            "X-NaverPay-Chain-Id": self.recurrent_chain_id if chain == RECURRENT else self.chain_id,
        }
        if key:
            headers["X-NaverPay-Idempotency-Key"] = key
        response = http.call(
            operation=operation,
            method="POST",
            url=f"{self.base_url}/{self.partner_id}/naverpay/payments/{api}",
            record=record,
            headers=headers,
            form=form,
            json_body=json_body,
        )
        data = http.body_of(response)
        code = str(data.get("code") or "")
        message = str(data.get("message") or data.get("errorMessage") or "")
        if response.status_code == 401:
            raise ProviderError("Unauthorized", message or "NaverPay refused our keys")
        if response.status_code == 409 and not code:
            # A duplicate of a call still being processed: its outcome is not known yet.
            raise ProviderOutcomeUnknownError(f"{operation}: HTTP 409 without the original answer")
        if response.status_code not in (200, 409) and not code:
            raise ProviderError(f"http_{response.status_code}", message)
        # HTTP 409 replays the original answer of this idempotency key: read it as such.
        if code != SUCCESS:
            raise ProviderError(code or "InvalidResponse", message, retryable=code in RETRYABLE)
        body = data.get("body")
        return dict(body) if isinstance(body, Mapping) else {}

    def _chain_of(self, payment: PaymentRef) -> str:
        return RECURRENT if payment.data.get("chain") == RECURRENT else NORMAL

    def _window_is_emulated(self) -> bool:
        """NaverPay's hosts are all under naver.com; any other base URL is the emulator."""
        host = urlsplit(self.base_url).hostname or ""
        return not (host == "naver.com" or host.endswith(".naver.com"))

    def _development(self) -> bool:
        host = urlsplit(self.base_url).hostname or ""
        return host.startswith("dev")


def _items(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = body.get("list")
    return [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
