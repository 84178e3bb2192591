"""Orders API: the cart, checkout, the shopper's orders, guest lookup and vendor fulfilment.

Each handler validates, calls one service (``orders.services``) and serializes what the
selectors read back. Prices, totals and statuses never come from the client: input
serializers refuse such fields by name. Another shopper's order, another cart's line
and another vendor's shipment or claim all answer 404, exactly like missing ones.
"""

from orders.api.views.cart import (
    CartLinesView,
    CartLineView,
    CartView,
    CheckoutView,
)
from orders.api.views.orders import (
    OrderCancelView,
    OrderDetailView,
    OrderListView,
    OrderLookupView,
    OrderPartialCancelView,
    ShipmentClaimView,
    ShipmentConfirmView,
)
from orders.api.views.seller import (
    SellerClaimDetailView,
    SellerClaimExchangedView,
    SellerClaimListView,
    SellerClaimRejectView,
    SellerClaimReturnedView,
    SellerDeliverView,
    SellerPrepareView,
    SellerShipmentDetailView,
    SellerShipmentListView,
    SellerShipView,
    SellerTrackingView,
)

__all__ = [
    "CartLineView",
    "CartLinesView",
    "CartView",
    "CheckoutView",
    "OrderCancelView",
    "OrderDetailView",
    "OrderListView",
    "OrderLookupView",
    "OrderPartialCancelView",
    "SellerClaimDetailView",
    "SellerClaimExchangedView",
    "SellerClaimListView",
    "SellerClaimRejectView",
    "SellerClaimReturnedView",
    "SellerDeliverView",
    "SellerPrepareView",
    "SellerShipView",
    "SellerShipmentDetailView",
    "SellerShipmentListView",
    "SellerTrackingView",
    "ShipmentClaimView",
    "ShipmentConfirmView",
]
