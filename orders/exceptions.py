"""Error codes of orders: carts, checkout and order transitions that were refused."""

from enum import StrEnum

from shop.exceptions import ShopError


class OrderErrorCode(StrEnum):
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_LINE = "invalid_line"
    CART_EMPTY = "cart_empty"
    CART_CHANGED = "cart_changed"
    OUT_OF_STOCK = "out_of_stock"
    INVALID_ADDRESS = "invalid_address"
    NOT_SHIPPABLE = "not_shippable"  # a vendor does not ship to the destination country
    INVALID_CHECKOUT = "invalid_checkout"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_CLAIM = "invalid_claim"
    INVALID_TRACKING = "invalid_tracking"
    INVALID_DISCOUNT = "invalid_discount"  # a coupon or points that cannot be used
    ADULT_ONLY = "adult_only"  # a 19+ product for a buyer who is not a verified adult


class OrderError(ShopError):
    """A cart, checkout or order change was refused; ``fields`` names the input at fault."""


class TransitionError(OrderError):
    """A status change the transition table does not allow, e.g. ship a cancelled order."""

    status_code = 409

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(OrderErrorCode.INVALID_TRANSITION, message, fields=fields)
