"""System checks of the shop kernel: settings a live shop must not run with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower()


@register()
def media_on_its_own_origin(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside the sandbox, uploads are served from another host than the shop.

    An uploaded file that is really HTML or SVG then runs in the media origin, where it
    reads no session cookie and calls no API as the visitor (docs/deploy.md).
    """
    if settings.SHOP_SANDBOX or settings.DEBUG:
        return []
    scheme, host = _origin(settings.MEDIA_URL)
    if scheme in {"http", "https"} and host and host != _origin(settings.SITE_URL)[1]:
        return []
    return [
        Error(
            f"MEDIA_URL {settings.MEDIA_URL!r} is not an absolute URL on another host than "
            f"SITE_URL {settings.SITE_URL!r}.",
            hint="Set SHOP_MEDIA_URL to the media host, e.g. https://media.example-usercontent.kr/.",
            id="shop.E001",
        )
    ]


# The secrets the shop itself generates, each for one purpose (docs/operations.md).
OWN_SECRETS = ("SECRET_KEY", "PAYMENTS_TOKEN_KEY", "ACCOUNTS_IDENTITY_HASH_KEY", "METRICS_TOKEN")


def _secret_values(name: str) -> list[str]:
    value = getattr(settings, name, "") or ""
    values = [part.strip() for part in str(value).split(",")]  # PAYMENTS_TOKEN_KEY: a list
    if name == "SECRET_KEY":
        values += [str(key) for key in settings.SECRET_KEY_FALLBACKS]
    return [value for value in values if value]


@register()
def one_secret_per_purpose(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside the sandbox, no value serves as two of the shop's secrets.

    A key reused for signing and encryption leaks both when one leaks, and rotating one
    would break the other.
    """
    if settings.SHOP_SANDBOX:
        return []
    owners: dict[str, set[str]] = {}
    for name in OWN_SECRETS:
        for value in _secret_values(name):
            owners.setdefault(value, set()).add(name)
    shared = sorted(", ".join(sorted(names)) for names in owners.values() if len(names) > 1)
    return [
        Error(
            f"One value is used as {names}.",  # the names only, never the value
            hint="Give each its own random value (docs/operations.md, 'Rotating keys').",
            id="shop.E002",
        )
        for names in shared
    ]
