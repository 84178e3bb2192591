"""What every identity verification (본인인증) provider takes and returns: dataclasses.

A provider never sees an ORM object and never returns one; ``accounts.services``
turns a verified result into the member's record.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar


class VerificationStatus(StrEnum):
    PENDING = "pending"  # the person has not finished yet
    VERIFIED = "verified"
    FAILED = "failed"


@dataclass(frozen=True)
class VerificationStart:
    """Where to send the member to verify (the provider's window)."""

    verification_id: str
    redirect_url: str


@dataclass(frozen=True)
class VerifiedPerson:
    """Who the provider says the member is. ``ci``/``di`` arrive in clear and are hashed
    by the service before anything is stored."""

    name: str
    birth_date: date
    phone: str
    ci: str
    di: str
    carrier: str = ""
    is_foreigner: bool = False


@dataclass(frozen=True)
class VerificationResult:
    verification_id: str
    status: VerificationStatus
    person: VerifiedPerson | None = None
    failure_reason: str = ""


class IdentityError(Exception):
    """The provider could not be asked (network, credentials, an answer we cannot read)."""


class IdentityProvider(ABC):
    """One identity verification provider. Subclasses set ``code`` and ``name``."""

    code: ClassVar[str]
    name: ClassVar[str]
    method: ClassVar[str] = "phone"

    @abstractmethod
    def begin(self, *, verification_id: str, return_url: str) -> VerificationStart:
        """Return where the member verifies; the provider sends them back to ``return_url``."""

    @abstractmethod
    def fetch(self, *, verification_id: str) -> VerificationResult:
        """Ask the provider, server to server, how the verification ended."""
