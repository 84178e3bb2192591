"""Emulator of NAVER Cloud SENS's SMS and Biz Message (알림톡) APIs, at /sandbox/sens/.

Paths, signature headers and field names are SENS's:

* ``POST /sms/v2/services/{serviceId}/messages`` with ``type`` (SMS, LMS), ``contentType``
  (COMM, AD), ``from``, ``subject``, ``content`` and ``messages[].to``; answers 202
  ``{"requestId", "requestTime", "statusCode": "202", "statusName": "success"}``.
* ``POST /alimtalk/v2/services/{serviceId}/messages`` with ``plusFriendId``,
  ``templateCode`` and ``messages[]`` (``to``, ``content``, ``useSmsFailover``,
  ``failoverConfig``); answers 202 with ``messages[].messageId`` and
  ``requestStatusCode`` ``A000`` when accepted.
* ``GET /alimtalk/v2/services/{serviceId}/messages/{messageId}``: the delivery result,
  ``messageStatusCode`` ``0000`` when it reached KakaoTalk, ``3019`` when the number has
  no KakaoTalk; then, with ``useSmsFailover``, the SMS sent instead is in the inbox and
  ``failoverInfo`` names it.

Every call must carry ``x-ncp-iam-access-key`` and a valid ``x-ncp-apigw-signature-v2``
over ``x-ncp-apigw-timestamp`` (at most five minutes old), else 401 with the API
Gateway's ``{"error": {"errorCode", "message", "details"}}``.

Faults (``state.set_fault``): ``template_not_approved`` refuses the next 알림톡 with
``requestStatusCode`` ``E107`` (a code of this emulator; SENS documents only A000 by
name here), ``server_error`` answers HTTP 500. ``state.set_not_kakao_user(phone)`` (and
any 010-0000-xxxx number) makes a 알림톡 fail over to SMS.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from notifications.emulators import state
from notifications.sens import signature

NOT_APPROVED = "E107"
NOT_KAKAO_USER = "3019"
MAX_AGE_MS = 5 * 60 * 1000


def _gateway_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"errorCode": code, "message": message, "details": message}}, status=status
    )


def _bad_request(detail: str) -> JsonResponse:
    return JsonResponse({"status": "400", "errorMessage": detail}, status=400)


def signed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Check SENS's access key, timestamp and HMAC signature before the view runs."""

    @csrf_exempt
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        timestamp = request.headers.get("x-ncp-apigw-timestamp", "")
        access_key = request.headers.get("x-ncp-iam-access-key", "")
        given = request.headers.get("x-ncp-apigw-signature-v2", "")
        if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > MAX_AGE_MS:
            return _gateway_error(401, "210", "Invalid timestamp")
        expected = signature(
            method=request.method or "GET",
            path=request.path,
            timestamp=timestamp,
            access_key=access_key,
            secret_key=settings.SENS_SECRET_KEY,
        )
        if access_key != settings.SENS_ACCESS_KEY or not hmac.compare_digest(given, expected):
            return _gateway_error(401, "200", "Authentication Failed")
        return view(request, *args, **kwargs)

    return checked


def _body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


@signed
def send_sms(request: HttpRequest, service_id: str) -> HttpResponse:
    body = _body(request)
    if request.method != "POST" or body is None:
        return _bad_request("a JSON body is required")
    for name in ("type", "from", "content", "messages"):
        if not body.get(name):
            return _bad_request(f"{name} is required")
    if str(body["type"]).upper() not in ("SMS", "LMS", "MMS"):
        return _bad_request("type must be SMS, LMS or MMS")
    request_id = uuid.uuid4().hex
    for item in body["messages"]:
        state.record(
            {
                "channel": str(body["type"]).upper(),
                "requestId": request_id,
                "contentType": body.get("contentType", "COMM"),
                "from": body["from"],
                "to": state.digits(str(item.get("to", ""))),
                "subject": item.get("subject") or body.get("subject", ""),
                "content": item.get("content") or body["content"],
                "time": _now(),
            }
        )
    return JsonResponse(
        {
            "requestId": request_id,
            "requestTime": _now(),
            "statusCode": "202",
            "statusName": "success",
        },
        status=202,
    )


@signed
def alimtalk_messages(request: HttpRequest, service_id: str) -> HttpResponse:
    body = _body(request)
    if request.method != "POST" or body is None:
        return _bad_request("a JSON body is required")
    for name in ("plusFriendId", "templateCode", "messages"):
        if not body.get(name):
            return _bad_request(f"{name} is required")
    fault = state.take_fault()
    if fault == "server_error":
        return JsonResponse({"status": "500", "errorMessage": "Internal Server Error"}, status=500)
    request_id = uuid.uuid4().hex
    results = [_alimtalk_one(body, item, request_id, fault) for item in body["messages"]]
    return JsonResponse(
        {
            "requestId": request_id,
            "requestTime": _now(),
            "statusCode": "202",
            "statusName": "success",
            "messages": results,
        },
        status=202,
    )


def _alimtalk_one(
    body: dict[str, Any], item: dict[str, Any], request_id: str, fault: str
) -> dict[str, Any]:
    to = state.digits(str(item.get("to", "")))
    result = {
        "messageId": str(uuid.uuid4()),
        "countryCode": item.get("countryCode", "82"),
        "to": to,
        "content": item.get("content", ""),
        "useSmsFailover": bool(item.get("useSmsFailover")),
    }
    if fault == "template_not_approved":
        return {
            **result,
            "requestStatusCode": NOT_APPROVED,
            "requestStatusName": "fail",
            "requestStatusDesc": "승인되지 않은 템플릿입니다",
        }
    delivered = state.is_kakao_user(to)
    entry = {
        **result,
        "channel": "ALIMTALK",
        "requestId": request_id,
        "plusFriendId": body["plusFriendId"],
        "templateCode": body["templateCode"],
        "time": _now(),
        "messageStatusCode": "0000" if delivered else NOT_KAKAO_USER,
        "messageStatusName": "success" if delivered else "fail",
        "messageStatusDesc": "정상 발송" if delivered else "카카오톡을 사용하지 않는 사용자",
    }
    failover = item.get("failoverConfig") or {}
    if not delivered and item.get("useSmsFailover") and failover.get("content"):
        sms_request = uuid.uuid4().hex
        state.record(
            {
                "channel": str(failover.get("type") or "SMS").upper(),
                "requestId": sms_request,
                "from": failover.get("from", ""),
                "to": to,
                "subject": failover.get("subject", ""),
                "content": failover["content"],
                "failoverOf": result["messageId"],
                "time": _now(),
            }
        )
        entry["failoverInfo"] = {
            "type": failover.get("type", "SMS"),
            "from": failover.get("from", ""),
            "to": to,
            "requestId": sms_request,
        }
    state.record(entry)
    return {
        **result,
        "requestStatusCode": "A000",
        "requestStatusName": "success",
        "requestStatusDesc": "성공",
    }


@signed
def alimtalk_message(request: HttpRequest, service_id: str, message_id: str) -> HttpResponse:
    entry = state.message(message_id)
    if entry is None:
        return JsonResponse({"status": "404", "errorMessage": "message not found"}, status=404)
    return JsonResponse(
        {
            key: entry.get(key)
            for key in (
                "requestId",
                "messageId",
                "plusFriendId",
                "templateCode",
                "countryCode",
                "to",
                "content",
                "messageStatusCode",
                "messageStatusName",
                "messageStatusDesc",
                "useSmsFailover",
                "failoverInfo",
            )
        }
        | {"requestTime": entry["time"], "requestStatusCode": "A000"}
    )


def inbox(request: HttpRequest) -> HttpResponse:
    """What the emulator "sent", newest first: the sandbox stand-in for the phone."""
    return render(request, "notifications/sandbox_inbox.html", {"entries": state.inbox()})


urlpatterns = [
    path("sms/v2/services/<str:service_id>/messages", send_sms, name="sens_sms"),
    path(
        "alimtalk/v2/services/<str:service_id>/messages",
        alimtalk_messages,
        name="sens_alimtalk",
    ),
    path(
        "alimtalk/v2/services/<str:service_id>/messages/<str:message_id>",
        alimtalk_message,
        name="sens_alimtalk_message",
    ),
    path("inbox/", inbox, name="sens_inbox"),
]
