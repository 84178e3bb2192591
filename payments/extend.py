"""The public extension API of payments: add a payment provider (docs/extending.md).

A provider is a class speaking ``PaymentProvider`` (``payments.providers.base``), built
with no arguments, reading its keys from settings. ``register_provider`` offers it at
checkout and lets the payment services reach it by its ``code``; the shop's own
provider-neutral flow (intents, ledger, exactly-once confirmation, refunds,
reconciliation) then applies to it unchanged. Only the names in ``__all__`` are public.
"""

from __future__ import annotations

from collections.abc import Callable

from orders import payment_methods
from payments.checkout import available_for, start_url
from payments.providers import http, registry
from payments.providers.base import (
    Exchange,
    NextAction,
    PaymentProvider,
    PaymentRef,
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    Recorder,
    RefundRequest,
    RefundResult,
    ResultStatus,
    StoredMethod,
    WebhookNotice,
)
from shop import plugins

__all__ = [
    "Exchange",
    "NextAction",
    "PaymentProvider",
    "PaymentRef",
    "PaymentRequest",
    "PaymentResult",
    "ProviderError",
    "ProviderOutcomeUnknownError",
    "Recorder",
    "RefundRequest",
    "RefundResult",
    "ResultStatus",
    "StoredMethod",
    "WebhookNotice",
    "http",
    "register_provider",
]


def register_provider(
    provider: type[PaymentProvider],
    *,
    description: str = "",
    available: Callable[[str], bool] | None = None,
) -> None:
    """Offer ``provider`` at checkout under its ``code`` and ``label``.

    ``available(country)`` says which destinations it takes (default: Korean addresses
    only, like the Korean easy payments). Checkout marks it with a badge of the CSS class
    ``pay-badge--<code>``, which the plugin styles from a ``checkout_extras`` block. The
    buyer goes through the shop's own ``payments:start`` page, which calls ``begin``.
    """
    registry.register(provider.code, provider)
    payment_methods.register(
        payment_methods.PaymentOption(
            code=provider.code,
            label=provider.label,
            description=description,
            start_url=start_url,
            available=available or available_for(provider.code),
        )
    )
    plugins.note("payment provider", provider.code, provider)
