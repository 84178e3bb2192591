"""Error codes of the accounts app."""

from enum import StrEnum

from shop.exceptions import ShopError


class AccountErrorCode(StrEnum):
    TOO_MANY_ADDRESSES = "too_many_addresses"
    IDENTITY_FAILED = "identity_failed"
    IDENTITY_PENDING = "identity_pending"
    IDENTITY_UNAVAILABLE = "identity_unavailable"
    IDENTITY_OTHER_PERSON = "identity_other_person"
    DELETION_BLOCKED = "deletion_blocked"
    ACCOUNT_CLOSED = "account_closed"
    REAUTH_REQUIRED = "reauthentication_required"


class AccountError(ShopError):
    """A rule of the accounts app refused the request."""
