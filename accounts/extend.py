"""The public extension API of accounts: identity-verification providers (docs/extending.md).

A provider subclasses ``IdentityProvider`` (``begin`` sends the member to the provider,
``fetch`` asks it server to server how the verification ended) and is offered with
``register_identity_provider`` from a plugin's ``AppConfig.ready``. Only the names in
``__all__`` are public.
"""

from __future__ import annotations

from accounts import identity
from accounts.identity.base import (
    IdentityError,
    IdentityProvider,
    VerificationResult,
    VerificationStart,
    VerificationStatus,
    VerifiedPerson,
)
from shop import plugins

__all__ = [
    "IdentityError",
    "IdentityProvider",
    "VerificationResult",
    "VerificationStart",
    "VerificationStatus",
    "VerifiedPerson",
    "register_identity_provider",
]


def register_identity_provider(provider: type[IdentityProvider]) -> type[IdentityProvider]:
    """Offer ``provider`` for identity verification (본인인증) under its ``code``."""
    identity.register(provider)
    plugins.note("identity provider", provider.code, provider)
    return provider
