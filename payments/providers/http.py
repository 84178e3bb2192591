"""HTTP for provider clients: explicit timeouts, secrets kept out of the ledger, and the
difference between "not sent" and "maybe processed" made explicit.

httpx is the client (DESIGN.md section 1). Each call is recorded as an ``Exchange`` for
the payment's ledger, with the request and response bodies redacted field by field.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import httpx
from django.conf import settings

from payments.providers.base import Exchange, ProviderError, ProviderOutcomeUnknownError, Recorder
from shop.http import tls_context

REDACTED = "[redacted]"
# Field and header names whose values never reach the ledger, logs or error reports:
# secrets, and the buyer's personal details a provider echoes back.
SECRET_NAMES = frozenset(
    {
        "authorization",
        "x-naver-client-secret",
        "cid_secret",
        "secret",
        "client_secret",
        "access_token",
        "refresh_token",
        "sid",
        "recurrentid",
        "billingkey",
        "vault_id",
        "pg_token",
        "card_no",
        "cardno",
        "bankaccountno",
        "email_address",
        "phone_number",
        "national_number",
    }
)


def redact(value: Any, extra: Iterable[str] = ()) -> Any:
    """Return ``value`` with every secret field (at any depth) replaced by a marker."""
    names = SECRET_NAMES | {name.lower() for name in extra}
    if isinstance(value, Mapping):
        return {
            key: REDACTED if str(key).lower() in names else redact(item, names)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item, names) for item in value]
    return value


def timeout() -> httpx.Timeout:
    """Connect fast (a dead provider is known at once), wait longer for an answer."""
    return httpx.Timeout(
        settings.PAYMENTS_HTTP_TIMEOUT_SECONDS, connect=settings.PAYMENTS_CONNECT_TIMEOUT_SECONDS
    )


def body_of(response: httpx.Response) -> dict[str, Any]:
    """Return the response's JSON object, or its text under ``_text`` if it is not JSON."""
    try:
        data = response.json()
    except ValueError:
        return {"_text": response.text[:2000]}
    return data if isinstance(data, dict) else {"_json": data}


def call(
    *,
    operation: str,
    method: str,
    url: str,
    record: Recorder,
    headers: Mapping[str, str] | None = None,
    json_body: Mapping[str, Any] | None = None,
    form: Mapping[str, Any] | None = None,
    auth: tuple[str, str] | None = None,
) -> httpx.Response:
    """Send one request and record it; map transport failures to the two outcomes.

    A failure to connect means the provider never saw the call (``ProviderError`` with
    code ``unavailable``, retryable). A timeout or a dropped answer after sending, and
    any 5xx, mean it may have been processed (``ProviderOutcomeUnknownError``).
    """
    sent = dict(json_body or {}) or {key: str(value) for key, value in (form or {}).items()}
    started = time.monotonic()
    response: httpx.Response | None = None
    error = ""
    try:
        with httpx.Client(
            timeout=timeout(), follow_redirects=False, verify=tls_context()
        ) as client:
            response = client.request(
                method,
                url,
                headers=dict(headers or {}),
                json=json_body if json_body is not None else None,
                data={key: str(value) for key, value in form.items()} if form else None,
                auth=auth,
            )
    except (httpx.ConnectError, httpx.ConnectTimeout) as failure:
        error = f"not sent: {type(failure).__name__}"
        raise ProviderError("unavailable", error, retryable=True) from failure
    except httpx.HTTPError as failure:  # read timeout, dropped connection, protocol error
        error = f"no answer: {type(failure).__name__}"
        raise ProviderOutcomeUnknownError(error) from failure
    finally:
        record(
            Exchange(
                operation=operation,
                method=method,
                url=url,
                request=redact(sent),
                status_code=response.status_code if response is not None else None,
                response=redact(body_of(response)) if response is not None else {},
                duration_ms=int((time.monotonic() - started) * 1000),
                error=error,
            )
        )
    if response.status_code >= 500:
        raise ProviderOutcomeUnknownError(f"{operation}: HTTP {response.status_code}")
    return response


def form_of(request: Any) -> dict[str, str]:
    """Read a form-encoded body (an emulator's helper), last value winning."""
    return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))


def json_of(request: Any) -> dict[str, Any]:
    """Read a JSON object body (an emulator's helper); anything else is an empty dict."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
