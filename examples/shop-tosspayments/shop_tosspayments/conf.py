"""The plugin's settings: a Django setting if the shop defines it, else the environment."""

from __future__ import annotations

import os

from django.conf import settings

LIVE_BASE_URL = "https://api.tosspayments.com"
# Toss Payments' documented test keys start with test_; these only work on the emulator.
SANDBOX_SECRET_KEY = "test_sk_sandbox_shop_tosspayments"  # noqa: S105  (emulator only)
SANDBOX_CLIENT_KEY = "test_ck_sandbox_shop_tosspayments"


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(f"SHOP_{name}", "") or default)


def secret_key() -> str:
    return _setting("TOSSPAYMENTS_SECRET_KEY", SANDBOX_SECRET_KEY)


def client_key() -> str:
    return _setting("TOSSPAYMENTS_CLIENT_KEY", SANDBOX_CLIENT_KEY)


def configured() -> bool:
    """In the sandbox the emulator's keys do; a live shop needs its own secret key."""
    return bool(settings.SHOP_SANDBOX) or secret_key() != SANDBOX_SECRET_KEY


def base_url() -> str:
    """The configured API host; empty means the plugin's emulator in sandbox mode."""
    configured = _setting("TOSSPAYMENTS_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/tosspayments"
    return LIVE_BASE_URL
