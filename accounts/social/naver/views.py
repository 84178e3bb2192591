"""Naver's OAuth2 endpoints, with hosts from settings (see accounts.social)."""

from __future__ import annotations

from allauth.socialaccount.providers.naver.views import NaverOAuth2Adapter as BaseAdapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from accounts.social import endpoint


def auth_base() -> str:
    return endpoint("SOCIAL_NAVER_AUTH_BASE_URL", "https://nid.naver.com", "naver/nid")


def api_base() -> str:
    return endpoint("SOCIAL_NAVER_API_BASE_URL", "https://openapi.naver.com", "naver/openapi")


class NaverOAuth2Adapter(BaseAdapter):
    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{auth_base()}/oauth2.0/authorize"

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{auth_base()}/oauth2.0/token"

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return f"{api_base()}/v1/nid/me"


oauth2_login = OAuth2LoginView.adapter_view(NaverOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(NaverOAuth2Adapter)
