"""allauth's Naver provider on configurable hosts.

Naver's ``email`` is the contact address the member typed at Naver, which Naver does
not promise to have verified; allauth marks it verified anyway. Here it is not, so a
Naver login never signs in to an existing account by e-mail alone (no takeover); the
member links Naver from my page instead.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.naver.provider import NaverProvider as BaseProvider

from accounts.social.naver.views import NaverOAuth2Adapter


class NaverProvider(BaseProvider):
    oauth2_adapter_class = NaverOAuth2Adapter
    package = "accounts.social.naver"

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        email = data.get("email")
        return [EmailAddress(email=email, verified=False, primary=True)] if email else []

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"email": data.get("email"), "name": data.get("name") or data.get("nickname") or ""}


provider_classes = [NaverProvider]
