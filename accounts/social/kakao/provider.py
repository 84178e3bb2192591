"""allauth's Kakao provider on configurable hosts; an e-mail counts as verified only when
Kakao says it is both verified and valid (``is_email_verified`` and ``is_email_valid``)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.kakao.provider import KakaoProvider as BaseProvider

from accounts.social.kakao.views import KakaoOAuth2Adapter


class KakaoProvider(BaseProvider):
    oauth2_adapter_class = KakaoOAuth2Adapter
    package = "accounts.social.kakao"

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        account = data.get("kakao_account") or {}
        email = account.get("email")
        if not email:
            return []
        # An unverified address must never sign in to (take over) the account that owns it.
        verified = (
            account.get("is_email_verified") is True and account.get("is_email_valid") is True
        )
        return [EmailAddress(email=email, verified=verified, primary=True)]

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        account = data.get("kakao_account") or {}
        nickname = (account.get("profile") or {}).get("nickname") or ""
        return {"email": account.get("email"), "name": account.get("name") or nickname}


provider_classes = [KakaoProvider]
