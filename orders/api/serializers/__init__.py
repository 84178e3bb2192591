"""Orders API serializers: output ones named for the thing, input ones for the command.

Output serializers declare their fields for the OpenAPI schema and build each row in
one plain function (``represent``), as the catalog API does. Money is a string of whole
won. Statuses and kinds are plain strings in the schema (their values are listed in the
help text): an enum named ``status`` or ``kind`` would collide with the catalog's.
Input serializers refuse fields they do not declare, so a client sending a price, a
total or a status gets a 400 naming it; every amount comes from the server.
"""

from orders.api.serializers.cart import (
    AddCartLineSerializer,
    BreakdownSerializer,
    CartAddOnSerializer,
    CartLineSerializer,
    CartProductSerializer,
    CartSerializer,
    CheckoutSerializer,
    ParcelSerializer,
    TextInputSerializer,
    UpdateCartLineSerializer,
    VendorGroupSerializer,
)
from orders.api.serializers.orders import (
    CancelOrderSerializer,
    ClaimLineSerializer,
    ClaimSerializer,
    OrderAddOnSerializer,
    OrderDetailSerializer,
    OrdererSerializer,
    OrderLineSerializer,
    OrderLookupSerializer,
    OrderSerializer,
    OrderShipmentSerializer,
    PartialCancelSerializer,
    PlacedOrderSerializer,
    RecipientSerializer,
    RefundSerializer,
    ReturnOrExchangeSerializer,
)
from orders.api.serializers.seller import (
    ClaimNoteSerializer,
    RejectClaimSerializer,
    SellerClaimSerializer,
    SellerShipmentSerializer,
    TrackingSerializer,
)

__all__ = [
    "AddCartLineSerializer",
    "BreakdownSerializer",
    "CancelOrderSerializer",
    "CartAddOnSerializer",
    "CartLineSerializer",
    "CartProductSerializer",
    "CartSerializer",
    "CheckoutSerializer",
    "ClaimLineSerializer",
    "ClaimNoteSerializer",
    "ClaimSerializer",
    "OrderAddOnSerializer",
    "OrderDetailSerializer",
    "OrderLineSerializer",
    "OrderLookupSerializer",
    "OrderSerializer",
    "OrderShipmentSerializer",
    "OrdererSerializer",
    "ParcelSerializer",
    "PartialCancelSerializer",
    "PlacedOrderSerializer",
    "RecipientSerializer",
    "RefundSerializer",
    "RejectClaimSerializer",
    "ReturnOrExchangeSerializer",
    "SellerClaimSerializer",
    "SellerShipmentSerializer",
    "TextInputSerializer",
    "TrackingSerializer",
    "UpdateCartLineSerializer",
    "VendorGroupSerializer",
]
