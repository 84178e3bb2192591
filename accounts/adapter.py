"""allauth's account adapter, customised so links in e-mails point at the shop's own address.

allauth builds the password-reset and e-mail confirmation links from the request's
Host header. ALLOWED_HOSTS already refuses foreign hosts, but a shop answering on
several names (www., an internal name behind the proxy) must still mail one canonical
link: ``SHOP_SITE_URL`` (settings.SITE_URL).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


def on_canonical_host(url: str) -> str:
    """Return ``url`` with its scheme and host replaced by those of settings.SITE_URL."""
    site = urlsplit(settings.SITE_URL)
    link = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, link.path, link.query, link.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_canonical_host(super().get_reset_password_from_key_url(key))

    def get_email_confirmation_url(self, request: Any, emailconfirmation: Any) -> str:
        return on_canonical_host(super().get_email_confirmation_url(request, emailconfirmation))
