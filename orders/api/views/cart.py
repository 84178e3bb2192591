"""Cart and checkout views: members by session or token, guests by their session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import validated
from orders import payment_methods, selectors, services
from orders.api import queries
from orders.api.permissions import ShopperOrGuest, ShopperOrGuestSchema
from orders.api.serializers import (
    AddCartLineSerializer,
    CartSerializer,
    CheckoutSerializer,
    OrderDetailSerializer,
    PlacedOrderSerializer,
    UpdateCartLineSerializer,
)
from orders.api.views.common import (
    CART_ERRORS,
    CART_TAG,
    CHECKOUT_TAG,
    COUNTRY_PARAMETER,
    COUPON_PARAMETER,
    CSRF,
    POINTS_PARAMETER,
    POSTCODE_PARAMETER,
    error,
)
from orders.models import Cart
from orders.services.placement import DOMESTIC, clean_country, postcode_problems
from orders.views import session
from shop.exceptions import ShopError


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


def request_cart(request: Request) -> Cart:
    """The caller's cart (the member's, else the guest session's), created on first use.

    Guests share the storefront's cart key in the session (``orders.views.session``),
    so a cart filled through the API is the one the pages show and the one merged into
    the member's cart at sign-in.
    """
    return session.open_cart(request)


def destination_of(request: Request) -> tuple[str, str]:
    """Return the ``(country, postcode)`` to quote for, from the query; 400 naming a bad one."""
    try:
        country = clean_country(request.query_params.get("country"))
    except ValueError:
        raise exceptions.ValidationError(
            {"country": [_("Choose a country from the list.")]}
        ) from None
    postcode = request.query_params.get("postcode", "").strip()
    if country != DOMESTIC:
        postcode = " ".join(postcode.upper().split())
        problems = postcode_problems(postcode, country=country) if postcode else []
    else:
        problems = (
            [_("Enter the 5-digit postcode (우편번호).")]
            if postcode and not (len(postcode) == 5 and postcode.isdigit())
            else []
        )
    if problems:
        raise exceptions.ValidationError({"postcode": problems})
    return country, postcode


def cart_response(request: Request, cart: Cart | None, **kwargs: Any) -> Response:
    """The cart priced now; a member's ``coupon`` and ``points`` (query) are tried on it."""
    country, postcode = destination_of(request)
    view = (
        queries.empty_cart_view()
        if cart is None
        else selectors.cart_view(
            cart,
            postcode=postcode,
            country=country,
            user=request.user,
            coupon=request.query_params.get("coupon"),
            points=request.query_params.get("points"),
        )
    )
    if request.method != "GET" and request.auth is None:
        # A change from a browser session: keep the storefront header's count in step.
        session.remember_count(request, len(view.lines))
    return Response(CartSerializer.represent(view), **kwargs)


class CartAccess:
    """Members by session or token; guests by their session, CSRF checked on writes."""

    permission_classes = [ShopperOrGuest]
    schema = ShopperOrGuestSchema()


class CartView(CartAccess, APIView):
    """The caller's cart, priced now from the catalog, grouped by vendor with shipping."""

    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER, COUNTRY_PARAMETER, COUPON_PARAMETER, POINTS_PARAMETER],
        responses={200: CartSerializer, 400: error("The postcode is not 5 digits.")},
        description=(
            "Every price is today's catalog price. Sets the csrftoken cookie: guests (and "
            "session members) send it back as X-CSRFToken on every write. The token is what "
            "checkout must be sent to prove the shopper saw these amounts."
        ),
    )
    def get(self, request: Request) -> Response:
        get_token(request._request)  # the guest's writes need the CSRF cookie
        return cart_response(request, session.find_cart(request))


class CartLinesView(CartAccess, APIView):
    @extend_schema(
        tags=[CART_TAG],
        parameters=[POSTCODE_PARAMETER, COUNTRY_PARAMETER],
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
        parameters=[POSTCODE_PARAMETER, COUNTRY_PARAMETER],
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
        parameters=[POSTCODE_PARAMETER, COUNTRY_PARAMETER],
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
            "deposit until its deadline. Guests get the lookup token once, here. Abroad "
            "(country other than KR) the postal code is free text, the recipient's phone is in "
            "international format, and the methods are those offered there (PayPal)."
        ),
    )
    def post(self, request: Request) -> Response:
        details = dict(validated(CheckoutSerializer, request.data))
        cart_token = details.pop("cart_token")
        placed = services.place_order(
            cart=request_cart(request), details=details, cart_token=cart_token, user=request.user
        )
        order = queries.order_for_page(order_id=placed.order.pk)
        option = payment_methods.get_option(order.payment_method)
        payment_url = (
            request.build_absolute_uri(option.start_url(order, placed.payment_choice))
            if option is not None and option.start_url is not None
            else None
        )
        if order.is_guest:  # the browser session may then open the order's payment pages
            session.grant_guest_order(request, order.number, placed.lookup_token)
        body = {
            "order": OrderDetailSerializer.represent(order),
            "lookup_token": placed.lookup_token if order.is_guest else None,
            "payment_url": payment_url,
        }
        return Response(body, status=status.HTTP_201_CREATED)
