"""Kakao's OAuth2 endpoints, with hosts from settings (see accounts.social)."""

from __future__ import annotations

from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter as BaseAdapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView

from accounts.social import endpoint


def auth_base() -> str:
    return endpoint("SOCIAL_KAKAO_AUTH_BASE_URL", "https://kauth.kakao.com", "kakao/kauth")


def api_base() -> str:
    return endpoint("SOCIAL_KAKAO_API_BASE_URL", "https://kapi.kakao.com", "kakao/kapi")


class KakaoOAuth2Adapter(BaseAdapter):
    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{auth_base()}/oauth/authorize"

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{auth_base()}/oauth/token"

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return f"{api_base()}/v2/user/me"


oauth2_login = OAuth2LoginView.adapter_view(KakaoOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(KakaoOAuth2Adapter)
