"""allauth's adapters: the account one customised so links in e-mails point at the shop's own address.

allauth builds the password-reset and e-mail confirmation links from the request's
Host header. ALLOWED_HOSTS already refuses foreign hosts, but a shop answering on
several names (www., an internal name behind the proxy) must still mail one canonical
link: ``SHOP_SITE_URL`` (settings.SITE_URL).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied

from shop.middleware import client_ip


def on_canonical_host(url: str) -> str:
    """Return ``url`` with its scheme and host replaced by those of settings.SITE_URL."""
    site = urlsplit(settings.SITE_URL)
    link = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, link.path, link.query, link.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: Any) -> str:
        """The client's address as the rest of the shop reads it (SHOP_TRUSTED_PROXY_COUNT).

        allauth keys its per-IP limits (login, sign-up, reset, coupon codes) on this. Left
        to itself it reads REMOTE_ADDR, which behind our nginx is the proxy: every shopper
        would share one counter, and ten wrong passwords a minute would lock out the whole
        shop (security.md AC-11, AUTH-07).
        """
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Adding, removing or switching the sign-in address asks for the password again.

        A session left open, or a stolen cookie, must not be enough to move the account to
        another mailbox and then reset its password from there (security.md AUTH-06).
        Linking Kakao or Naver keeps allauth's default: those prove the person at the
        provider.
        """
        if app == "allauth.account":
            return True
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_canonical_host(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: Any, emailconfirmation: Any) -> str:
        return on_canonical_host(super().get_email_confirmation_url(request, emailconfirmation))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Kakao/Naver sign-ups: the member's name comes from the provider's profile.

    Linking is allauth's: a provider e-mail signs in to an existing account only when the
    provider verified it (SOCIALACCOUNT_EMAIL_AUTHENTICATION; our Kakao/Naver providers
    say which addresses count as verified), and allauth then wipes the password of an
    account whose own address was never verified, so an attacker who registered a
    victim's address first is locked out.
    """

    def populate_user(self, request: Any, sociallogin: Any, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        max_name = user._meta.get_field("name").max_length
        user.name = (data.get("name") or "").strip()[:max_name]
        return user

    def get_signup_form_initial_data(self, sociallogin: Any) -> dict[str, Any]:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["name"] = sociallogin.user.name
        return initial
