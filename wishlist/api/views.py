"""Wishlist API under /api/v1/me/: the member's wished products and restock alerts.

Each handler validates, calls one service and serializes; another member's alert id
answers 404 like one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.api import INVALID_CURSOR, ErrorSerializer
from wishlist import selectors, services
from wishlist.api.serializers import (
    AddToWishlistSerializer,
    RequestRestockSerializer,
    RestockAlertSerializer,
    WishlistItemSerializer,
)
from wishlist.models import RestockSubscription, WishlistItem

TAG = "wishlist"
SIGNED_IN = {403: OpenApiResponse(ErrorSerializer, description="Not signed in.")}
ERRORS = {
    **SIGNED_IN,
    400: OpenApiResponse(ErrorSerializer, description="Invalid fields."),
    404: OpenApiResponse(ErrorSerializer, description="No such product, option or alert."),
}


class WishlistView(generics.ListAPIView):
    serializer_class = WishlistItemSerializer

    def get_queryset(self) -> QuerySet[WishlistItem]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no member
            return WishlistItem.objects.none()
        return selectors.list_wishlist(self.request.user)

    @extend_schema(
        tags=[TAG],
        responses={200: WishlistItemSerializer(many=True), **SIGNED_IN, **INVALID_CURSOR},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        request=AddToWishlistSerializer,
        responses={201: WishlistItemSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = AddToWishlistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.add_to_wishlist(
            user=request.user, product_id=body.validated_data["product_id"]
        )
        return Response(WishlistItemSerializer(item).data, status=status.HTTP_201_CREATED)


class WishlistItemView(APIView):
    @extend_schema(tags=[TAG], responses={204: None, **ERRORS})
    def delete(self, request: Request, product_id: int) -> Response:
        services.remove_from_wishlist(user=request.user, product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RestockAlertsView(generics.ListAPIView):
    serializer_class = RestockAlertSerializer

    def get_queryset(self) -> QuerySet[RestockSubscription]:
        if getattr(self, "swagger_fake_view", False):
            return RestockSubscription.objects.none()
        return selectors.list_restock_alerts(self.request.user)

    @extend_schema(
        tags=[TAG],
        responses={200: RestockAlertSerializer(many=True), **SIGNED_IN, **INVALID_CURSOR},
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        request=RequestRestockSerializer,
        responses={201: RestockAlertSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = RequestRestockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = services.request_restock_alert(
            user=request.user, variant_id=body.validated_data["variant_id"]
        )
        return Response(RestockAlertSerializer(alert).data, status=status.HTTP_201_CREATED)


class RestockAlertView(APIView):
    @extend_schema(tags=[TAG], responses={204: None, **ERRORS})
    def delete(self, request: Request, subscription_id: int) -> Response:
        services.cancel_restock_alert(user=request.user, subscription_id=subscription_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
