"""HTTP client of NAVER Cloud SENS (Simple & Easy Notification Service): SMS and 알림톡.

Every call is signed the way SENS asks: ``x-ncp-apigw-signature-v2`` is the base64
HMAC-SHA256, under the secret key, of ``"{METHOD} {path}\\n{timestamp}\\n{access key}"``.
An empty ``SENS_BASE_URL`` means the built-in emulator in sandbox mode, SENS otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from notifications.exceptions import DeliveryError
from shop.http import tls_context

LIVE_BASE_URL = "https://sens.apigw.ntruss.com"


def base_url() -> str:
    if settings.SENS_BASE_URL:
        return settings.SENS_BASE_URL.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/sens"
    return LIVE_BASE_URL


def signature(*, method: str, path: str, timestamp: str, access_key: str, secret_key: str) -> str:
    message = f"{method} {path}\n{timestamp}\n{access_key}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send one signed request; return the JSON answer or raise ``DeliveryError``.

    Refusals (4xx) are final; a server error or a timeout may succeed later. A timeout
    after SENS accepted means a retry can send twice: for a shop's notice one duplicate
    is better than none.
    """
    url = base_url() + path
    signed_path = urlsplit(url).path  # SENS signs the path as sent, prefix included
    timestamp = str(int(time.time() * 1000))
    headers = {
        "x-ncp-apigw-timestamp": timestamp,
        "x-ncp-iam-access-key": settings.SENS_ACCESS_KEY,
        "x-ncp-apigw-signature-v2": signature(
            method=method,
            path=signed_path,
            timestamp=timestamp,
            access_key=settings.SENS_ACCESS_KEY,
            secret_key=settings.SENS_SECRET_KEY,
        ),
    }
    timeout = httpx.Timeout(
        settings.NOTIFICATIONS_HTTP_TIMEOUT_SECONDS,
        connect=settings.NOTIFICATIONS_CONNECT_TIMEOUT_SECONDS,
    )
    try:
        response = httpx.request(
            method, url, json=body, headers=headers, timeout=timeout, verify=tls_context()
        )
    except httpx.HTTPError as error:
        raise DeliveryError("unreachable", str(error), retryable=True) from error
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code >= 500:
        raise DeliveryError(f"http_{response.status_code}", response.text[:500], retryable=True)
    if response.status_code >= 400:
        gateway = answer.get("error") if isinstance(answer.get("error"), dict) else {}
        code = str(gateway.get("errorCode") or f"http_{response.status_code}")
        raise DeliveryError(code, str(answer.get("errorMessage") or response.text[:500]))
    return answer
