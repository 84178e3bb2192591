"""Error codes of the vendors app."""

from enum import StrEnum

from shop.exceptions import ShopError


class VendorErrorCode(StrEnum):
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_PERIOD = "invalid_period"
    VENDOR_NOT_FOUND = "vendor_not_found"
    OWNER_NOT_VERIFIED = "owner_not_verified"  # an owner has no identity verification


class VendorError(ShopError):
    """A rule of the vendors app refused the request."""
