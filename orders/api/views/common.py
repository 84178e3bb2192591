"""What the orders API views share: tags and the documented error answers."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from shop.api import ErrorSerializer

CART_TAG = "cart"
CHECKOUT_TAG = "checkout"
ORDERS_TAG = "orders"
SELLER_TAG = "seller orders"


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


CSRF = {403: error("A guest's or session member's write without the CSRF token.")}
CART_ERRORS = {
    **CSRF,
    400: error("Invalid or unknown fields, named (quantity, variant_id, addons.<id>, ...)."),
    409: error("Not for sale or not enough stock, with the field at fault."),
}
SIGNED_IN = {403: error("Not signed in, or no CSRF token with session auth.")}
ORDER_NOT_FOUND = {404: error("No such order of yours.")}
TRANSITION = {
    409: error("The order has moved on (e.g. shipped): the change is not allowed now."),
}
SELLER_ERRORS = {
    403: error("Not signed in, not staff of an approved vendor, or the role does not allow it."),
    404: error("No such shipment or claim of your vendor."),
}
SELLER_WRITE_ERRORS = {
    **SELLER_ERRORS,
    400: error("Invalid or unknown fields, named."),
    409: error("The transition is not allowed from the current status."),
}
POSTCODE_PARAMETER = OpenApiParameter(
    "postcode",
    str,
    description=(
        "Quote shipping to this postcode: in Korea 5 digits (remote-area surcharge; default "
        "mainland); abroad the postal code, which does not change the fee."
    ),
)
COUPON_PARAMETER = OpenApiParameter(
    "coupon",
    int,
    description=(
        "Members: one of your coupons (an id from coupons) to try on the cart; "
        "coupon_problem says why it does not apply."
    ),
)
POINTS_PARAMETER = OpenApiParameter(
    "points",
    int,
    description="Members: points to use; points_problem says why they cannot be used.",
)
COUNTRY_PARAMETER = OpenApiParameter(
    "country",
    str,
    description=(
        "Quote shipping to this country (ISO 3166 alpha-2, default KR). Abroad a vendor that "
        "does not ship there is named in shipping_problems and the cart has no token."
    ),
)
