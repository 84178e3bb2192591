"""Emulator of Naver Login (네이버 로그인), at /sandbox/naver/.

``nid/oauth2.0/authorize`` (consent page), ``nid/oauth2.0/token`` (GET or POST, as
Naver takes both) and ``openapi/v1/nid/me`` answer as Naver does: token errors come
with HTTP 200 and ``{"error", "error_description"}``; the profile is
``{"resultcode": "00", "message": "success", "response": {id, email, name, nickname,
mobile, ...}}`` and a bad token is 401 ``{"resultcode": "024", "message": ...}``. A
cancelled consent returns ``error=access_denied&error_description=Canceled By User``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from accounts.emulators import oauth

BRAND = oauth.Brand(
    provider="naver",
    title="네이버 로그인",
    color="#03C75A",
    text_color="#FFFFFF",
    client_id=lambda: settings.SOCIAL_NAVER_CLIENT_ID,
    client_secret=lambda: settings.SOCIAL_NAVER_CLIENT_SECRET,
    denied={"error": "access_denied", "error_description": "Canceled By User"},
    consent_items=["이름 (필수)", "이메일 주소 (필수)", "휴대전화번호 (선택)"],
)
TOKEN_ERRORS = {
    "unsupported_grant_type": "unsupported grant type",
    "invalid_client": "client authentication failed",
    "invalid_grant": "no valid data in session",
    "redirect_uri_mismatch": "redirect uri mismatch",
}


@csrf_exempt
def authorize(request: HttpRequest) -> HttpResponse:
    return oauth.consent(request, BRAND)


@csrf_exempt
def token(request: HttpRequest) -> JsonResponse:
    data = request.POST if request.method == "POST" else request.GET
    error, body = oauth.trade_code(BRAND, data)
    if error:
        kind = "invalid_request" if error == "invalid_grant" else error
        return JsonResponse({"error": kind, "error_description": TOKEN_ERRORS[error]})
    body["expires_in"] = str(body["expires_in"])  # Naver sends it as text
    return JsonResponse(body)


@require_GET
def me(request: HttpRequest) -> JsonResponse:
    person = oauth.person_of(request, "naver")
    if person is None:
        return JsonResponse(
            {"resultcode": "024", "message": "Authentication failed (인증 실패하였습니다.)"},
            status=401,
        )
    response = {
        "id": str(person["id"]),
        "nickname": person["nickname"],
        "email": person["email"],
        "name": person["name"] or person["nickname"],
    }
    if person["mobile"]:
        response["mobile"] = person["mobile"]
    return JsonResponse({"resultcode": "00", "message": "success", "response": response})


urlpatterns = [
    path("nid/oauth2.0/authorize", authorize, name="naver_authorize"),
    path("nid/oauth2.0/token", token),
    path("openapi/v1/nid/me", me),
]
