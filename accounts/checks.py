"""System checks of accounts: a live shop must not verify identities on sandbox keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

SANDBOX_HASH_KEY = "sandbox-identity-hash-key-not-for-production"


@register()
def identity_hash_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside the sandbox, verifying identities (PortOne keys set) needs its own hash key."""
    if settings.SHOP_SANDBOX or not settings.ACCOUNTS_PORTONE_API_SECRET:
        return []
    key = settings.ACCOUNTS_IDENTITY_HASH_KEY
    if key and key != SANDBOX_HASH_KEY and len(key) >= 32:
        return []
    return [
        Error(
            "Identity verification is configured (SHOP_PORTONE_API_SECRET) without its own "
            "SHOP_ACCOUNTS_IDENTITY_HASH_KEY (at least 32 characters).",
            hint="Set a random key once and never change it: stored CI/DI hashes depend on it.",
            id="accounts.E001",
        )
    ]
