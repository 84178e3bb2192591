"""Use cases of orders: cart, placement, the order's life, refunds, returns and exchanges.

Every write is here, one function per use case with keyword-only arguments, each in its
own transaction. Callers use ``orders.services.<name>``; modules split it by sub-domain.
"""

from orders.services.cart import (
    add_to_cart,
    create_guest_cart,
    get_or_create_cart,
    merge_carts,
    parse_quantity,
    remove_cart_line,
    update_cart_line,
)
from orders.services.claims import (
    complete_refund,
    mark_exchanged,
    mark_returned,
    reject_claim,
    request_claim,
)
from orders.services.lifecycle import (
    cancel_order,
    confirm_purchase,
    due_for_confirmation,
    due_for_expiry,
    expire_order,
    mark_delivered,
    mark_deposit_confirmed,
    mark_paid,
    partial_cancel,
    ship,
    start_preparing,
    update_tracking,
)
from orders.services.notifications import send_order_email
from orders.services.placement import PlacedOrder, clean_details, place_order
from orders.services.sales import recount_sales
from orders.services.tracking import import_tracking

__all__ = [
    "PlacedOrder",
    "add_to_cart",
    "cancel_order",
    "clean_details",
    "complete_refund",
    "confirm_purchase",
    "create_guest_cart",
    "due_for_confirmation",
    "due_for_expiry",
    "expire_order",
    "get_or_create_cart",
    "import_tracking",
    "mark_delivered",
    "mark_deposit_confirmed",
    "mark_exchanged",
    "mark_paid",
    "mark_returned",
    "merge_carts",
    "parse_quantity",
    "partial_cancel",
    "place_order",
    "recount_sales",
    "reject_claim",
    "remove_cart_line",
    "request_claim",
    "send_order_email",
    "ship",
    "start_preparing",
    "update_cart_line",
    "update_tracking",
]
