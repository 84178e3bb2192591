"""Error codes of shipping: quotes that cannot be made and policies that cannot be saved."""

from enum import StrEnum

from shop.exceptions import ShopError


class ShippingErrorCode(StrEnum):
    UNKNOWN_COUNTRY = "unknown_country"
    INVALID_POSTCODE = "invalid_postcode"
    NO_OVERSEAS_SHIPPING = "no_overseas_shipping"
    COUNTRY_NOT_SERVED = "country_not_served"
    TOO_HEAVY = "too_heavy_for_overseas"
    INVALID_LINE = "invalid_line"
    NO_POLICY = "no_shipping_policy"
    INVALID_POLICY = "invalid_policy"
    OVERLAPPING_RANGE = "overlapping_postcode_range"
    INVALID_REMOTE_AREA = "invalid_remote_area"


class ShippingError(ShopError):
    """A shipping quote or policy change was refused; ``fields`` names the input at fault."""
