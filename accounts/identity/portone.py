"""PortOne V2 identity verification (본인인증), over HTTP with explicit timeouts.

The member verifies in PortOne's window (PASS / SMS of the carriers), opened by
PortOne's browser SDK with our ``identityVerificationId`` and a ``redirectUrl``;
PortOne then sends them back with ``?identityVerificationId=...``. The browser's word
is never trusted: ``fetch`` asks ``GET /identity-verifications/{id}`` with the API
secret (``Authorization: PortOne <secret>``) and reads ``status`` (``READY``,
``VERIFIED``, ``FAILED``) and ``verifiedCustomer``.

In sandbox mode the base URL is this shop's own emulator (accounts/emulators/portone.py),
which also serves the window, so the whole flow runs offline.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from django.conf import settings
from django.urls import reverse

from accounts.identity.base import (
    IdentityError,
    IdentityProvider,
    VerificationResult,
    VerificationStart,
    VerificationStatus,
    VerifiedPerson,
)
from shop.http import tls_context

LIVE_BASE_URL = "https://api.portone.io"
STATUSES = {
    "READY": VerificationStatus.PENDING,
    "VERIFIED": VerificationStatus.VERIFIED,
    "FAILED": VerificationStatus.FAILED,
}


def base_url() -> str:
    """The configured API root; empty means the built-in emulator in sandbox mode."""
    if settings.ACCOUNTS_PORTONE_BASE_URL:
        return settings.ACCOUNTS_PORTONE_BASE_URL.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/portone"
    return LIVE_BASE_URL


def timeout() -> httpx.Timeout:
    return httpx.Timeout(
        settings.ACCOUNTS_IDENTITY_HTTP_TIMEOUT_SECONDS,
        connect=settings.ACCOUNTS_IDENTITY_CONNECT_TIMEOUT_SECONDS,
    )


class PortOneIdentity(IdentityProvider):
    code = "portone"
    name = "휴대폰 본인인증 (PortOne)"
    method = "phone"

    def begin(self, *, verification_id: str, return_url: str) -> VerificationStart:
        _require_keys()
        params = {
            "storeId": settings.ACCOUNTS_PORTONE_STORE_ID,
            "channelKey": settings.ACCOUNTS_PORTONE_CHANNEL_KEY,
            "redirectUrl": return_url,
        }
        if settings.SHOP_SANDBOX and not settings.ACCOUNTS_PORTONE_BASE_URL:
            # The emulator stands in for the window PortOne's SDK would open.
            window = f"{base_url()}/identity-verifications/{quote(verification_id)}/window"
        else:
            # Live: our page loads PortOne's browser SDK, which opens the real window.
            window = reverse("accounts:identity_sdk", kwargs={"verification_id": verification_id})
        return VerificationStart(verification_id, f"{window}?{urlencode(params)}")

    def fetch(self, *, verification_id: str) -> VerificationResult:
        _require_keys()
        url = f"{base_url()}/identity-verifications/{quote(verification_id, safe='')}"
        headers = {"Authorization": f"PortOne {settings.ACCOUNTS_PORTONE_API_SECRET}"}
        try:
            response = httpx.get(
                url,
                params={"storeId": settings.ACCOUNTS_PORTONE_STORE_ID},
                headers=headers,
                timeout=timeout(),
                verify=tls_context(),
            )
        except httpx.HTTPError as failure:
            raise IdentityError(f"PortOne could not be reached: {failure}") from failure
        body = _json(response)
        if response.status_code == 404:
            return VerificationResult(
                verification_id, VerificationStatus.FAILED, failure_reason="NOT_FOUND"
            )
        if response.status_code != 200:
            raise IdentityError(f"PortOne answered {response.status_code} {body.get('type')}")
        return parse(verification_id, body)


def _require_keys() -> None:
    """A live shop without PortOne's keys cannot verify: say so rather than call PortOne."""
    needed = ("ACCOUNTS_PORTONE_API_SECRET", "ACCOUNTS_PORTONE_STORE_ID")
    if not all(getattr(settings, name) for name in needed):
        raise IdentityError("PortOne identity verification has no keys (SHOP_PORTONE_*)")


def parse(verification_id: str, body: dict[str, Any]) -> VerificationResult:
    """Turn PortOne's IdentityVerification object into our result."""
    if body.get("id") != verification_id:
        raise IdentityError("PortOne answered about another verification")
    status = STATUSES.get(body.get("status", ""))
    if status is None:
        raise IdentityError(f"PortOne sent an unknown status {body.get('status')!r}")
    if status == VerificationStatus.FAILED:
        reason = (body.get("failure") or {}).get("reason") or "FAILED"
        return VerificationResult(verification_id, status, failure_reason=str(reason))
    if status == VerificationStatus.PENDING:
        return VerificationResult(verification_id, status)
    customer = body.get("verifiedCustomer") or {}
    try:
        person = VerifiedPerson(
            name=str(customer["name"]),
            birth_date=date.fromisoformat(customer["birthDate"]),
            phone=str(customer["phoneNumber"]),
            ci=str(customer["ci"]),
            di=str(customer["di"]),
            carrier=str(customer.get("operator") or ""),
            is_foreigner=bool(customer.get("isForeigner")),
        )
    except (KeyError, TypeError, ValueError) as failure:
        raise IdentityError(f"PortOne's verified customer is incomplete: {failure}") from failure
    return VerificationResult(verification_id, status, person=person)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
