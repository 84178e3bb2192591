"""Emulator of NaverPay 결제형 (payments.md sections 2 and 6), mounted at /sandbox/naverpay/.

The API answers under both path forms the doc generations use,
``/{partnerId}/naverpay/payments/...`` and ``/naverpay-partner/naverpay/payments/...``:
*v2.2/apply/payment*, *v1/cancel* (with ``doCompareRest``/``expectedRestAmount``),
*v2.2/list/history* (by ``paymentId`` in the body or the path, or by time range), and the
recurrent set (*recurrent/regist/v1/reserve* and */approval*, *recurrent/pay/v3/reserve*
and */approval*, *recurrent/expire/v1/request*, *recurrent/v1/list*). Every call needs
the three headers (``X-Naver-Client-Id``, ``X-Naver-Client-Secret``,
``X-NaverPay-Chain-Id``; 401 otherwise, with the Naver gateway's error body). An
``X-NaverPay-Idempotency-Key`` is echoed, and a repeat of a key answers HTTP 409 with the
original body; answers NaverPay asks to retry (``CancelNotComplete``) and 5xx are not
remembered. Recurrent calls need the recurrent chain id, other calls the one-time chain
id; payments are cancelled and looked up in the chain that made them.

The payment window (``pay/?<Naver.Pay.open parameters>``) and the registration window
(``recurrent/regist/<reserveId>/``) stand in for NaverPay's pages: 결제하기 (approve),
취소 (cancel) and 실패 (fail) send the buyer to ``returnUrl`` with NaverPay's result
parameters.

Faults (``state.set_fault("naverpay", <operation>, <fault>)``), operations ``apply``,
``cancel``, ``history``, ``regist_reserve``, ``regist_approval``, ``recurrent_reserve``,
``recurrent_approval``, ``expire``, ``recurrent_list``:

* ``decline``: an approval answers ``Fail`` and the payment is failed;
* ``time_expired``: an approval answers ``TimeExpired`` and the payment lapses;
* ``amount_mismatch``: an approval succeeds for another amount than the window's (as if the
  window had been tampered with); that amount is what was charged;
* ``cancel_not_complete``: a cancel answers ``CancelNotComplete`` and does nothing (a retry
  with the same key then goes through);
* ``timeout_after_processing``: the call is processed, then the answer waits
  ``PAYMENTS_HTTP_TIMEOUT_SECONDS`` + 0.5 s, past the client's timeout;
* ``server_error``: HTTP 500, nothing processed.

``state.calls("naverpay", <operation>)`` counts the authenticated calls of each operation.
Records live in the cache (``payments.emulators.state``), never in the database.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from payments.emulators import state
from payments.providers.http import form_of, json_of

PROVIDER = "naverpay"
LITERAL_PARTNER = "naverpay-partner"
KST = ZoneInfo("Asia/Seoul")
APPROVAL_WINDOW_SECONDS = 600  # [U] NaverPay reports 10 or 15 minutes
MAX_SEARCH_DAYS = 31
MAX_KEY_LENGTH = 64
KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
# Answers that ask for the same call again: an idempotent repeat must not replay them.
NOT_FINAL = frozenset({"CancelNotComplete", "AlreadyOnGoing", "PreCancelNotComplete"})
SANDBOX_CARD = {"primaryPayMeans": "CARD", "cardCorpCode": "C0", "cardNo": "5310****"}


class RefusalError(Exception):
    """A NaverPay failure answer: HTTP 200 with a code, or 400 for a malformed request."""

    def __init__(self, code: str, message: str, *, status: int = 200) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Call:
    """Who is calling (already authenticated) and the fault armed for this call."""

    client_id: str
    chain_id: str
    fault: str

    @property
    def recurrent(self) -> bool:
        return self.chain_id == settings.NAVERPAY_RECURRENT_CHAIN_ID


# --- Small helpers ----------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(KST)


def _ymdt(moment: datetime | None = None) -> str:
    return (moment or _now()).strftime("%Y%m%d%H%M%S")


def _new_payment_id() -> str:
    """``20170201NP1043587746``: the date, NP, ten digits (payments.md section 2.2)."""
    return state.new_id(f"{_now():%Y%m%d}NP", 10)


def _envelope(code: str, message: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "body": dict(body or {})}


def _json(status: int, payload: Mapping[str, Any], key: str = "") -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    if key:
        response["X-NaverPay-Idempotency-Key"] = key
    return response


def _required(data: Mapping[str, Any], *names: str) -> list[str]:
    missing = [name for name in names if str(data.get(name) or "").strip() == ""]
    if missing:
        raise RefusalError(
            "RequireParameter", f"필수 파라미터 누락: {', '.join(missing)}", status=400
        )
    return [str(data[name]).strip() for name in names]


def _integer(data: Mapping[str, Any], name: str, *, minimum: int = 0) -> int:
    try:
        value = int(str(data.get(name)).strip())
    except ValueError:
        raise RefusalError(
            "InvalidParameter", f"{name} 값이 올바르지 않습니다.", status=400
        ) from None
    if value < minimum:
        raise RefusalError("InvalidParameter", f"{name} 값이 올바르지 않습니다.", status=400)
    return value


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _add_to_index(client_id: str, chain_id: str, payment_id: str) -> None:
    """Remember which payments a merchant chain has, for searches by time range."""
    ident = f"{client_id}:{chain_id}"
    with state.locked(PROVIDER, "index", ident):
        index = state.load(PROVIDER, "index", ident) or {"ids": []}
        index["ids"].append(payment_id)
        state.save(PROVIDER, "index", ident, index)


def _new_payment(call: Call, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A payment the buyer authenticated (or a recurrent charge reserved): apply is due."""
    payment_id = _new_payment_id()
    record = {
        "paymentId": payment_id,
        "clientId": call.client_id,
        "chainId": call.chain_id,
        "recurrentId": "",
        "state": "AUTHENTICATED",
        "authenticatedAt": time.time(),
        "history": [],
        **fields,
    }
    state.save(PROVIDER, "payment", payment_id, record)
    _add_to_index(call.client_id, call.chain_id, payment_id)
    return record


def _payment(payment_id: str, call: Call) -> dict[str, Any]:
    """The caller's payment; another merchant's or another chain's is unknown."""
    record = state.load(PROVIDER, "payment", payment_id)
    if not record or record["clientId"] != call.client_id or record["chainId"] != call.chain_id:
        raise RefusalError("InvalidPaymentId", "유효하지 않은 결제번호입니다.")
    return record


def _recurrent(recurrent_id: str, call: Call) -> dict[str, Any]:
    record = state.load(PROVIDER, "recurrent", recurrent_id)
    if not record or record["clientId"] != call.client_id:
        raise RefusalError("InvalidRecurrentId", "유효하지 않은 정기/반복결제 번호입니다.")
    return record


def _require_chain(call: Call, *, recurrent: bool) -> None:
    if call.recurrent != recurrent:
        raise RefusalError("InvalidMerchant", "이 API에 사용할 수 없는 체인 아이디입니다.")


# --- Approval and cancel ---------------------------------------------------------------------


def _entry(record: Mapping[str, Any], type_code: str, admission: str, amount: int, **extra: Any):
    """One history line, shaped like the approval detail (payments.md sections 2.3, 2.5)."""
    return {
        "paymentId": record["paymentId"],
        "payHistId": _new_payment_id(),
        "merchantId": settings.NAVERPAY_PARTNER_ID,
        "merchantName": "네이버페이 샌드박스 가맹점",
        "merchantPayKey": record["merchantPayKey"],
        "merchantUserKey": record["merchantUserKey"],
        "productName": record["productName"],
        "admissionTypeCode": type_code,
        "admissionYmdt": _ymdt(),
        "tradeConfirmYmdt": "",
        "admissionState": admission,
        "totalPayAmount": amount,
        "applyPayAmount": amount,
        "primaryPayAmount": amount,
        "npointPayAmount": 0,
        "giftCardAmount": 0,
        "giftCardPayAmount": 0,
        "discountPayAmount": 0,
        "environmentDepositAmount": 0,
        "cardInstCount": 0,
        "cardAuthNo": state.new_id("", 8),
        "usedCardPoint": False,
        "bankCorpCode": "",
        "bankAccountNo": "",
        "settleExpected": False,
        "settleExpectAmount": 0,
        "payCommissionAmount": 0,
        "extraDeduction": False,
        "useCfmYmdt": "",
        **record.get("means", SANDBOX_CARD),
        **extra,
    }


def _approve(record: dict[str, Any], fault: str) -> dict[str, Any]:
    """Approve an authenticated payment in place; raise the refusal otherwise."""
    if record["state"] in ("APPROVED", "CANCELED"):
        raise RefusalError("AlreadyComplete", "이미 승인 완료된 결제입니다.")
    if record["state"] == "FAILED":
        raise RefusalError("Fail", "승인에 실패한 결제입니다.")
    lapsed = time.time() - record["authenticatedAt"] > APPROVAL_WINDOW_SECONDS
    if record["state"] == "EXPIRED" or fault == "time_expired" or lapsed:
        record["state"] = "EXPIRED"
        raise RefusalError("TimeExpired", "결제 승인 가능 시간이 지났습니다.")
    amount, tax_free = record["windowAmount"], record["windowTaxExScopeAmount"]
    if fault == "decline":
        record["state"] = "FAILED"
        record["history"].append(
            _entry(
                record,
                "01",
                "FAIL",
                amount,
                taxScopeAmount=amount - tax_free,
                taxExScopeAmount=tax_free,
            )
        )
        raise RefusalError("Fail", "결제 승인에 실패했습니다.")
    if fault == "amount_mismatch":  # the classic tampered window: 100 won for the goods
        amount = 200 if amount == 100 else 100
        tax_free = min(tax_free, amount)
    detail = _entry(
        record, "01", "SUCCESS", amount, taxScopeAmount=amount - tax_free, taxExScopeAmount=tax_free
    )
    record.update(
        state="APPROVED",
        restAmount=amount,
        taxScopeRestAmount=amount - tax_free,
        taxExScopeRestAmount=tax_free,
    )
    record["history"].append(detail)
    return {"paymentId": record["paymentId"], "detail": detail}


def _apply(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=False)
    (payment_id,) = _required(data, "paymentId")
    with state.locked(PROVIDER, "payment", payment_id):
        record = _payment(payment_id, call)
        if record["recurrentId"]:
            raise RefusalError(
                "InvalidPaymentId", "정기/반복결제 건은 이 API로 승인할 수 없습니다."
            )
        try:
            return _approve(record, call.fault)
        finally:
            state.save(PROVIDER, "payment", payment_id, record)


def _cancel(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    payment_id, _reason, requester = _required(data, "paymentId", "cancelReason", "cancelRequester")
    _required(data, "cancelAmount", "taxScopeAmount", "taxExScopeAmount")
    amount = _integer(data, "cancelAmount", minimum=1)
    tax_scope = _integer(data, "taxScopeAmount")
    tax_free = _integer(data, "taxExScopeAmount")
    if requester not in ("1", "2"):
        raise RefusalError(
            "InvalidParameter", "cancelRequester 값이 올바르지 않습니다.", status=400
        )
    if tax_scope + tax_free != amount:
        raise RefusalError(
            "InvalidParameter", "과세/면세 금액의 합이 취소 금액과 다릅니다.", status=400
        )
    compare = str(data.get("doCompareRest") or "0") == "1"
    expected = _integer(data, "expectedRestAmount", minimum=-(10**12)) if compare else 0
    with state.locked(PROVIDER, "payment", payment_id):
        record = _payment(payment_id, call)
        if record["state"] == "CANCELED":
            raise RefusalError("AlreadyCanceled", "이미 전액 취소된 결제입니다.")
        if record["state"] != "APPROVED":
            raise RefusalError("InvalidPaymentId", "승인되지 않은 결제입니다.")
        if call.fault == "cancel_not_complete":
            raise RefusalError(
                "CancelNotComplete", "취소가 완료되지 않았습니다. 다시 요청해 주세요."
            )
        rest = record["restAmount"]
        if amount > rest:
            raise RefusalError("OverRemainAmount", "취소 요청 금액이 남은 금액보다 큽니다.")
        if compare and expected != rest - amount:
            raise RefusalError("RestAmountDiff", "취소 후 예상 잔액이 일치하지 않습니다.")
        if tax_free > record["taxExScopeRestAmount"] or tax_scope > record["taxScopeRestAmount"]:
            raise RefusalError(
                "TaxScopeAmtGreaterThanRemainError", "과세/면세 취소 금액이 남은 금액보다 큽니다."
            )
        record["restAmount"] = rest - amount
        record["taxScopeRestAmount"] -= tax_scope
        record["taxExScopeRestAmount"] -= tax_free
        full = record["restAmount"] == 0
        entry = _entry(
            record,
            "03" if full else "04",
            "SUCCESS",
            amount,
            taxScopeAmount=tax_scope,
            taxExScopeAmount=tax_free,
        )
        record["history"].append(entry)
        if full:
            record["state"] = "CANCELED"
        state.save(PROVIDER, "payment", payment_id, record)
    return {
        "paymentId": payment_id,
        "payHistId": entry["payHistId"],
        "primaryPayMeans": entry["primaryPayMeans"],
        "primaryPayCancelAmount": amount,
        "primaryPayRestAmount": record["restAmount"],
        "npointCancelAmount": 0,
        "npointRestAmount": 0,
        "giftCardCancelAmount": 0,
        "giftCardRestAmount": 0,
        "discountCancelAmount": 0,
        "discountRestAmount": 0,
        "taxScopeAmount": tax_scope,
        "taxExScopeAmount": tax_free,
        "taxScopeRestAmount": record["taxScopeRestAmount"],
        "taxExScopeRestAmount": record["taxExScopeRestAmount"],
        "environmentDepositAmount": 0,
        "environmentDepositRestAmount": 0,
        "cancelYmdt": entry["admissionYmdt"],
        "totalRestAmount": record["restAmount"],
        "applyRestAmount": record["restAmount"],
    }


def _history(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    payment_id = str(data.get("paymentId") or "")
    if payment_id:
        record = state.load(PROVIDER, "payment", payment_id)
        owned = (
            record and record["clientId"] == call.client_id and record["chainId"] == call.chain_id
        )
        items = list(record["history"]) if owned else []
        return _page_of(items, 1, 100)
    start, end = _required(data, "startTime", "endTime")
    try:
        begins = datetime.strptime(start, "%Y%m%d%H%M%S").replace(tzinfo=KST)
        ends = datetime.strptime(end, "%Y%m%d%H%M%S").replace(tzinfo=KST)
    except ValueError:
        raise RefusalError(
            "InvalidParameter", "조회 기간 형식이 올바르지 않습니다.", status=400
        ) from None
    if ends < begins or ends - begins > timedelta(days=MAX_SEARCH_DAYS):
        raise RefusalError("TimeConditionError", "조회 기간은 31일을 넘을 수 없습니다.")
    kind = str(data.get("approvalType") or "ALL").upper()
    if kind not in ("ALL", "APPROVAL", "CANCEL"):
        raise RefusalError("InvalidParameter", "approvalType 값이 올바르지 않습니다.", status=400)
    page = _integer({"n": data.get("pageNumber") or 1}, "n", minimum=1)
    rows = _integer({"n": data.get("rowsPerPage") or 20}, "n", minimum=1)
    if rows > 100:
        raise RefusalError("InvalidParameter", "rowsPerPage는 100 이하여야 합니다.", status=400)
    index = state.load(PROVIDER, "index", f"{call.client_id}:{call.chain_id}") or {"ids": []}
    items = []
    for payment_id in index["ids"]:
        record = state.load(PROVIDER, "payment", payment_id)
        for item in record["history"] if record else []:
            is_cancel = item["admissionTypeCode"] in ("03", "04")
            if is_cancel != (kind == "CANCEL") and kind != "ALL":
                continue
            if start <= item["admissionYmdt"] <= end:
                items.append(item)
    items.sort(key=lambda item: item["admissionYmdt"])
    return _page_of(items, page, rows)


def _page_of(items: list[dict[str, Any]], page: int, rows: int) -> dict[str, Any]:
    shown = items[(page - 1) * rows : page * rows]
    return {
        "totalCount": len(items),
        "responseCount": len(shown),
        "totalPageCount": max(1, -(-len(items) // rows)),
        "currentPageNumber": page,
        "list": shown,
    }


# --- Recurrent (정기/반복결제) ---------------------------------------------------------------


def _regist_reserve(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    product_code, product_name, return_url = _required(
        data, "productCode", "productName", "returnUrl"
    )
    amount = _integer(data, "totalPayAmount")
    action = str(data.get("actionType") or "NEW").upper()
    if action not in ("NEW", "CHANGE") or not _web_url(return_url):
        raise RefusalError(
            "InvalidParameter", "actionType 또는 returnUrl이 올바르지 않습니다.", status=400
        )
    target = str(data.get("targetRecurrentId") or "")
    if action == "CHANGE" and _recurrent(target, call)["state"] != "VALID":
        raise RefusalError("InvalidRecurrentId", "변경할 정기/반복결제가 유효하지 않습니다.")
    reserve_id = state.new_id(f"{_now():%Y%m%d}RS", 10)
    state.save(
        PROVIDER,
        "reserve",
        reserve_id,
        {
            "reserveId": reserve_id,
            "clientId": call.client_id,
            "actionType": action,
            "targetRecurrentId": target,
            "productCode": product_code,
            "productName": product_name,
            "totalPayAmount": amount,
            "merchantUserKey": str(data.get("merchantUserKey") or ""),
            "returnUrl": return_url,
            "state": "RESERVED",
            "tempReceiptId": "",
            "recurrentId": "",
        },
    )
    return {"reserveId": reserve_id}


def _regist_approval(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    reserve_id, temp_receipt_id = _required(data, "reserveId", "tempReceiptId")
    with state.locked(PROVIDER, "reserve", reserve_id):
        reserve = state.load(PROVIDER, "reserve", reserve_id)
        if not reserve or reserve["clientId"] != call.client_id:
            raise RefusalError("InvalidReserveId", "유효하지 않은 등록 예약 번호입니다.")
        if reserve["state"] == "REGISTERED":
            raise RefusalError("AlreadyComplete", "이미 등록이 완료되었습니다.")
        if reserve["state"] != "AUTHENTICATED" or reserve["tempReceiptId"] != temp_receipt_id:
            raise RefusalError("InvalidTempReceiptId", "유효하지 않은 임시 접수 번호입니다.")
        if call.fault == "decline":
            reserve["state"] = "FAILED"
            state.save(PROVIDER, "reserve", reserve_id, reserve)
            raise RefusalError("Fail", "정기/반복결제 등록에 실패했습니다.")
        recurrent_id = state.new_id(f"{_now():%Y%m%d}RC", 10)
        state.save(
            PROVIDER,
            "recurrent",
            recurrent_id,
            {
                "recurrentId": recurrent_id,
                "clientId": call.client_id,
                "productCode": reserve["productCode"],
                "merchantUserKey": reserve["merchantUserKey"],
                "naverPointUse": False,
                "primaryPayMeans": "CARD",
                "primaryPayMeansCorpCd": SANDBOX_CARD["cardCorpCode"],
                "primaryPayMeansNo": SANDBOX_CARD["cardNo"],
                "recurrentState": "VALID",
                "state": "VALID",
                "registYmdt": _ymdt(),
                "expireYmdt": "",
            },
        )
        previous = reserve["targetRecurrentId"] if reserve["actionType"] == "CHANGE" else ""
        if previous:
            state.update(PROVIDER, "recurrent", previous, _expire_record)
        reserve.update(state="REGISTERED", recurrentId=recurrent_id)
        state.save(PROVIDER, "reserve", reserve_id, reserve)
    return {
        "recurrentId": recurrent_id,
        "actionType": reserve["actionType"],
        "preRecurrentId": previous,
        "merchantUserKey": reserve["merchantUserKey"],
    }


def _recurrent_reserve(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    recurrent_id, product_name, pay_id, user_id = _required(
        data, "recurrentId", "productName", "merchantPayId", "merchantUserId"
    )
    _required(data, "totalPayAmount", "taxScopeAmount", "taxExScopeAmount")
    amount = _integer(data, "totalPayAmount", minimum=1)
    tax_scope = _integer(data, "taxScopeAmount")
    tax_free = _integer(data, "taxExScopeAmount")
    if tax_scope + tax_free != amount:
        raise RefusalError(
            "InvalidParameter", "과세/면세 금액의 합이 결제 금액과 다릅니다.", status=400
        )
    recurrent = _recurrent(recurrent_id, call)
    if recurrent["state"] != "VALID":
        raise RefusalError("ExpiredRecurrentId", "해지된 정기/반복결제입니다.")
    record = _new_payment(
        call,
        {
            "recurrentId": recurrent_id,
            "merchantPayKey": pay_id,
            "merchantUserKey": user_id,
            "productName": product_name,
            "productCount": _integer({"n": data.get("productCount") or 1}, "n", minimum=1),
            "windowAmount": amount,
            "windowTaxExScopeAmount": tax_free,
            "means": {
                "primaryPayMeans": recurrent["primaryPayMeans"],
                "cardCorpCode": recurrent["primaryPayMeansCorpCd"],
                "cardNo": recurrent["primaryPayMeansNo"],
            },
        },
    )
    return {"paymentId": record["paymentId"]}


def _recurrent_approval(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    recurrent_id, payment_id = _required(data, "recurrentId", "paymentId")
    with state.locked(PROVIDER, "payment", payment_id):
        record = _payment(payment_id, call)
        if record["recurrentId"] != recurrent_id:
            raise RefusalError(
                "InvalidParameter", "정기/반복결제 번호가 결제와 맞지 않습니다.", status=400
            )
        if _recurrent(recurrent_id, call)["state"] != "VALID":
            raise RefusalError("ExpiredRecurrentId", "해지된 정기/반복결제입니다.")
        try:
            return _approve(record, call.fault)
        finally:
            state.save(PROVIDER, "payment", payment_id, record)


def _expire_record(record: dict[str, Any]) -> None:
    record.update(state="EXPIRED", recurrentState="EXPIRED", expireYmdt=_ymdt())


def _expire(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    recurrent_id, requester, _reason = _required(
        data, "recurrentId", "expireRequester", "expireReason"
    )
    if requester not in ("1", "2"):
        raise RefusalError(
            "InvalidParameter", "expireRequester 값이 올바르지 않습니다.", status=400
        )
    with state.locked(PROVIDER, "recurrent", recurrent_id):
        record = _recurrent(recurrent_id, call)
        if record["state"] == "EXPIRED":
            raise RefusalError("AlreadyExpired", "이미 해지된 정기/반복결제입니다.")
        _expire_record(record)
        state.save(PROVIDER, "recurrent", recurrent_id, record)
    return {"recurrentId": recurrent_id, "expireYmdt": record["expireYmdt"]}


def _recurrent_list(data: Mapping[str, Any], call: Call) -> dict[str, Any]:
    _require_chain(call, recurrent=True)
    (recurrent_id,) = _required(data, "recurrentId")
    record = state.load(PROVIDER, "recurrent", recurrent_id)
    wanted = str(data.get("state") or "ALL").upper()
    shown = (
        [{key: value for key, value in record.items() if key not in ("clientId", "state")}]
        if record and record["clientId"] == call.client_id and wanted in ("ALL", record["state"])
        else []
    )
    return {"totalCount": len(shown), "totalPageCount": 1, "currentPageNumber": 1, "list": shown}


# --- The API view -----------------------------------------------------------------------------

Handler = Callable[[Mapping[str, Any], Call], dict[str, Any]]
# api path -> (operation counted and faulted, handler, body encoding)
OPERATIONS: dict[str, tuple[str, Handler, str]] = {
    "v2.2/apply/payment": ("apply", _apply, "form"),
    "v1/cancel": ("cancel", _cancel, "form"),
    "v2.2/list/history": ("history", _history, "json"),
    "recurrent/regist/v1/reserve": ("regist_reserve", _regist_reserve, "form"),
    "recurrent/regist/v1/approval": ("regist_approval", _regist_approval, "form"),
    "recurrent/pay/v3/reserve": ("recurrent_reserve", _recurrent_reserve, "form"),
    "recurrent/pay/v3/approval": ("recurrent_approval", _recurrent_approval, "form"),
    "recurrent/expire/v1/request": ("expire", _expire, "form"),
    "recurrent/v1/list": ("recurrent_list", _recurrent_list, "json"),
}
HISTORY_BY_PATH = re.compile(r"v2\.2/list/history/(?P<payment_id>[0-9A-Za-z]+)")


def _authenticated(request: HttpRequest) -> tuple[str, str] | None:
    """The caller's client id and chain id when its keys are this sandbox merchant's."""
    client_id = request.headers.get("X-Naver-Client-Id", "")
    secret = request.headers.get("X-Naver-Client-Secret", "")
    chain_id = request.headers.get("X-NaverPay-Chain-Id", "")
    chains = (settings.NAVERPAY_CHAIN_ID, settings.NAVERPAY_RECURRENT_CHAIN_ID)
    known = client_id == settings.NAVERPAY_CLIENT_ID and hmac.compare_digest(
        secret.encode(), settings.NAVERPAY_CLIENT_SECRET.encode()
    )
    return (client_id, chain_id) if known and chain_id in chains else None


def _process(
    operation: str, handler: Handler, data: Mapping[str, Any], client_id: str, chain_id: str
) -> tuple[int, dict[str, Any], str]:
    """Run one call: (HTTP status, answer, the fault it ran with)."""
    fault = state.take_fault(PROVIDER, operation)
    if fault == "server_error":
        return 500, _envelope("InternalServerError", "일시적인 오류가 발생했습니다."), fault
    try:
        body = handler(data, Call(client_id=client_id, chain_id=chain_id, fault=fault))
    except RefusalError as refusal:
        return refusal.status, _envelope(refusal.code, refusal.message), fault
    return 200, _envelope("Success", "성공", body), fault


# The API stands in for NaverPay's servers, called server to server with the client
# secret: no browser session, so no CSRF token.
@csrf_exempt
def api(request: HttpRequest, partner: str, api_path: str) -> HttpResponse:
    if partner not in (settings.NAVERPAY_PARTNER_ID, LITERAL_PARTNER):
        return _json(404, _envelope("NotFound", "존재하지 않는 가맹점 경로입니다."))
    if request.method != "POST":
        return _json(405, _envelope("MethodNotAllowed", "POST로 호출해 주세요."))
    caller = _authenticated(request)
    if caller is None:
        # The Naver API gateway's own error body, not NaverPay's envelope.
        return _json(401, {"errorMessage": "Authentication failed (인증 실패)", "errorCode": "024"})
    client_id, chain_id = caller
    by_path = HISTORY_BY_PATH.fullmatch(api_path)
    if by_path:
        operation, handler, data = "history", _history, {"paymentId": by_path["payment_id"]}
    elif api_path.strip("/") in OPERATIONS:
        operation, handler, encoding = OPERATIONS[api_path.strip("/")]
        data = json_of(request) if encoding == "json" else form_of(request)
    else:
        return _json(404, _envelope("NotFound", "존재하지 않는 API입니다."))
    state.count_call(PROVIDER, operation)

    key = request.headers.get("X-NaverPay-Idempotency-Key", "")
    if key and (len(key) > MAX_KEY_LENGTH or not KEY_CHARACTERS.fullmatch(key)):
        return _json(400, _envelope("InvalidParameter", "멱등성 키가 올바르지 않습니다."))
    if not key:
        status, answer, fault = _process(operation, handler, data, client_id, chain_id)
    else:
        ident = f"{client_id}:{chain_id}:{key}"
        with state.locked(PROVIDER, "idempotency", ident):
            stored = state.load(PROVIDER, "idempotency", ident)
            if stored is not None:
                return _json(409, stored["answer"], key)
            status, answer, fault = _process(operation, handler, data, client_id, chain_id)
            if status == 200 and answer["code"] not in NOT_FINAL:
                state.save(PROVIDER, "idempotency", ident, {"answer": answer})
    if fault == "timeout_after_processing":
        time.sleep(settings.PAYMENTS_HTTP_TIMEOUT_SECONDS + 0.5)
    return _json(status, answer, key)


# --- The windows ------------------------------------------------------------------------------


def _window_params(query: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """The ``Naver.Pay.open`` parameters checked as the SDK would; (params, error)."""
    names = (
        "merchantUserKey",
        "merchantPayKey",
        "productName",
        "productCount",
        "totalPayAmount",
        "taxScopeAmount",
        "taxExScopeAmount",
        "returnUrl",
        "productItems",
        "clientId",
        "chainId",
    )
    missing = [name for name in names if not str(query.get(name) or "").strip()]
    if missing:
        return {}, f"필수 파라미터 누락: {', '.join(missing)}"
    if (
        query["clientId"] != settings.NAVERPAY_CLIENT_ID
        or query["chainId"] != settings.NAVERPAY_CHAIN_ID
    ):
        return {}, "InvalidMerchant: 등록되지 않은 가맹점입니다."
    try:
        count, total, tax_scope, tax_free = (
            int(query[name])
            for name in ("productCount", "totalPayAmount", "taxScopeAmount", "taxExScopeAmount")
        )
        items = json.loads(query["productItems"])
    except ValueError:
        return {}, "금액, 수량 또는 productItems 형식이 올바르지 않습니다."
    if count < 1 or total < 1 or tax_scope < 0 or tax_free < 0 or tax_scope + tax_free != total:
        return {}, "결제 금액이 올바르지 않습니다 (과세 + 면세 = 총 결제 금액)."
    item_fields = ("categoryType", "categoryId", "uid", "name", "count")
    if (
        not isinstance(items, list)
        or not items
        or not all(
            isinstance(item, dict) and all(item.get(name) for name in item_fields) for item in items
        )
    ):
        return {}, "productItems가 올바르지 않습니다."
    if not _web_url(query["returnUrl"]):
        return {}, "returnUrl이 올바르지 않습니다."
    params = {name: str(query[name]) for name in names}
    params.update(productCount=count, totalPayAmount=total, taxScopeAmount=tax_scope)
    params.update(taxExScopeAmount=tax_free, productItems=items)
    return params, ""


def _page(template: str, context: Mapping[str, Any], status: int = 200) -> HttpResponse:
    # No request context: the page is a foreign site's and needs nothing of the shop's.
    return HttpResponse(render_to_string(template, dict(context)), status=status)


# The windows stand in for NaverPay's own pages, a foreign site that our CSRF token cannot
# protect: its buttons post without one, which is acceptable only for the emulator.
@csrf_exempt
def pay_window(request: HttpRequest) -> HttpResponse:
    """The payment window: the buyer approves, cancels or fails the payment."""
    params, error = _window_params(request.GET)
    template = "payments/emulators/naverpay_pay.html"
    if error:
        return _page(template, {"error": error}, status=400)
    if request.method != "POST":
        return _page(template, {"params": params})
    action = request.POST.get("action", "")
    if action == "approve":
        record = _new_payment(
            Call(client_id=params["clientId"], chain_id=params["chainId"], fault=""),
            {
                "merchantPayKey": params["merchantPayKey"],
                "merchantUserKey": params["merchantUserKey"],
                "productName": params["productName"],
                "productCount": params["productCount"],
                "productItems": params["productItems"],
                "windowAmount": params["totalPayAmount"],
                "windowTaxExScopeAmount": params["taxExScopeAmount"],
                "returnUrl": params["returnUrl"],
            },
        )
        return HttpResponseRedirect(
            _with_query(params["returnUrl"], resultCode="Success", paymentId=record["paymentId"])
        )
    if action == "cancel":
        return HttpResponseRedirect(
            _with_query(params["returnUrl"], resultCode="UserCancel", resultMessage="userCancel")
        )
    if action == "fail":
        return HttpResponseRedirect(
            _with_query(
                params["returnUrl"], resultCode="OwnerAuthFail", resultMessage="OwnerAuthFail"
            )
        )
    return _page(template, {"params": params, "error": "알 수 없는 요청입니다."}, status=400)


@csrf_exempt
def regist_window(request: HttpRequest, reserve_id: str) -> HttpResponse:
    """The recurrent registration window for a reserved registration."""
    template = "payments/emulators/naverpay_regist.html"
    reserve = state.load(PROVIDER, "reserve", reserve_id)
    if not reserve:
        return _page(template, {"error": "유효하지 않은 등록 예약 번호입니다."}, status=404)
    if reserve["state"] != "RESERVED":
        return _page(template, {"error": "이미 처리된 등록 요청입니다."}, status=400)
    if request.method != "POST":
        return _page(template, {"reserve": reserve})
    action = request.POST.get("action", "")
    back = reserve["returnUrl"]
    if action == "approve":
        temp_receipt_id = state.new_id("TR", 18)

        def authenticate(record: dict[str, Any]) -> None:
            record.update(state="AUTHENTICATED", tempReceiptId=temp_receipt_id)

        state.update(PROVIDER, "reserve", reserve_id, authenticate)
        return HttpResponseRedirect(
            _with_query(
                back, resultCode="Success", reserveId=reserve_id, tempReceiptId=temp_receipt_id
            )
        )
    if action == "cancel":
        return HttpResponseRedirect(
            _with_query(
                back, resultCode="UserCancel", resultMessage="userCancel", reserveId=reserve_id
            )
        )
    if action == "fail":
        return HttpResponseRedirect(
            _with_query(back, resultCode="Fail", resultMessage="registFail", reserveId=reserve_id)
        )
    return _page(template, {"reserve": reserve, "error": "알 수 없는 요청입니다."}, status=400)


urlpatterns = [
    path("pay/", pay_window, name="naverpay-pay"),
    path("recurrent/regist/<str:reserve_id>/", regist_window, name="naverpay-regist"),
    re_path(
        r"^(?P<partner>[A-Za-z0-9_-]+)/naverpay/payments/(?P<api_path>.+)$",
        api,
        name="naverpay-api",
    ),
]
