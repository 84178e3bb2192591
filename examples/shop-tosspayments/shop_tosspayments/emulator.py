"""An emulator of Toss Payments' core API v1 and payment window, for tests and the demo.

Mounted at ``/sandbox/tosspayments/`` only when ``SHOP_SANDBOX`` is on (the plugin
registers it with ``register_urls(..., sandbox=True)``). It answers on Toss's paths with
Toss's field names, status words and error bodies (``{"code", "message"}``), checks the
Basic-auth secret key, replays an ``Idempotency-Key`` it has seen, and refuses a confirm
whose amount differs from the window's. Its records live in the Django cache.

Tests steer it with ``set_fault(operation, fault)``: ``decline`` (confirm answers 403
REJECT_CARD_PAYMENT) or ``server_error`` (HTTP 500 before doing anything), and read
``calls(operation)``.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shop_tosspayments import conf

PREFIX = "sandbox:tosspayments"
TIMEOUT = 24 * 3600
WINDOW_FIELDS = ("orderId", "orderName", "amount", "taxFreeAmount", "successUrl", "failUrl")


# --- State -------------------------------------------------------------------------------


def _key(*parts: str) -> str:
    return ":".join((PREFIX, *parts))


def load(payment_key: str) -> dict[str, Any] | None:
    return cache.get(_key("payment", payment_key))


def save(record: dict[str, Any]) -> None:
    cache.set(_key("payment", record["paymentKey"]), record, TIMEOUT)
    cache.set(_key("order", record["orderId"]), record["paymentKey"], TIMEOUT)


def update(payment_key: str, change: Callable[[dict[str, Any]], Any]) -> Any:
    """Run ``change`` on a stored payment under its lock; return what it returned."""
    lock = _key("lock", payment_key)
    deadline = time.monotonic() + 10
    while not cache.add(lock, 1, 10):
        if time.monotonic() > deadline:
            raise TimeoutError(f"payment {payment_key} stayed locked")
        time.sleep(0.005)
    try:
        record = load(payment_key)
        if record is None:
            return None
        outcome = change(record)
        save(record)
        return outcome
    finally:
        cache.delete(lock)


def count_call(operation: str) -> None:
    key = _key("calls", operation)
    cache.add(key, 0, TIMEOUT)
    cache.incr(key)


def calls(operation: str) -> int:
    return int(cache.get(_key("calls", operation)) or 0)


def set_fault(operation: str, fault: str) -> None:
    """Make the next call of ``operation`` (confirm, status, cancel) misbehave once."""
    cache.set(_key("fault", operation), fault, TIMEOUT)


def take_fault(operation: str) -> str:
    fault = cache.get(_key("fault", operation)) or ""
    cache.delete(_key("fault", operation))
    return str(fault)


def reset() -> None:
    for operation in ("confirm", "status", "cancel", "window"):
        cache.delete_many([_key("calls", operation), _key("fault", operation)])


# --- Toss's answers ----------------------------------------------------------------------


def error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def now() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def payment_object(record: dict[str, Any]) -> dict[str, Any]:
    """The Payment object Toss returns from confirm, lookup and cancel."""
    total, tax_free = record["totalAmount"], record["taxFreeAmount"]
    vat = round((total - tax_free) / 11)
    return {
        "mId": "tosspayments",
        "version": "2022-11-16",
        "paymentKey": record["paymentKey"],
        "type": "NORMAL",
        "orderId": record["orderId"],
        "orderName": record["orderName"],
        "currency": "KRW",
        "method": "카드",
        "status": record["status"],
        "totalAmount": total,
        "balanceAmount": record["balanceAmount"],
        "suppliedAmount": total - tax_free - vat,
        "vat": vat,
        "taxFreeAmount": tax_free,
        "taxExemptionAmount": 0,
        "requestedAt": record["requestedAt"],
        "approvedAt": record.get("approvedAt"),
        "lastTransactionKey": record.get("lastTransactionKey"),
        "isPartialCancelable": True,
        "useEscrow": False,
        "cultureExpense": False,
        "card": {
            "issuerCode": "4V",
            "acquirerCode": "21",
            "number": "40000000****109*",
            "installmentPlanMonths": 0,
            "approveNo": record.get("approveNo"),
            "cardType": "신용",
            "ownerType": "개인",
            "amount": total,
        }
        if record.get("approvedAt")
        else None,
        "easyPay": None,
        "cancels": record.get("cancels") or None,
        "receipt": {"url": f"https://dashboard.tosspayments.com/receipt/{record['paymentKey']}"},
        "failure": None,
    }


def authorised(request: HttpRequest) -> bool:
    expected = base64.b64encode(f"{conf.secret_key()}:".encode()).decode()
    return request.headers.get("Authorization", "") == f"Basic {expected}"


def api(operation: str) -> Callable[[Callable[..., JsonResponse]], Callable[..., HttpResponse]]:
    """Count, authenticate, inject faults and replay idempotency keys around an API view."""

    def decorate(view: Callable[..., JsonResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            count_call(operation)
            if not authorised(request):
                return error(
                    401, "UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."
                )
            fault = take_fault(operation)
            if fault == "server_error":
                return error(
                    500,
                    "FAILED_INTERNAL_SYSTEM_PROCESSING",
                    "내부 시스템 처리 작업이 실패했습니다.",
                )
            idem = request.headers.get("Idempotency-Key", "")
            if idem and request.method == "POST":
                seen = cache.get(_key("idem", idem))
                if seen is not None:
                    return JsonResponse(seen["body"], status=seen["status"])
            response = view(request, *args, fault=fault, **kwargs)
            if idem and request.method == "POST":
                body = json.loads(response.content)
                cache.set(
                    _key("idem", idem), {"status": response.status_code, "body": body}, TIMEOUT
                )
            return response

        return wrapped

    return decorate


def body_of(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
@api("confirm")
def confirm(request: HttpRequest, *, fault: str) -> JsonResponse:
    data = body_of(request)
    payment_key = str(data.get("paymentKey") or "")
    if not payment_key or not data.get("orderId") or data.get("amount") is None:
        return error(400, "INVALID_REQUEST", "잘못된 요청입니다.")

    def approve(record: dict[str, Any]) -> JsonResponse:
        if record["orderId"] != data["orderId"]:
            return error(
                404,
                "NOT_FOUND_PAYMENT_SESSION",
                "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.",
            )
        if record["status"] == "DONE":
            return error(400, "ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다.")
        if record["status"] != "IN_PROGRESS":
            return error(403, "NOT_CANCELABLE_PAYMENT", "결제를 승인할 수 없는 상태입니다.")
        if str(data["amount"]) != str(record["totalAmount"]):
            return error(400, "INVALID_REQUEST", "결제 금액이 일치하지 않습니다.")
        if fault == "decline":
            record["status"] = "ABORTED"
            return error(
                403, "REJECT_CARD_PAYMENT", "한도초과 혹은 잔액부족으로 결제에 실패했습니다."
            )
        record.update(
            status="DONE",
            approvedAt=now(),
            approveNo=f"{secrets.randbelow(10**8):08d}",
            lastTransactionKey=secrets.token_hex(16).upper(),
        )
        return JsonResponse(payment_object(record))

    answer = update(payment_key, approve)
    return answer or error(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")


@require_GET
@api("status")
def by_key(request: HttpRequest, payment_key: str, *, fault: str) -> JsonResponse:
    record = load(payment_key)
    if record is None:
        return error(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
    return JsonResponse(payment_object(record))


@require_GET
@api("status")
def by_order(request: HttpRequest, order_id: str, *, fault: str) -> JsonResponse:
    payment_key = cache.get(_key("order", order_id))
    record = load(payment_key) if payment_key else None
    if record is None:
        return error(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
    return JsonResponse(payment_object(record))


@require_POST
@api("cancel")
def cancel(request: HttpRequest, payment_key: str, *, fault: str) -> JsonResponse:
    data = body_of(request)
    if not data.get("cancelReason"):
        return error(400, "INVALID_REQUEST", "취소 사유는 필수입니다.")
    numbers = ("cancelAmount", "taxFreeAmount", "refundableAmount")
    if any(not str(data.get(name, 0)).isdigit() for name in numbers):
        return error(400, "INVALID_REQUEST", "잘못된 요청입니다.")

    def refund(record: dict[str, Any]) -> JsonResponse:
        if record["status"] not in {"DONE", "PARTIAL_CANCELED"}:
            return error(403, "NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다.")
        guard = data.get("refundableAmount")
        if guard is not None and int(guard) != record["balanceAmount"]:
            return error(400, "NOT_MATCHES_REFUNDABLE_AMOUNT", "잔액 결과가 일치하지 않습니다.")
        amount = int(data.get("cancelAmount") or record["balanceAmount"])
        if not 0 < amount <= record["balanceAmount"]:
            return error(403, "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다.")
        record["balanceAmount"] -= amount
        record["status"] = "CANCELED" if record["balanceAmount"] == 0 else "PARTIAL_CANCELED"
        record["lastTransactionKey"] = secrets.token_hex(16).upper()
        record.setdefault("cancels", []).append(
            {
                "transactionKey": record["lastTransactionKey"],
                "cancelReason": str(data["cancelReason"])[:200],
                "cancelAmount": amount,
                "taxFreeAmount": int(data.get("taxFreeAmount") or 0),
                "taxExemptionAmount": 0,
                "refundableAmount": record["balanceAmount"],
                "canceledAt": now(),
                "cancelStatus": "DONE",
            }
        )
        return JsonResponse(payment_object(record))

    answer = update(payment_key, refund)
    return answer or error(404, "NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")


# --- The payment window (what Toss's JavaScript SDK opens) ------------------------------


def _with_query(url: str, **params: Any) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


# The window stands in for Toss's own site, a foreign origin: no session with the shop,
# so its plain form is exempt from the shop's CSRF check.
@csrf_exempt
def window(request: HttpRequest) -> HttpResponse:
    """The buyer's Toss window: 결제하기 (approve), 취소 (quit), 실패 (the card is refused)."""
    count_call("window")
    fields = {name: request.GET.get(name, "") for name in WINDOW_FIELDS}
    valid = request.GET.get("clientKey") == conf.client_key() and all(
        fields[name] for name in ("orderId", "amount", "successUrl", "failUrl")
    )
    if not valid or not fields["amount"].isdigit():
        return render(
            request, "shop_tosspayments/emulator_window.html", {"invalid": True}, status=400
        )
    if request.method != "POST":
        return render(request, "shop_tosspayments/emulator_window.html", {"fields": fields})
    action = request.POST.get("action", "")
    if action == "approve":
        record = {
            "paymentKey": "tgen_" + secrets.token_hex(12),
            "orderId": fields["orderId"],
            "orderName": fields["orderName"],
            "totalAmount": int(fields["amount"]),
            "balanceAmount": int(fields["amount"]),
            "taxFreeAmount": int(fields["taxFreeAmount"] or 0),
            "status": "IN_PROGRESS",
            "requestedAt": now(),
        }
        save(record)
        return HttpResponseRedirect(
            _with_query(
                fields["successUrl"],
                paymentKey=record["paymentKey"],
                orderId=record["orderId"],
                amount=record["totalAmount"],
            )
        )
    if action == "cancel":
        code, message = "PAY_PROCESS_CANCELED", "사용자에 의해 결제가 취소되었습니다."
    else:
        code, message = "REJECT_CARD_COMPANY", "카드사에서 결제를 거절했습니다."
    return HttpResponseRedirect(
        _with_query(fields["failUrl"], code=code, message=message, orderId=fields["orderId"])
    )


urlpatterns = [
    path("window", window, name="tosspayments_window"),
    path("v1/payments/confirm", confirm),
    path("v1/payments/orders/<str:order_id>", by_order),
    path("v1/payments/<str:payment_key>/cancel", cancel),
    path("v1/payments/<str:payment_key>", by_key),
]
