"""System checks of payments: a live shop must not take payments on sandbox credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

# The settings each provider needs outside the sandbox.
CREDENTIALS = {
    "kakaopay": ("KAKAOPAY_SECRET_KEY", "KAKAOPAY_CID"),
    "naverpay": (
        "NAVERPAY_PARTNER_ID",
        "NAVERPAY_CLIENT_ID",
        "NAVERPAY_CLIENT_SECRET",
        "NAVERPAY_CHAIN_ID",
    ),
    "paypal": ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID"),
}


@register()
def provider_credentials(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Outside the sandbox, every offered provider needs its own keys."""
    if settings.SHOP_SANDBOX:
        return []
    offered = {path.rsplit(".", 2)[-2] for path in settings.PAYMENTS_PROVIDERS}
    errors = []
    for provider, names in CREDENTIALS.items():
        missing = [
            name for name in names if provider in offered and not getattr(settings, name, "")
        ]
        if missing:
            errors.append(
                Error(
                    f"{provider} is offered (SHOP_PAYMENTS_PROVIDERS) without "
                    + ", ".join(f"SHOP_{name}" for name in missing),
                    hint="Set the provider's keys, or leave it out of SHOP_PAYMENTS_PROVIDERS.",
                    id="payments.E001",
                )
            )
    return errors
