"""Which payment providers this shop offers, by code.

``settings.PAYMENTS_PROVIDERS`` lists provider classes by dotted path, in the order the
checkout shows them; a plugin adds its own there (or calls ``register``). A provider
reads its keys and base URL from settings when it is built, so tests and the sandbox
point it at an emulator by changing a setting only.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from payments.providers.base import PaymentProvider
from shop.exceptions import NotFoundError

_registered: dict[str, Callable[[], PaymentProvider]] = {}


def register(code: str, factory: Callable[[], PaymentProvider]) -> None:
    """Offer one more provider (for plugins that do not use the setting)."""
    _registered[code] = factory


def _factories() -> dict[str, Callable[[], PaymentProvider]]:
    found: dict[str, Callable[[], PaymentProvider]] = {}
    for path in settings.PAYMENTS_PROVIDERS:
        factory = import_string(path)
        found[factory.code] = factory
    return {**found, **_registered}


def get_provider(code: str) -> PaymentProvider:
    """Return a client of the provider ``code``; an unknown or disabled one is not found."""
    factory = _factories().get(str(code))
    if factory is None:
        raise NotFoundError()
    return factory()


def provider_codes() -> list[str]:
    """Return the codes of every offered provider, in checkout order."""
    return list(_factories())
