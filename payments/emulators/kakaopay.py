"""Emulator of KakaoPay's online payment API (open-api generation), at /sandbox/kakaopay/.

The paths, the ``Authorization: SECRET_KEY {key}`` check, the field names, the status
words and the ``{"error_code", "error_message", "extras"}`` error body are KakaoPay's
(reference/payments.md section 1). ``ready`` points the buyer at this emulator's own
payment sheet (``pay/<tid>/``) with 결제하기 / 취소 / 실패 buttons standing in for the
KakaoTalk screens.

Error codes: ``-2`` bad or missing parameter, ``-401`` bad key and ``-780`` approval
failure are documented. KakaoPay's other codes are not public, so every other refusal
(an unknown tid, a cancel over the remaining amount, a stale
``cancel_available_amount``) answers ``-2``; ``extras.method_result_code`` always names
the reason (``ALREADY_APPROVED``, ``INVALID_PG_TOKEN``, ``AMOUNT_MISMATCH``,
``CANCEL_AMOUNT_EXCEEDED``, ...). Those reason words are this emulator's, not KakaoPay's.

Faults, armed with ``state.set_fault("kakaopay", operation, fault)`` where ``operation``
is one of ``ready``, ``approve``, ``order``, ``cancel``, ``subscription``, ``inactive``,
``subscription_status``:

* ``server_error`` (any): HTTP 500 ``{"error_code": -1}``, nothing processed;
* ``timeout_after_processing`` (any): processed, then answered only after the client's
  read timeout (``PAYMENTS_HTTP_TIMEOUT_SECONDS`` + 0.5 s);
* ``decline`` (approve, subscription): ``-780`` with ``extras.method_result_code``
  ``DECLINED``; an approved-for-nothing payment ends ``FAIL_PAYMENT``;
* ``amount_mismatch`` (approve, subscription): the charge is 1,000 won more than asked
  and the answer (and later lookups) say so: a provider charging the wrong amount.

A second approve of an approved tid is refused (``-780`` ``ALREADY_APPROVED``), as is any
approve before the buyer authenticated. Every call is counted under its operation name
(the sheet under ``pay_page`` and ``pay_action``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from payments.emulators import state
from payments.providers.http import json_of

PROVIDER = "kakaopay"
PAYMENT, SID = "payment", "sid"
KST = ZoneInfo("Asia/Seoul")
MISMATCH_EXTRA = 1000  # won added by the amount_mismatch fault

ERROR_INTERNAL = -1
ERROR_PARAMETER = -2
ERROR_AUTH = -401
ERROR_APPROVAL = -780

# The buyer can still act on the sheet in these states.
OPEN_STATES = frozenset({"READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD", "ARS_WAITING"})
APPROVED_STATES = frozenset(
    {"SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT", "CANCEL_PAYMENT", "ISSUED_SID"}
)
TEST_SUBSCRIPTION_CID = "TCSUBSCRIP"

# The card of the official approve sample, for a buyer who picks "card" on the sheet.
SAMPLE_CARD = {
    "kakaopay_purchase_corp": "비씨카드",
    "kakaopay_purchase_corp_code": "104",
    "kakaopay_issuer_corp": "수협은행",
    "kakaopay_issuer_corp_code": "212",
    "bin": "621640",
    "card_type": "체크",
    "install_month": "00",
    "card_mid": "123456789",
    "interest_free_install": "N",
    "installment_type": "CARD_INSTALLMENT",
    "card_item_code": "",
}


class KakaoPayError(Exception):
    """A refusal, answered with KakaoPay's error body."""

    def __init__(
        self, code: int, message: str, reason: str = "", *, status: int = 400, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.reason, self.status = code, message, reason, status
        self.detail = detail or message

    def response(self) -> JsonResponse:
        extras = (
            {"method_result_code": self.reason, "method_result_message": self.detail}
            if self.reason
            else {}
        )
        return _json(
            {"error_code": self.code, "error_message": self.message, "extras": extras},
            status=self.status,
        )


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _now() -> str:
    return timezone.now().astimezone(KST).strftime("%Y-%m-%dT%H:%M:%S")


def _amounts(total: int = 0, tax_free: int = 0, vat: int = 0) -> dict[str, int]:
    return {
        "total": total,
        "tax_free": tax_free,
        "vat": vat,
        "point": 0,
        "discount": 0,
        "green_deposit": 0,
    }


def _vat(total: int, tax_free: int) -> int:
    """KakaoPay's default VAT: (total - tax free) / 11, rounded half up."""
    return int((Decimal(total - tax_free) / 11).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _subscription_cids() -> set[str]:
    return {settings.KAKAOPAY_SUBSCRIPTION_CID, TEST_SUBSCRIPTION_CID}


# --- Request fields ---------------------------------------------------------------------------


def _text(data: dict[str, Any], name: str, *, max_length: int = 100, required: bool = True) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} is required")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} must be a string")
    text = str(value)
    if len(text) > max_length:
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} is longer than {max_length}")
    return text


def _int(data: dict[str, Any], name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    """Read an integer sent as a JSON number or a numeric string (the official sample)."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} is required")
        return None
    if isinstance(value, bool):
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} must be a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    else:
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} must be an integer")
    if number < minimum:
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} must be >= {minimum}")
    return number


def _url(data: dict[str, Any], name: str) -> str:
    value = _text(data, name, max_length=255)
    if not value.startswith(("http://", "https://")):
        raise KakaoPayError(ERROR_PARAMETER, f"invalid request: {name} must be an http(s) URL")
    return value


def _payment(cid: str, tid: str, reason: str = "INVALID_TID", code: int = ERROR_PARAMETER) -> dict:
    record = state.load(PROVIDER, PAYMENT, tid)
    if record is None or record["cid"] != cid:
        raise KakaoPayError(code, "invalid tid", reason, detail=f"no payment {tid} for {cid}")
    return record


# --- The API ----------------------------------------------------------------------------------

Handler = Callable[[HttpRequest, dict[str, Any], str], dict[str, Any]]


def _authorised(request: HttpRequest) -> bool:
    expected = f"SECRET_KEY {settings.KAKAOPAY_SECRET_KEY}"
    return secrets.compare_digest(request.headers.get("Authorization", ""), expected)


def api(operation: str) -> Callable[[Handler], Callable[[HttpRequest], HttpResponse]]:
    """Wrap one endpoint: count, authenticate, apply the armed fault, answer JSON."""

    def decorate(handler: Handler) -> Callable[[HttpRequest], HttpResponse]:
        # Server-to-server JSON calls with a secret key: CSRF does not apply.
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            state.count_call(PROVIDER, operation)
            if request.method != "POST":
                return KakaoPayError(ERROR_PARAMETER, "method not allowed", status=405).response()
            if not _authorised(request):
                return KakaoPayError(ERROR_AUTH, "invalid secret key", status=401).response()
            if not request.content_type.startswith("application/json"):
                return KakaoPayError(
                    ERROR_PARAMETER, "invalid request: Content-Type must be application/json"
                ).response()
            fault = state.take_fault(PROVIDER, operation)
            if fault == "server_error":
                return _json(
                    {
                        "error_code": ERROR_INTERNAL,
                        "error_message": "internal server error",
                        "extras": {},
                    },
                    status=500,
                )
            try:
                response = _json(handler(request, json_of(request), fault))
            except KakaoPayError as error:
                response = error.response()
            if fault == "timeout_after_processing":
                time.sleep(settings.PAYMENTS_HTTP_TIMEOUT_SECONDS + 0.5)
            return response

        return view

    return decorate


@api("ready")
def ready(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    partner_order_id = _text(data, "partner_order_id")
    partner_user_id = _text(data, "partner_user_id")
    item_name = _text(data, "item_name")
    item_code = _text(data, "item_code", required=False)
    quantity = _int(data, "quantity", minimum=1)
    total = _int(data, "total_amount")
    tax_free = _int(data, "tax_free_amount")
    vat = _int(data, "vat_amount", required=False)
    approval_url, cancel_url, fail_url = (
        _url(data, "approval_url"),
        _url(data, "cancel_url"),
        _url(data, "fail_url"),
    )
    subscription = cid in _subscription_cids()
    if total == 0 and not subscription:
        raise KakaoPayError(ERROR_PARAMETER, "invalid request: total_amount must be positive")
    if tax_free > total:
        raise KakaoPayError(ERROR_PARAMETER, "invalid request: tax_free_amount > total_amount")
    vat = _vat(total, tax_free) if vat is None else vat
    if vat > total - tax_free:
        raise KakaoPayError(ERROR_PARAMETER, "invalid request: vat_amount is too large")
    tid = state.new_id("T", 19)
    now = _now()
    state.save(
        PROVIDER,
        PAYMENT,
        tid,
        {
            "tid": tid,
            "cid": cid,
            "status": "READY",
            "partner_order_id": partner_order_id,
            "partner_user_id": partner_user_id,
            "item_name": item_name,
            "item_code": item_code,
            "quantity": quantity,
            "requested": _amounts(total, tax_free, vat),
            "amount": _amounts(total, tax_free, vat),
            "canceled": _amounts(),
            "approval_url": approval_url,
            "cancel_url": cancel_url,
            "fail_url": fail_url,
            "pg_token": "",
            "payment_method_type": "",
            "card_info": None,
            "sid": "",
            "aid": "",
            "created_at": now,
            "approved_at": None,
            "canceled_at": None,
            "actions": [],
        },
    )
    sheet = request.build_absolute_uri(reverse("sandbox:kakaopay:sheet", args=[tid]))
    return {
        "tid": tid,
        "next_redirect_app_url": f"{sheet}?channel=app",
        "next_redirect_mobile_url": f"{sheet}?channel=mobile",
        "next_redirect_pc_url": sheet,
        "android_app_scheme": f"kakaotalk://kakaopay/pg?url={quote(sheet, safe='')}",
        "ios_app_scheme": f"kakaotalk://kakaopay/pg?url={quote(sheet, safe='')}",
        "created_at": now,
    }


def _charge(record: dict[str, Any], total: int, fault: str) -> None:
    """Mark ``record`` paid for ``total`` (or a wrong amount, under amount_mismatch)."""
    requested = record["requested"]
    if fault == "amount_mismatch":
        charged = total + MISMATCH_EXTRA
        record["amount"] = _amounts(
            charged, requested["tax_free"], _vat(charged, requested["tax_free"])
        )
    else:
        record["amount"] = dict(requested)
    record["aid"] = state.new_id("A", 19)
    record["approved_at"] = _now()
    sid_only = record["amount"]["total"] == 0
    record["status"] = "ISSUED_SID" if sid_only else "SUCCESS_PAYMENT"
    record["actions"].append(
        {
            "aid": record["aid"],
            "payment_action_type": "ISSUED_SID" if sid_only else "PAYMENT",
            "payment_method_type": record["payment_method_type"],
            "amount": record["amount"]["total"],
            "point_amount": 0,
            "discount_amount": 0,
            "green_deposit": 0,
            "approved_at": record["approved_at"],
            "payload": "",
        }
    )


def _approval_body(record: dict[str, Any]) -> dict[str, Any]:
    body = {
        "aid": record["aid"],
        "tid": record["tid"],
        "cid": record["cid"],
        "partner_order_id": record["partner_order_id"],
        "partner_user_id": record["partner_user_id"],
        "payment_method_type": record["payment_method_type"],
        "item_name": record["item_name"],
        "item_code": record["item_code"],
        "quantity": record["quantity"],
        "amount": record["amount"],
        "created_at": record["created_at"],
        "approved_at": record["approved_at"],
        "payload": "",
    }
    if record["sid"]:
        body["sid"] = record["sid"]
    if record["card_info"]:
        body["card_info"] = record["card_info"]
    return body


def _issue_sid(record: dict[str, Any]) -> None:
    sid = state.new_id("S", 19)
    record["sid"] = sid
    state.save(
        PROVIDER,
        SID,
        sid,
        {
            "sid": sid,
            "cid": record["cid"],
            "partner_user_id": record["partner_user_id"],
            "status": "ACTIVE",
            "payment_method_type": record["payment_method_type"],
            "card_info": record["card_info"],
            "item_name": record["item_name"],
            "created_at": record["approved_at"],
            "last_approved_at": record["approved_at"],
            "inactivated_at": None,
        },
    )


@api("approve")
def approve(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    tid = _text(data, "tid", max_length=20)
    partner_order_id = _text(data, "partner_order_id")
    partner_user_id = _text(data, "partner_user_id")
    pg_token = _text(data, "pg_token")
    total = _int(data, "total_amount", required=False)
    _text(data, "payload", max_length=200, required=False)
    _payment(cid, tid, code=ERROR_APPROVAL)
    refusal: list[KakaoPayError] = []

    def approve_record(record: dict[str, Any]) -> None:
        if record["status"] in APPROVED_STATES:
            refusal.append(KakaoPayError(ERROR_APPROVAL, "approval failure!", "ALREADY_APPROVED"))
        elif record["status"] != "AUTH_PASSWORD":
            refusal.append(
                KakaoPayError(
                    ERROR_APPROVAL,
                    "approval failure!",
                    "NOT_AUTHENTICATED",
                    detail=f"payment is {record['status']}",
                )
            )
        elif (record["partner_order_id"], record["partner_user_id"]) != (
            partner_order_id,
            partner_user_id,
        ):
            refusal.append(KakaoPayError(ERROR_APPROVAL, "approval failure!", "PARTNER_MISMATCH"))
        elif not secrets.compare_digest(record["pg_token"], pg_token):
            refusal.append(KakaoPayError(ERROR_APPROVAL, "approval failure!", "INVALID_PG_TOKEN"))
        elif total is not None and total != record["requested"]["total"]:
            refusal.append(KakaoPayError(ERROR_APPROVAL, "approval failure!", "AMOUNT_MISMATCH"))
        elif fault == "decline":
            record["status"] = "FAIL_PAYMENT"
            refusal.append(
                KakaoPayError(
                    ERROR_APPROVAL,
                    "approval failure!",
                    "DECLINED",
                    detail="카드사 승인이 거절되었습니다.",
                )
            )
        else:
            _charge(record, record["requested"]["total"], fault)
            if record["cid"] in _subscription_cids():
                _issue_sid(record)

    record = state.update(PROVIDER, PAYMENT, tid, approve_record)
    if refusal:
        raise refusal[0]
    return _approval_body(record)


def _order_body(record: dict[str, Any]) -> dict[str, Any]:
    approved = record["status"] in APPROVED_STATES
    canceled = record["canceled"]
    available = (
        _amounts(
            record["amount"]["total"] - canceled["total"],
            record["amount"]["tax_free"] - canceled["tax_free"],
            max(0, record["amount"]["vat"] - canceled["vat"]),
        )
        if approved
        else _amounts()
    )
    body = {
        "tid": record["tid"],
        "cid": record["cid"],
        "status": record["status"],
        "partner_order_id": record["partner_order_id"],
        "partner_user_id": record["partner_user_id"],
        "payment_method_type": record["payment_method_type"] or None,
        "item_name": record["item_name"],
        "item_code": record["item_code"],
        "quantity": record["quantity"],
        "amount": record["amount"],
        "canceled_amount": canceled,
        "cancel_available_amount": available,
        "created_at": record["created_at"],
        "approved_at": record["approved_at"],
        "canceled_at": record["canceled_at"],
        "payment_action_details": record["actions"],
    }
    if record["card_info"]:
        body["selected_card_info"] = {
            "card_bin": record["card_info"]["bin"],
            "install_month": 0,
            "card_corp_name": record["card_info"]["kakaopay_issuer_corp"],
            "interest_free_install": "N",
        }
    return body


@api("order")
def order(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    tid = _text(data, "tid", max_length=20)
    return _order_body(_payment(cid, tid))


@api("cancel")
def cancel(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    tid = _text(data, "tid", max_length=20)
    amount = _int(data, "cancel_amount", minimum=1)
    tax_free = _int(data, "cancel_tax_free_amount")
    vat = _int(data, "cancel_vat_amount", required=False)
    expected = _int(data, "cancel_available_amount", required=False)
    payload = _text(data, "payload", max_length=200, required=False)
    if tax_free > amount:
        raise KakaoPayError(
            ERROR_PARAMETER, "invalid request: cancel_tax_free_amount > cancel_amount"
        )
    vat = _vat(amount, tax_free) if vat is None else vat
    if vat > amount - tax_free:
        raise KakaoPayError(ERROR_PARAMETER, "invalid request: cancel_vat_amount is too large")
    _payment(cid, tid)
    refusal: list[KakaoPayError] = []
    done: dict[str, Any] = {}

    def cancel_record(record: dict[str, Any]) -> None:
        paid, canceled = record["amount"], record["canceled"]
        remaining = paid["total"] - canceled["total"]
        if record["status"] not in {"SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT"}:
            refusal.append(
                KakaoPayError(
                    ERROR_PARAMETER,
                    "cancel failure",
                    "NOT_CANCELABLE",
                    detail=f"payment is {record['status']}",
                )
            )
        elif expected is not None and expected != remaining:
            refusal.append(
                KakaoPayError(
                    ERROR_PARAMETER,
                    "cancel failure",
                    "CANCEL_AVAILABLE_AMOUNT_MISMATCH",
                    detail=f"cancel available amount is {remaining}",
                )
            )
        elif amount > remaining:
            refusal.append(
                KakaoPayError(
                    ERROR_PARAMETER,
                    "cancel failure",
                    "CANCEL_AMOUNT_EXCEEDED",
                    detail=f"cancel available amount is {remaining}",
                )
            )
        elif tax_free > paid["tax_free"] - canceled["tax_free"]:
            refusal.append(
                KakaoPayError(ERROR_PARAMETER, "cancel failure", "TAX_FREE_AMOUNT_EXCEEDED")
            )
        else:
            aid = state.new_id("A", 19)
            record["canceled"] = _amounts(
                canceled["total"] + amount, canceled["tax_free"] + tax_free, canceled["vat"] + vat
            )
            record["canceled_at"] = _now()
            left = remaining - amount
            record["status"] = "CANCEL_PAYMENT" if left == 0 else "PART_CANCEL_PAYMENT"
            record["actions"].append(
                {
                    "aid": aid,
                    "payment_action_type": "CANCEL",
                    "payment_method_type": record["payment_method_type"],
                    "amount": amount,
                    "point_amount": 0,
                    "discount_amount": 0,
                    "green_deposit": 0,
                    "approved_at": record["canceled_at"],
                    "payload": payload,
                }
            )
            done.update(aid=aid, approved=_amounts(amount, tax_free, vat))

    record = state.update(PROVIDER, PAYMENT, tid, cancel_record)
    if refusal:
        raise refusal[0]
    body = _order_body(record)
    return {
        "aid": done["aid"],
        "tid": record["tid"],
        "cid": record["cid"],
        "status": record["status"],
        "partner_order_id": record["partner_order_id"],
        "partner_user_id": record["partner_user_id"],
        "payment_method_type": record["payment_method_type"],
        "item_name": record["item_name"],
        "item_code": record["item_code"],
        "quantity": record["quantity"],
        "amount": record["amount"],
        "approved_cancel_amount": done["approved"],
        "canceled_amount": body["canceled_amount"],
        "cancel_available_amount": body["cancel_available_amount"],
        "created_at": record["created_at"],
        "approved_at": record["approved_at"],
        "canceled_at": record["canceled_at"],
        "payload": payload,
    }


# --- Subscription (SID) -----------------------------------------------------------------------


def _sid(cid: str, sid: str, code: int = ERROR_PARAMETER) -> dict[str, Any]:
    record = state.load(PROVIDER, SID, sid)
    if record is None or record["cid"] != cid:
        raise KakaoPayError(code, "invalid sid", "INVALID_SID")
    return record


@api("subscription")
def subscription(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    sid = _text(data, "sid", max_length=20)
    partner_order_id = _text(data, "partner_order_id")
    partner_user_id = _text(data, "partner_user_id")
    item_name = _text(data, "item_name", required=False)
    item_code = _text(data, "item_code", required=False)
    quantity = _int(data, "quantity", minimum=1)
    total = _int(data, "total_amount", minimum=1)
    tax_free = _int(data, "tax_free_amount")
    vat = _int(data, "vat_amount", required=False)
    if tax_free > total:
        raise KakaoPayError(ERROR_PARAMETER, "invalid request: tax_free_amount > total_amount")
    vat = _vat(total, tax_free) if vat is None else vat
    stored = _sid(cid, sid, code=ERROR_APPROVAL)
    if stored["status"] != "ACTIVE":
        raise KakaoPayError(ERROR_APPROVAL, "approval failure!", "INACTIVE_SID")
    if stored["partner_user_id"] != partner_user_id:
        raise KakaoPayError(ERROR_APPROVAL, "approval failure!", "PARTNER_MISMATCH")
    if fault == "decline":
        raise KakaoPayError(
            ERROR_APPROVAL, "approval failure!", "DECLINED", detail="카드사 승인이 거절되었습니다."
        )
    tid = state.new_id("T", 19)
    record = {
        "tid": tid,
        "cid": cid,
        "status": "READY",
        "partner_order_id": partner_order_id,
        "partner_user_id": partner_user_id,
        "item_name": item_name or stored["item_name"],
        "item_code": item_code,
        "quantity": quantity,
        "requested": _amounts(total, tax_free, vat),
        "amount": _amounts(total, tax_free, vat),
        "canceled": _amounts(),
        "approval_url": "",
        "cancel_url": "",
        "fail_url": "",
        "pg_token": "",
        "payment_method_type": stored["payment_method_type"],
        "card_info": stored["card_info"],
        "sid": sid,
        "aid": "",
        "created_at": _now(),
        "approved_at": None,
        "canceled_at": None,
        "actions": [],
    }
    _charge(record, total, fault)
    state.save(PROVIDER, PAYMENT, tid, record)
    state.update(
        PROVIDER, SID, sid, lambda stored: stored.update(last_approved_at=record["approved_at"])
    )
    return _approval_body(record)


def _sid_body(stored: dict[str, Any]) -> dict[str, Any]:
    return {
        "cid": stored["cid"],
        "sid": stored["sid"],
        "status": stored["status"],
        "created_at": stored["created_at"],
        "last_approved_at": stored["last_approved_at"],
        "inactivated_at": stored["inactivated_at"],
    }


@api("inactive")
def inactive(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    sid = _text(data, "sid", max_length=20)
    _sid(cid, sid)

    def deactivate(stored: dict[str, Any]) -> None:
        if stored["status"] == "ACTIVE":
            stored.update(status="INACTIVE", inactivated_at=_now())

    return _sid_body(state.update(PROVIDER, SID, sid, deactivate))


@api("subscription_status")
def subscription_status(request: HttpRequest, data: dict[str, Any], fault: str) -> dict[str, Any]:
    cid = _text(data, "cid", max_length=10)
    sid = _text(data, "sid", max_length=20)
    stored = _sid(cid, sid)
    return {
        **_sid_body(stored),
        "available": stored["status"] == "ACTIVE",
        "payment_method_type": stored["payment_method_type"],
        "item_name": stored["item_name"],
    }


# --- The buyer's payment sheet ----------------------------------------------------------------


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}" if params else url


# The sheet stands in for KakaoPay's own site, a foreign origin the buyer is sent to: it
# has no session with the shop, so its plain HTML form is exempt from the shop's CSRF.
@csrf_exempt
def sheet(request: HttpRequest, tid: str) -> HttpResponse:
    """The buyer's KakaoPay screen: 결제하기 (authenticate), 취소 (quit), 실패 (auth fails)."""
    record = state.load(PROVIDER, PAYMENT, tid)
    if record is None or not record["approval_url"]:
        state.count_call(PROVIDER, "pay_page")
        return render(
            request, "payments/emulators/kakaopay_pay.html", {"missing": True}, status=404
        )
    if request.method != "POST":
        state.count_call(PROVIDER, "pay_page")
        if record["status"] == "READY":
            record = state.update(
                PROVIDER, PAYMENT, tid, lambda found: found.update(status="OPEN_PAYMENT")
            )
        return _sheet_page(request, record)
    state.count_call(PROVIDER, "pay_action")
    action = request.POST.get("action", "")
    method = "CARD" if request.POST.get("method") == "CARD" else "MONEY"
    if action not in {"approve", "cancel", "fail"}:
        return _sheet_page(request, record, status=400)
    target: list[str] = []

    def act(found: dict[str, Any]) -> None:
        if found["status"] not in OPEN_STATES:
            return
        if action == "approve":
            found["pg_token"] = secrets.token_hex(10)
            found["payment_method_type"] = method
            found["card_info"] = (
                {**SAMPLE_CARD, "approved_id": state.new_id("", 8)} if method == "CARD" else None
            )
            found["status"] = "AUTH_PASSWORD"
            target.append(_with_query(found["approval_url"], pg_token=found["pg_token"]))
        elif action == "cancel":
            found["status"] = "QUIT_PAYMENT"
            target.append(found["cancel_url"])
        else:
            found["status"] = "FAIL_AUTH_PASSWORD"
            target.append(found["fail_url"])

    record = state.update(PROVIDER, PAYMENT, tid, act)
    if not target:
        return _sheet_page(request, record, status=409)
    return HttpResponseRedirect(target[0])


def _sheet_page(request: HttpRequest, record: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {
        "record": record,
        "open": record["status"] in OPEN_STATES,
        "amount": f"{record['requested']['total']:,}",
        "subscription": record["cid"] in _subscription_cids(),
    }
    return render(request, "payments/emulators/kakaopay_pay.html", context, status=status)


app_name = "kakaopay"
urlpatterns = [
    path("online/v1/payment/ready", ready, name="ready"),
    path("online/v1/payment/approve", approve, name="approve"),
    path("online/v1/payment/order", order, name="order"),
    path("online/v1/payment/cancel", cancel, name="cancel"),
    path("online/v1/payment/subscription", subscription, name="subscription"),
    path("online/v1/payment/manage/subscription/inactive", inactive, name="inactive"),
    path(
        "online/v1/payment/manage/subscription/status",
        subscription_status,
        name="subscription-status",
    ),
    path("pay/<str:tid>/", sheet, name="sheet"),
]
