"""Error codes of promotions: points and coupons that cannot be used as asked."""

from enum import StrEnum

from shop.exceptions import ShopError


class PromotionErrorCode(StrEnum):
    INVALID_POINTS = "invalid_points"
    INSUFFICIENT_POINTS = "insufficient_points"
    COUPON_NOT_FOUND = "coupon_not_found"
    COUPON_NOT_APPLICABLE = "coupon_not_applicable"
    COUPON_USED_UP = "coupon_used_up"
    COUPON_ALREADY_HELD = "coupon_already_held"
    INVALID_COUPON = "invalid_coupon"
    RATE_LIMITED = "rate_limited"


class PromotionError(ShopError):
    """A points or coupon operation was refused; ``fields`` names the input at fault."""
