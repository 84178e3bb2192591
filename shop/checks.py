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
