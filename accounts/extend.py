"""The public extension API of accounts (docs/extending.md).

Identity-verification providers: a provider subclasses ``IdentityProvider`` (``begin`` sends the member to the provider,
``fetch`` asks it server to server how the verification ended) and is offered with
``register_identity_provider`` from a plugin's ``AppConfig.ready``. Only the names in
``__all__`` are public.

Personal data: an app or plugin that stores data about a member describes it with
``PersonalDataSection`` and ``register_section`` in its own ``personal_data.py`` (found
automatically), so "download my data" includes it and account deletion anonymises it.
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
from accounts.personal_data import PersonalDataSection, register_section
from shop import plugins

__all__ = [
    "IdentityError",
    "IdentityProvider",
    "PersonalDataSection",
    "VerificationResult",
    "VerificationStart",
    "VerificationStatus",
    "VerifiedPerson",
    "register_identity_provider",
    "register_section",
]


def register_identity_provider(provider: type[IdentityProvider]) -> type[IdentityProvider]:
    """Offer ``provider`` for identity verification (본인인증) under its ``code``."""
    identity.register(provider)
    plugins.note("identity provider", provider.code, provider)
    return provider
