"""Emulator of PortOne V2 identity verification (본인인증), at /sandbox/portone/.

``GET identity-verifications/<id>`` is PortOne's API: ``Authorization: PortOne <secret>``
is checked, the body is PortOne's IdentityVerification object (``status`` READY /
VERIFIED / FAILED, ``verifiedCustomer`` with ``name``, ``phoneNumber``, ``birthDate``,
``operator``, ``ci``, ``di``, ``isForeigner``), errors are ``{"type", "message"}``
(``UNAUTHORIZED`` 401, ``IDENTITY_VERIFICATION_NOT_FOUND`` 404).

``identity-verifications/<id>/window`` stands in for the carriers' verification window
PortOne's SDK opens: the person types name, birth date, phone and carrier, gets a
6-digit code (shown on the page: this is a sandbox), and types it back. Five wrong
codes end the verification FAILED (``TOO_MANY_ATTEMPTS``), as real windows lock out.
The 실패 button fails it on purpose. Then the browser goes to ``redirectUrl`` with
``identityVerificationId`` (and ``code`` and ``message`` on failure).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import b64encode
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.emulators import state

PROVIDER, KIND = "portone", "iv"
MAX_CODE_ATTEMPTS = 5
CARRIERS = ["SKT", "KT", "LGU", "SKT_MVNO", "KT_MVNO", "LGU_MVNO"]
EMULATOR_KEY = b"portone-sandbox-ci-key"  # stands in for the carriers' CI secret


def _error(status: int, kind: str, message: str) -> JsonResponse:
    return JsonResponse({"type": kind, "message": message}, status=status)


def person_ci(name: str, birth: str, phone: str) -> tuple[str, str]:
    """The same person always gets the same CI (88 chars) and, per store, DI (64 chars)."""
    seed = f"{name}|{birth}|{phone}".encode()
    ci = b64encode(hmac.new(EMULATOR_KEY, seed, hashlib.sha512).digest()).decode()
    store = settings.ACCOUNTS_PORTONE_STORE_ID.encode()
    di = b64encode(hmac.new(EMULATOR_KEY + store, seed, hashlib.sha384).digest()).decode()[:64]
    return ci, di


def verification_api(request: HttpRequest, verification_id: str) -> JsonResponse:
    expected = f"PortOne {settings.ACCOUNTS_PORTONE_API_SECRET}"
    if not hmac.compare_digest(request.headers.get("Authorization", ""), expected):
        return _error(401, "UNAUTHORIZED", "인증 정보가 올바르지 않습니다.")
    record = state.load(PROVIDER, KIND, verification_id)
    if record is None:
        return _error(404, "IDENTITY_VERIFICATION_NOT_FOUND", "본인인증 건이 존재하지 않습니다.")
    return JsonResponse(_public(record))


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """PortOne's IdentityVerification object of a record."""
    body = {
        "status": record["status"],
        "id": record["id"],
        "channel": {"type": "TEST", "pgProvider": "DANAL"},
        "requestedAt": record["requested_at"],
        "updatedAt": record["updated_at"],
        "statusChangedAt": record["updated_at"],
        "version": "V2",
    }
    if record["status"] == "VERIFIED":
        body["verifiedCustomer"] = record["customer"]
        body["verifiedAt"] = record["updated_at"]
        body["pgTxId"] = record["tx_id"]
    elif record["status"] == "FAILED":
        body["failure"] = {"reason": record["reason"], "pgCode": "", "pgMessage": record["reason"]}
    elif record.get("customer"):
        body["requestedCustomer"] = {
            k: record["customer"][k] for k in ("name", "phoneNumber", "birthDate")
        }
    return body


@csrf_exempt
def window(request: HttpRequest, verification_id: str) -> HttpResponse:
    record = state.load(PROVIDER, KIND, verification_id)
    if record is None:
        if request.GET.get("storeId") != settings.ACCOUNTS_PORTONE_STORE_ID:
            return render(request, "accounts/emulators/portone_window.html", {"bad_store": True})
        record = _new_record(verification_id, request.GET.get("redirectUrl", ""))
    context: dict[str, Any] = {"record": record, "carriers": CARRIERS, "step": "person"}
    if record["status"] != "READY":
        context["step"] = "done"
    elif request.method == "POST":
        action = request.POST.get("action")
        if action == "fail":
            return _finish(record, "FAILED", reason="사용자가 인증을 취소했습니다.")
        if action == "send":
            context.update(_send_code(record, request.POST))
        elif action == "confirm":
            response = _confirm(record, request.POST.get("otp", ""), context)
            if response is not None:
                return response
    elif record.get("code"):
        context["step"] = "code"
    return render(request, "accounts/emulators/portone_window.html", context)


def _new_record(verification_id: str, redirect_url: str) -> dict[str, Any]:
    now = timezone.now().isoformat()
    record = {
        "id": verification_id,
        "status": "READY",
        "redirect_url": redirect_url,
        "requested_at": now,
        "updated_at": now,
        "attempts": 0,
    }
    state.save(PROVIDER, KIND, verification_id, record)
    return record


def _send_code(record: dict[str, Any], data: Any) -> dict[str, Any]:
    name, phone = data.get("name", "").strip(), data.get("phone", "").replace("-", "").strip()
    carrier, birth = data.get("carrier", ""), data.get("birth_date", "")
    try:
        date.fromisoformat(birth)
    except ValueError:
        return {"error": "생년월일을 YYYY-MM-DD 형식으로 입력하세요.", "step": "person"}
    if not name or not phone.isdigit() or len(phone) not in (10, 11) or carrier not in CARRIERS:
        return {"error": "이름, 휴대폰 번호, 통신사를 확인하세요.", "step": "person"}
    ci, di = person_ci(name, birth, phone)
    record["customer"] = {
        "id": secrets.token_hex(8),
        "name": name,
        "operator": carrier,
        "phoneNumber": phone,
        "birthDate": birth,
        "gender": "MALE" if data.get("gender") == "MALE" else "FEMALE",
        "isForeigner": False,
        "ci": ci,
        "di": di,
    }
    record["code"] = f"{secrets.randbelow(1_000_000):06d}"
    state.save(PROVIDER, KIND, record["id"], record)
    return {"step": "code"}


def _confirm(record: dict[str, Any], otp: str, context: dict[str, Any]) -> HttpResponse | None:
    if not record.get("code"):
        return None
    if hmac.compare_digest(otp.strip(), record["code"]):
        return _finish(record, "VERIFIED")
    record["attempts"] += 1
    if record["attempts"] >= MAX_CODE_ATTEMPTS:
        return _finish(record, "FAILED", reason="TOO_MANY_ATTEMPTS")
    state.save(PROVIDER, KIND, record["id"], record)
    left = MAX_CODE_ATTEMPTS - record["attempts"]
    context.update(step="code", error=f"인증번호가 일치하지 않습니다. ({left}회 남음)")
    return None


def _finish(record: dict[str, Any], status: str, reason: str = "") -> HttpResponse:
    record.update(status=status, reason=reason, updated_at=timezone.now().isoformat())
    record["tx_id"] = secrets.token_hex(10)
    record.pop("code", None)
    state.save(PROVIDER, KIND, record["id"], record)
    query = {"identityVerificationId": record["id"]}
    if status == "FAILED":
        query.update(code="IDENTITY_VERIFICATION_FAILED", message=reason)
    target = record["redirect_url"]
    joiner = "&" if "?" in target else "?"
    return HttpResponseRedirect(f"{target}{joiner}{urlencode(query)}")


urlpatterns = [
    path("identity-verifications/<str:verification_id>", verification_api),
    path("identity-verifications/<str:verification_id>/window", window),
]
