"""Facts the accounts app announces: signups, profile, password and address changes.

Payloads carry ids and changed values only, never a password or its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class UserSignedUp(Event):
    """A visitor created a member account."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    email: str


@dataclass(frozen=True, kw_only=True)
class ProfileChanged(Event):
    """A member's name or phone changed; ``changes`` is ``{field: [old, new]}``."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(Event):
    """A member's password was changed, set, reset or disabled (``method`` says which)."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    method: str


@dataclass(frozen=True, kw_only=True)
class AddressAdded(Event):
    """A member saved a new delivery address."""

    subject_model = "accounts.Address"
    subject_field = "address_id"

    address_id: int
    user_id: int
    is_default: bool


@dataclass(frozen=True, kw_only=True)
class AddressChanged(Event):
    """A member edited a saved address; ``changes`` is ``{field: [old, new]}``."""

    subject_model = "accounts.Address"
    subject_field = "address_id"

    address_id: int
    user_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class DefaultAddressChanged(Event):
    """A member chose another default address."""

    subject_model = "accounts.Address"
    subject_field = "address_id"

    address_id: int
    user_id: int
    previous_address_id: int | None


@dataclass(frozen=True, kw_only=True)
class AddressDeleted(Event):
    """A member deleted an address; ``promoted_address_id`` is the new default, if any."""

    subject_model = "accounts.Address"
    subject_field = "address_id"

    address_id: int
    user_id: int
    was_default: bool
    promoted_address_id: int | None


@dataclass(frozen=True, kw_only=True)
class MemberGradeChanged(Event):
    """A member moved to another grade (the recompute job, or staff in the admin)."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    old_grade: str | None
    new_grade: str | None
    purchase_count: int
    purchase_amount: str


@dataclass(frozen=True, kw_only=True)
class IdentityVerified(Event):
    """A member verified their identity (본인인증). No personal data in the payload:
    only how, and whether the record changed person (``same_person`` by CI)."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    provider: str
    method: str
    verification_id: str
    same_person: bool | None


@dataclass(frozen=True, kw_only=True)
class ConsentChanged(Event):
    """A member gave or withdrew a consent (``terms``, ``privacy`` or ``marketing``)."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    consent: str
    agreed: bool
    at: str


@dataclass(frozen=True, kw_only=True)
class SocialAccountConnected(Event):
    """A member's Kakao or Naver account was linked to their shop account."""

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    provider: str
    how: str  # "signup", "connect" (my page) or "email" (matched by a verified e-mail)


@dataclass(frozen=True, kw_only=True)
class SocialAccountDisconnected(Event):
    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    provider: str


@dataclass(frozen=True, kw_only=True)
class AccountDeleted(Event):
    """A member deleted their account: personal data erased, kept records masked.

    ``sections`` names the parts erased (``account``, ``orders``, ...); no personal data.
    """

    subject_model = "accounts.User"
    subject_field = "user_id"

    user_id: int
    sections: list[str]
