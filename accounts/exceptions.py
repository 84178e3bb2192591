"""Error codes of the accounts app."""

from enum import StrEnum

from shop.exceptions import ShopError


class AccountErrorCode(StrEnum):
    TOO_MANY_ADDRESSES = "too_many_addresses"


class AccountError(ShopError):
    """A rule of the accounts app refused the request."""
