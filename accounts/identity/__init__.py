"""Identity verification (본인인증) providers, by code.

The providers named in ``settings.ACCOUNTS_IDENTITY_PROVIDERS`` (dotted paths) are
offered; a plugin adds one by appending its class's path there or by calling
``register`` from its AppConfig.ready().
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from accounts.identity.base import (
    IdentityError,
    IdentityProvider,
    VerificationResult,
    VerificationStart,
    VerificationStatus,
    VerifiedPerson,
)

_registered: dict[str, type[IdentityProvider]] = {}


def register(provider: type[IdentityProvider]) -> type[IdentityProvider]:
    """Offer ``provider`` under its code (usable as a class decorator)."""
    _registered[provider.code] = provider
    return provider


def providers() -> dict[str, type[IdentityProvider]]:
    """Return every offered provider class by code: the settings' first, then registered."""
    found = {cls.code: cls for cls in map(import_string, settings.ACCOUNTS_IDENTITY_PROVIDERS)}
    return {**found, **{k: v for k, v in _registered.items() if k not in found}}


def get_provider(code: str) -> IdentityProvider:
    """Return an instance of the provider ``code``; KeyError when none is offered."""
    return providers()[code]()


def default_provider_code() -> str:
    return next(iter(providers()))


__all__ = [
    "IdentityError",
    "IdentityProvider",
    "VerificationResult",
    "VerificationStart",
    "VerificationStatus",
    "VerifiedPerson",
    "default_provider_code",
    "get_provider",
    "providers",
    "register",
]
