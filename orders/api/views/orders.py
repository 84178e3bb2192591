"""The shopper's orders: list, detail, cancel, partial cancel, confirm, claims; guest lookup."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import validated
from orders import selectors, services
from orders.api import queries
from orders.api.permissions import OrderLookupThrottle
from orders.api.serializers import (
    CancelOrderSerializer,
    OrderDetailSerializer,
    OrderLookupSerializer,
    OrderSerializer,
    PartialCancelSerializer,
    ReturnOrExchangeSerializer,
)
from orders.api.views.common import ORDER_NOT_FOUND, ORDERS_TAG, SIGNED_IN, TRANSITION, error
from orders.models import Order
from shop.api import INVALID_CURSOR, CursorPagination, ThrottledErrorSerializer
from shop.exceptions import NotFoundError


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
        responses={200: OrderSerializer(many=True), **SIGNED_IN, **INVALID_CURSOR},
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
        responses={
            200: OrderDetailSerializer,
            400: error("The reason is too long, or an unknown field was sent."),
            **SIGNED_IN,
            **ORDER_NOT_FOUND,
            **TRANSITION,
        },
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
            429: OpenApiResponse(
                ThrottledErrorSerializer,
                description="Too many lookups from this address; retry_after says when.",
            ),
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
