"""Emulator of Kakao Login (카카오 로그인), at /sandbox/kakao/.

``kauth/oauth/authorize`` (consent page), ``kauth/oauth/token`` and
``kapi/v2/user/me`` take and answer what Kakao's REST API does: the token error body
``{"error", "error_description", "error_code": "KOE..."}``, the user ``id`` (a number),
``kakao_account.{email, is_email_valid, is_email_verified, profile.nickname, name,
phone_number}`` and ``properties.nickname``; a bad token is 401 ``{"msg", "code": -401}``.
A cancelled consent returns ``error=access_denied&error_description=User denied access``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.emulators import oauth

BRAND = oauth.Brand(
    provider="kakao",
    title="카카오계정으로 로그인",
    color="#FEE500",
    text_color="#191919",
    client_id=lambda: settings.SOCIAL_KAKAO_CLIENT_ID,
    client_secret=lambda: settings.SOCIAL_KAKAO_CLIENT_SECRET,
    denied={"error": "access_denied", "error_description": "User denied access"},
    consent_items=["닉네임 (필수)", "카카오계정(이메일) (필수)"],
)
TOKEN_ERRORS = {
    "unsupported_grant_type": (400, "KOE310", "grant_type must be authorization_code"),
    "invalid_client": (401, "KOE010", "Bad client credentials"),
    "invalid_grant": (400, "KOE320", "authorization code not found"),
    "redirect_uri_mismatch": (400, "KOE303", "Redirect URI mismatch."),
}


@csrf_exempt
def authorize(request: HttpRequest) -> HttpResponse:
    return oauth.consent(request, BRAND)


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    error, body = oauth.trade_code(BRAND, request.POST)
    if error:
        status, code, description = TOKEN_ERRORS[error]
        kind = "invalid_grant" if error == "redirect_uri_mismatch" else error
        return JsonResponse(
            {"error": kind, "error_description": description, "error_code": code}, status=status
        )
    body["refresh_token_expires_in"] = 5183999
    body["scope"] = "account_email profile_nickname"
    return JsonResponse(body)


@require_GET
def user_me(request: HttpRequest) -> JsonResponse:
    person = oauth.person_of(request, "kakao")
    if person is None:
        return JsonResponse({"msg": "this access token does not exist", "code": -401}, status=401)
    account = {
        "profile_nickname_needs_agreement": False,
        "profile": {"nickname": person["nickname"], "is_default_nickname": False},
        "email_needs_agreement": False,
        "is_email_valid": True,
        "is_email_verified": person["email_verified"],
        "email": person["email"],
    }
    if person["name"]:
        account.update(name_needs_agreement=False, name=person["name"])
    if person["mobile"]:
        account.update(phone_number_needs_agreement=False, phone_number=person["mobile"])
    return JsonResponse(
        {
            "id": person["id"],
            "connected_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "properties": {"nickname": person["nickname"]},
            "kakao_account": account,
        }
    )


urlpatterns = [
    path("kauth/oauth/authorize", authorize, name="kakao_authorize"),
    path("kauth/oauth/token", token),
    path("kapi/v2/user/me", user_me),
]
