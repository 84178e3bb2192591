"""Kakao and Naver login: allauth's providers, with their hosts configurable.

allauth hard-codes the providers' hosts as class attributes of its OAuth2 adapters
(``https://kauth.kakao.com/...``), so the shop could not point them at its emulators.
These small subclasses read each host from settings at call time: empty means the
emulator under /sandbox/ in sandbox mode and the provider's live host otherwise.
``SOCIALACCOUNT_PROVIDERS[...]["provider_class"]`` (an allauth setting) installs them.
"""

from __future__ import annotations

from django.conf import settings


def endpoint(setting: str, live: str, emulator: str) -> str:
    """Return the base URL named by ``setting``, else the emulator's (sandbox) or ``live``."""
    configured = getattr(settings, setting, "")
    if configured:
        return configured.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/{emulator}"
    return live
