"""Orders API: the cart, checkout, the shopper's orders, guest lookup and vendor fulfilment.

Each handler validates, calls one service (``orders.services``) and serializes what the
selectors read back. Prices, totals and statuses never come from the client: input
serializers refuse such fields by name. Another shopper's order, another cart's line
and another vendor's shipment or claim all answer 404, exactly like missing ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.permissions import IsVendorStaff, vendor_id_of
from catalog.api.views import VENDOR_PARAMETER, validated
from orders import selectors, services
from orders.api import queries
from orders.api.permissions import OrderLookupThrottle, ShopperOrGuest
from orders.api.serializers import (
    AddCartLineSerializer,
    CancelOrderSerializer,
    CartSerializer,
    CheckoutSerializer,
    ClaimNoteSerializer,
    OrderDetailSerializer,
    OrderLookupSerializer,
    OrderSerializer,
    PartialCancelSerializer,
    PlacedOrderSerializer,
    RejectClaimSerializer,
    ReturnOrExchangeSerializer,
    SellerClaimSerializer,
    SellerShipmentSerializer,
    TrackingSerializer,
    UpdateCartLineSerializer,
)
from orders.models import Cart, Claim, Order, VendorShipment
from shop.api import CursorPagination, ErrorSerializer
from shop.exceptions import NotFoundError, ShopError

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
    description="Quote shipping to this 5-digit postcode (remote-area surcharge); default mainland.",
)


@contextmanager
def fields_named(renames: dict[str, str]) -> Iterator[None]:
    """Name a service's error fields as this API's input does (``variant`` -> ``variant_id``)."""
    try:
        yield
    except ShopError as refusal:
        renamed = {}
        for key, messages in refusal.fields.items():
            head, dot, rest = key.partition(".")
            renamed[renames.get(head, head) + dot + rest] = messages
        refusal.fields = renamed
        raise


# --- Cart ------------------------------------------------------------------------------------


def session_key(request: Request, *, create: bool) -> str:
    """Return the guest's session key, starting a session first if ``create``."""
    session = request.session
    if not session.session_key and create:
        session.save()
    return session.session_key or ""


def request_cart(request: Request) -> Cart:
    """The caller's cart (the member's, else the guest session's), created on first use."""
    if request.user.is_authenticated:
        return services.get_or_create_cart(user=request.user)
    return services.get_or_create_cart(session_key=session_key(request, create=True))


def postcode_of(request: Request) -> str:
    postcode = request.query_params.get("postcode", "").strip()
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        raise exceptions.ValidationError(
            {"postcode": [_("Enter the 5-digit postcode (우편번호).")]}
        )
    return postcode


def cart_response(request: Request, cart: Cart | None, **kwargs: Any) -> Response:
    postcode = postcode_of(request)
    view = (
        queries.empty_cart_view() if cart is None else selectors.cart_view(cart, postcode=postcode)
    )
    return Response(CartSerializer.represent(view), **kwargs)


class CartAccess:
    """Members by session or token; guests by their session, CSRF checked on writes."""

    permission_classes = [ShopperOrGuest]


class CartView(CartAccess, APIView):
    """The caller's cart, priced now from the catalog, grouped by vendor with shipping."""

    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER],
        responses={200: CartSerializer, 400: error("The postcode is not 5 digits.")},
        description=(
            "Every price is today's catalog price. Sets the csrftoken cookie: guests (and "
            "session members) send it back as X-CSRFToken on every write. The token is what "
            "checkout must be sent to prove the shopper saw these amounts."
        ),
    )
    def get(self, request: Request) -> Response:
        get_token(request._request)  # the guest's writes need the CSRF cookie
        if request.user.is_authenticated:
            cart = queries.find_cart(user=request.user)
        else:
            cart = queries.find_cart(session_key=session_key(request, create=False))
        return cart_response(request, cart)


class CartLinesView(CartAccess, APIView):
    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER],
        request=AddCartLineSerializer,
        responses={201: CartSerializer, **CART_ERRORS},
        description=(
            "Add an option with its add-on items and texts; the same configuration again "
            "raises that line's quantity. Stock is checked now and again at checkout."
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(AddCartLineSerializer, request.data)
        cart = request_cart(request)
        with fields_named({"variant": "variant_id", "text_options": "text_inputs"}):
            services.add_to_cart(
                cart=cart,
                variant_id=data["variant_id"],
                quantity=data["quantity"],
                product_id=data.get("product_id"),
                addons=data["addons"],
                text_inputs=data["text_inputs"],
            )
        return cart_response(request, cart, status=status.HTTP_201_CREATED)


class CartLineView(CartAccess, APIView):
    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER],
        request=UpdateCartLineSerializer,
        responses={
            200: CartSerializer,
            404: error("No such line in your cart."),
            **CART_ERRORS,
        },
        description="Set a line's quantity, within stock.",
    )
    def patch(self, request: Request, line_id: int) -> Response:
        data = validated(UpdateCartLineSerializer, request.data)
        cart = request_cart(request)
        services.update_cart_line(cart=cart, line_id=line_id, quantity=data["quantity"])
        return cart_response(request, cart)

    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER],
        responses={200: CartSerializer, 404: error("No such line in your cart."), **CSRF},
        description="Remove a line; answers the cart without it.",
    )
    def delete(self, request: Request, line_id: int) -> Response:
        cart = request_cart(request)
        services.remove_cart_line(cart=cart, line_id=line_id)
        return cart_response(request, cart)


# --- Checkout --------------------------------------------------------------------------------


class CheckoutView(CartAccess, APIView):
    @extend_schema(
        tags=[CHECKOUT_TAG],
        request=CheckoutSerializer,
        responses={
            201: PlacedOrderSerializer,
            **CSRF,
            400: error("Invalid, missing or unknown fields (a price or total is refused), named."),
            409: error(
                "The cart changed since it was reviewed (cart_token), or an item sold out; "
                "nothing was ordered."
            ),
        },
        description=(
            "Place the reviewed cart as one order awaiting payment. Amounts come from the "
            "catalog and the shipping engine only. Bank transfer (무통장입금) waits for the "
            "deposit until its deadline. Guests get the lookup token once, here."
        ),
    )
    def post(self, request: Request) -> Response:
        details = dict(validated(CheckoutSerializer, request.data))
        cart_token = details.pop("cart_token")
        placed = services.place_order(
            cart=request_cart(request), details=details, cart_token=cart_token, user=request.user
        )
        order = queries.order_for_page(order_id=placed.order.pk)
        body = {
            "order": OrderDetailSerializer.represent(order),
            "lookup_token": placed.lookup_token if order.is_guest else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


# --- The shopper's orders --------------------------------------------------------------------


def own_order(request: Request, number: str) -> Order:
    return selectors.get_order_for_user(user=request.user, number=number)


def own_shipment_id(request: Request, number: str, shipment_id: int) -> int:
    """The id of a part of the member's order ``number``; any other id is not found."""
    order = own_order(request, number)
    if shipment_id not in {shipment.pk for shipment in order.shipments.all()}:
        raise NotFoundError()
    return shipment_id


def order_response(order_id: int, **kwargs: Any) -> Response:
    order = queries.order_for_page(order_id=order_id)
    return Response(OrderDetailSerializer.represent(order), **kwargs)


class OrderListView(generics.ListAPIView):
    """The member's orders, newest first, in keyset pages."""

    serializer_class = OrderSerializer
    pagination_class = CursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Order]:
        return selectors.list_orders_for_user(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([OrderSerializer.represent(order) for order in page])

    @extend_schema(
        tags=[ORDERS_TAG],
        responses={200: OrderSerializer(many=True), **SIGNED_IN},
        description="Each order with its parts per vendor, their lines and tracking.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class OrderDetailView(APIView):
    @extend_schema(
        tags=[ORDERS_TAG],
        responses={200: OrderDetailSerializer, **SIGNED_IN, **ORDER_NOT_FOUND},
        description="One of the member's orders with its returns, exchanges and refunds.",
    )
    def get(self, request: Request, number: str) -> Response:
        order = queries.with_history(own_order(request, number))
        return Response(OrderDetailSerializer.represent(order))


class OrderCancelView(APIView):
    @extend_schema(
        tags=[ORDERS_TAG],
        request=CancelOrderSerializer,
        responses={200: OrderDetailSerializer, **SIGNED_IN, **ORDER_NOT_FOUND, **TRANSITION},
        description=(
            "Cancel the whole order before the seller prepares it; stock goes back and a paid "
            "order's refund is requested."
        ),
    )
    def post(self, request: Request, number: str) -> Response:
        data = validated(CancelOrderSerializer, request.data)
        order = own_order(request, number)
        services.cancel_order(order_id=order.pk, reason=data["reason"], shopper=request.user)
        return order_response(order.pk)


class OrderPartialCancelView(APIView):
    @extend_schema(
        tags=[ORDERS_TAG],
        request=PartialCancelSerializer,
        responses={
            200: OrderDetailSerializer,
            400: error("Invalid quantities or unknown fields, named lines.<id>."),
            **SIGNED_IN,
            **ORDER_NOT_FOUND,
            **TRANSITION,
        },
        description=(
            "Cancel some quantities of lines whose parcel has not shipped; the vendor's "
            "shipping fee is quoted again for what remains."
        ),
    )
    def post(self, request: Request, number: str) -> Response:
        data = validated(PartialCancelSerializer, request.data)
        order = own_order(request, number)
        services.partial_cancel(
            order_id=order.pk, quantities=data["lines"], reason=data["reason"], shopper=request.user
        )
        return order_response(order.pk)


class ShipmentConfirmView(APIView):
    @extend_schema(
        tags=[ORDERS_TAG],
        request=None,
        responses={200: OrderDetailSerializer, **SIGNED_IN, **ORDER_NOT_FOUND, **TRANSITION},
        description=(
            "Confirm the purchase (구매확정) of one delivered part; final, refused while a "
            "return or exchange of it is open."
        ),
    )
    def post(self, request: Request, number: str, shipment_id: int) -> Response:
        shipment_id = own_shipment_id(request, number, shipment_id)
        shipment = services.confirm_purchase(shipment_id=shipment_id, shopper=request.user)
        return order_response(shipment.order_id)


class ShipmentClaimView(APIView):
    @extend_schema(
        tags=[ORDERS_TAG],
        request=ReturnOrExchangeSerializer,
        responses={
            201: OrderDetailSerializer,
            400: error("Invalid kind, reason, quantities or unknown fields, named."),
            **SIGNED_IN,
            **ORDER_NOT_FOUND,
            **TRANSITION,
        },
        description="Ask to return (반품) or exchange (교환) lines of one delivered part.",
    )
    def post(self, request: Request, number: str, shipment_id: int) -> Response:
        data = validated(ReturnOrExchangeSerializer, request.data)
        shipment_id = own_shipment_id(request, number, shipment_id)
        claim = services.request_claim(
            shipment_id=shipment_id,
            kind=data["kind"],
            quantities=data["lines"],
            reason=data["reason"],
            shopper=request.user,
        )
        return order_response(claim.order_id, status=status.HTTP_201_CREATED)


class OrderLookupView(APIView):
    """A guest's order by its number and the lookup token, or the orderer's e-mail and phone."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [OrderLookupThrottle]

    @extend_schema(
        tags=[ORDERS_TAG],
        request=OrderLookupSerializer,
        responses={
            200: OrderDetailSerializer,
            400: error("Neither a token nor both the e-mail and phone, or unknown fields."),
            404: error("No guest order matches (the same answer whatever was wrong)."),
            429: error("Too many lookups from this address; retry_after says when."),
        },
        description=(
            "Guests: the order number with the token from checkout (optionally the e-mail or "
            "phone as well), or with both the orderer's e-mail and phone."
        ),
    )
    def post(self, request: Request) -> Response:
        data = validated(OrderLookupSerializer, request.data)
        number = data["number"].strip().upper()
        email, phone = data.get("orderer_email", ""), data.get("orderer_phone", "")
        if data.get("token"):
            order = selectors.get_order_for_guest(
                number=number, token=data["token"], email=email, phone=phone
            )
        else:
            missing = {
                name: [_("This field is required.")]
                for name, value in (("orderer_email", email), ("orderer_phone", phone))
                if not value.strip()
            }
            if missing:
                raise exceptions.ValidationError(missing)
            order = queries.guest_order_by_contact(number=number, email=email, phone=phone)
        return Response(OrderDetailSerializer.represent(queries.with_history(order)))


# --- Seller ----------------------------------------------------------------------------------


class SellerView:
    permission_classes = [IsVendorStaff]


def seller_shipment(request: Request, shipment_id: int) -> Response:
    shipment = selectors.get_shipment_for_vendor(
        vendor_id=vendor_id_of(request), shipment_id=shipment_id
    )
    return Response(SellerShipmentSerializer.represent(shipment))


def seller_claim(request: Request, claim_id: int) -> Response:
    claim = queries.vendor_claim(vendor_id=vendor_id_of(request), claim_id=claim_id)
    return Response(SellerClaimSerializer.represent(claim))


def status_filter(request: Request, values: list[str], name: str = "status") -> str:
    wanted = request.query_params.get(name, "")
    if wanted and wanted not in values:
        raise exceptions.ValidationError({name: [_("Select a valid choice.")]})
    return wanted


class SellerShipmentListView(SellerView, generics.ListAPIView):
    """The vendor's parts of orders, newest first, with only the vendor's own lines."""

    serializer_class = SellerShipmentSerializer
    pagination_class = CursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[VendorShipment]:
        return selectors.list_shipments_for_vendor(
            vendor_id=vendor_id_of(self.request),
            status=status_filter(self.request, VendorShipment.Status.values),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [SellerShipmentSerializer.represent(shipment) for shipment in page]
        )

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[
            VENDOR_PARAMETER,
            OpenApiParameter(
                "status",
                str,
                enum=VendorShipment.Status.values,
                description="Only this status (paid: new orders to prepare).",
            ),
        ],
        responses={
            200: SellerShipmentSerializer(many=True),
            400: error("The status filter is invalid."),
            **SELLER_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SellerShipmentDetailView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        responses={200: SellerShipmentSerializer, **SELLER_ERRORS},
    )
    def get(self, request: Request, shipment_id: int) -> Response:
        return seller_shipment(request, shipment_id)


class SellerPrepareView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=None,
        responses={200: SellerShipmentSerializer, **SELLER_WRITE_ERRORS},
        description="Start preparing a paid part (상품준비중); the buyer can no longer cancel it.",
    )
    def post(self, request: Request, shipment_id: int) -> Response:
        services.start_preparing(shipment_id=shipment_id, vendor_id=vendor_id_of(request))
        return seller_shipment(request, shipment_id)


class SellerShipView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=TrackingSerializer,
        responses={200: SellerShipmentSerializer, **SELLER_WRITE_ERRORS},
        description="Hand the part to a carrier with its waybill number (발송처리).",
    )
    def post(self, request: Request, shipment_id: int) -> Response:
        data = validated(TrackingSerializer, request.data)
        services.ship(shipment_id=shipment_id, vendor_id=vendor_id_of(request), **data)
        return seller_shipment(request, shipment_id)


class SellerTrackingView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=TrackingSerializer,
        responses={200: SellerShipmentSerializer, **SELLER_WRITE_ERRORS},
        description="Correct the carrier or waybill number of a shipped part.",
    )
    def post(self, request: Request, shipment_id: int) -> Response:
        data = validated(TrackingSerializer, request.data)
        services.update_tracking(shipment_id=shipment_id, vendor_id=vendor_id_of(request), **data)
        return seller_shipment(request, shipment_id)


class SellerDeliverView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=None,
        responses={200: SellerShipmentSerializer, **SELLER_WRITE_ERRORS},
        description="The parcel reached the buyer (배송완료); automatic confirmation counts from now.",
    )
    def post(self, request: Request, shipment_id: int) -> Response:
        services.mark_delivered(shipment_id=shipment_id, vendor_id=vendor_id_of(request))
        return seller_shipment(request, shipment_id)


class SellerClaimListView(SellerView, generics.ListAPIView):
    """Returns and exchanges of the vendor's parts, newest first."""

    serializer_class = SellerClaimSerializer
    pagination_class = CursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Claim]:
        return queries.vendor_claims(
            vendor_id=vendor_id_of(self.request),
            status=status_filter(self.request, Claim.Status.values),
            kind=status_filter(self.request, Claim.Kind.values, "kind"),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            [SellerClaimSerializer.represent(claim) for claim in page]
        )

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[
            VENDOR_PARAMETER,
            OpenApiParameter("status", str, enum=Claim.Status.values, description="Only this."),
            OpenApiParameter("kind", str, enum=Claim.Kind.values, description="Only this kind."),
        ],
        responses={
            200: SellerClaimSerializer(many=True),
            400: error("A filter is invalid."),
            **SELLER_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SellerClaimDetailView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        responses={200: SellerClaimSerializer, **SELLER_ERRORS},
    )
    def get(self, request: Request, claim_id: int) -> Response:
        return seller_claim(request, claim_id)


class SellerClaimReturnedView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=ClaimNoteSerializer,
        responses={200: SellerClaimSerializer, **SELLER_WRITE_ERRORS},
        description=(
            "The returned goods arrived: a refund less the return fee is requested. Stock is "
            "not put back automatically; inspect and adjust it."
        ),
    )
    def post(self, request: Request, claim_id: int) -> Response:
        data = validated(ClaimNoteSerializer, request.data)
        services.mark_returned(claim_id=claim_id, vendor_id=vendor_id_of(request), **data)
        return seller_claim(request, claim_id)


class SellerClaimExchangedView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=ClaimNoteSerializer,
        responses={200: SellerClaimSerializer, **SELLER_WRITE_ERRORS},
        description="The replacement was sent: the lines count as exchanged.",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        data = validated(ClaimNoteSerializer, request.data)
        services.mark_exchanged(claim_id=claim_id, vendor_id=vendor_id_of(request), **data)
        return seller_claim(request, claim_id)


class SellerClaimRejectView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=RejectClaimSerializer,
        responses={200: SellerClaimSerializer, **SELLER_WRITE_ERRORS},
        description="Refuse the request, saying why; its lines go back to where they were.",
    )
    def post(self, request: Request, claim_id: int) -> Response:
        data = validated(RejectClaimSerializer, request.data)
        services.reject_claim(claim_id=claim_id, vendor_id=vendor_id_of(request), **data)
        return seller_claim(request, claim_id)
