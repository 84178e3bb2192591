"""Models of orders: carts, orders with their per-vendor parts and lines, refunds and claims.

Split by sub-domain: ``cart`` (what a shopper is about to buy), ``order`` (what was
sold, snapshotted), ``claims`` (refunds, returns and exchanges). Every status moves only
through ``orders.services`` along the transition tables in ``orders.transitions``.
"""

from orders.models.cart import Cart, CartLine, CartLineAddOn
from orders.models.claims import Claim, ClaimLine, Refund, RefundLine
from orders.models.order import Carrier, Order, OrderLine, PaymentMethod, VendorShipment

__all__ = [
    "Carrier",
    "Cart",
    "CartLine",
    "CartLineAddOn",
    "Claim",
    "ClaimLine",
    "Order",
    "OrderLine",
    "PaymentMethod",
    "Refund",
    "RefundLine",
    "VendorShipment",
]
