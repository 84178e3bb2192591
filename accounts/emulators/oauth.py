"""What the Kakao and Naver login emulators share: the consent page, codes and tokens.

Each emulator says how its provider words things (``Brand``); the flow is OAuth 2.0's
authorization-code grant: the consent page sends the browser back with ``code`` and
``state`` (or ``error=access_denied``), the token endpoint trades a code once for an
access token, and the profile endpoint answers for a bearer token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from accounts.emulators import state

TOKEN_SECONDS = 21599


@dataclass(frozen=True)
class Brand:
    provider: str  # "kakao" or "naver"
    title: str
    color: str
    text_color: str
    client_id: Callable[[], str]
    client_secret: Callable[[], str]
    denied: dict[str, str]  # the query the provider adds when the person cancels
    consent_items: list[str]


def stable_id(email: str) -> int:
    """The same e-mail always gets the same provider account id (10 digits)."""
    digest = hashlib.sha256(f"sandbox-social|{email.lower()}".encode()).hexdigest()
    return 1_000_000_000 + int(digest[:12], 16) % 8_999_999_999


def _back(redirect_uri: str, query: dict[str, str]) -> HttpResponseRedirect:
    joiner = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{joiner}{urlencode(query)}")


def consent(request: HttpRequest, brand: Brand) -> HttpResponse:
    """The provider's login and consent page (GET shows it, POST answers with a button)."""
    params = request.GET
    context: dict[str, Any] = {"brand": brand, "params": params}
    if params.get("client_id") != brand.client_id():
        context["error"] = "invalid_client"
    elif not params.get("redirect_uri") or params.get("response_type") != "code":
        context["error"] = "invalid_request"
    elif urlsplit(params["redirect_uri"]).netloc != request.get_host():
        # The providers send the code only to a redirect URI registered for the app; the
        # emulator's one registered site is the shop it runs in (Kakao's KOE006).
        context["error"] = "invalid_redirect_uri"
    if "error" in context or request.method != "POST":
        return render(
            request,
            "accounts/emulators/oauth_consent.html",
            context,
            status=400 if "error" in context else 200,
        )
    query_state = {"state": params["state"]} if params.get("state") else {}
    if request.POST.get("action") != "approve":
        return _back(params["redirect_uri"], {**brand.denied, **query_state})
    email = request.POST.get("email", "").strip()
    person = {
        "email": email,
        "nickname": request.POST.get("nickname", "").strip() or email.split("@")[0],
        "name": request.POST.get("name", "").strip(),
        "mobile": request.POST.get("mobile", "").strip(),
        "email_verified": request.POST.get("email_verified") == "on",
        "id": stable_id(email),
    }
    code = secrets.token_urlsafe(24)
    state.save(
        brand.provider,
        "code",
        code,
        {
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "person": person,
        },
    )
    return _back(params["redirect_uri"], {"code": code, **query_state})


def trade_code(brand: Brand, data: Any) -> tuple[str, dict[str, Any] | None]:
    """Check a token request; return ("", token body) or (error word, None).

    A code works once and only with the client and redirect URI it was issued for.
    """
    if data.get("grant_type") != "authorization_code":
        return "unsupported_grant_type", None
    client_ok = hmac.compare_digest(data.get("client_id", ""), brand.client_id())
    secret_ok = hmac.compare_digest(data.get("client_secret", ""), brand.client_secret())
    if not (client_ok and secret_ok):
        return "invalid_client", None
    issued = state.pop(brand.provider, "code", data.get("code", ""))
    if issued is None or issued["client_id"] != data.get("client_id"):
        return "invalid_grant", None
    if data.get("redirect_uri") and data["redirect_uri"] != issued["redirect_uri"]:
        return "redirect_uri_mismatch", None
    token = secrets.token_urlsafe(32)
    state.save(brand.provider, "token", token, issued["person"])
    return "", {
        "token_type": "bearer",
        "access_token": token,
        "expires_in": TOKEN_SECONDS,
        "refresh_token": secrets.token_urlsafe(32),
    }


def person_of(request: HttpRequest, provider: str) -> dict[str, Any] | None:
    """Return the person a ``Authorization: Bearer <token>`` header stands for, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return state.load(provider, "token", token)
