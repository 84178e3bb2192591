"""System checks of notifications: a live shop must not send through sandbox credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

SANDBOX_DEFAULTS = {
    "SENS_ACCESS_KEY": "sandbox-access-key",
    "SENS_SECRET_KEY": "sandbox-secret-key",
}
SENS_CHANNELS = {"sms", "alimtalk"}


@register()
def sens_credentials(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside the sandbox, SMS and 알림톡 need the shop's own SENS keys."""
    if settings.SHOP_SANDBOX or not SENS_CHANNELS & set(settings.NOTIFICATIONS_CHANNELS):
        return []
    unset = [
        name
        for name, default in SANDBOX_DEFAULTS.items()
        if getattr(settings, name, "") in ("", default)
    ]
    if not unset:
        return []
    return [
        Error(
            "SMS or KakaoTalk is on (SHOP_NOTIFICATIONS_CHANNELS) without "
            + ", ".join(f"SHOP_{name}" for name in unset),
            hint="Set the NAVER Cloud SENS keys, or leave sms and alimtalk out.",
            id="notifications.E001",
        )
    ]
