"""Account API: the signed-in member's profile and address book under /api/v1/me/.

Each handler validates, calls one service and serializes. Another member's address
id answers 404 with the error body, exactly like an id that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AddAddressSerializer,
    AddressSerializer,
    ProfileSerializer,
    UpdateAddressSerializer,
    UpdateProfileSerializer,
)
from accounts.models import Address
from shop.api import INVALID_CURSOR, ErrorSerializer

TAG = "account"
# Session auth comes first, so a missing login is a 403 (DRF answers 401 only when the
# first authenticator can send a WWW-Authenticate challenge).
ERRORS = {
    403: OpenApiResponse(
        ErrorSerializer, description="Not signed in, or no CSRF token with session auth."
    ),
}
INPUT_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="Invalid or unknown fields."),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such address of yours.")}


class MeView(APIView):
    """The signed-in member's profile."""

    @extend_schema(tags=[TAG], responses={200: ProfileSerializer, **ERRORS})
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(
        tags=[TAG],
        request=UpdateProfileSerializer,
        responses={200: ProfileSerializer, **INPUT_ERRORS},
        description="Change name and/or phone. Any other field (email, is_staff) is refused.",
    )
    def patch(self, request: Request) -> Response:
        data = UpdateProfileSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        current = {"name": request.user.name, "phone": request.user.phone}
        user = services.update_profile(
            user_id=request.user.pk, **{**current, **data.validated_data}
        )
        return Response(ProfileSerializer(user).data)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        responses={200: AddressSerializer(many=True), **ERRORS, **INVALID_CURSOR},
        description="The member's addresses, newest first, in cursor pages.",
    ),
)
class AddressListView(generics.ListAPIView):
    """The member's addresses (cursor pages, newest first) and adding one."""

    serializer_class = AddressSerializer

    def get_queryset(self) -> QuerySet[Address]:
        return selectors.list_addresses(user_id=self.request.user.pk)

    @extend_schema(
        tags=[TAG],
        request=AddAddressSerializer,
        responses={201: AddressSerializer, **INPUT_ERRORS},
        description="The first address becomes the default; is_default=true makes it so.",
    )
    def post(self, request: Request) -> Response:
        data = AddAddressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.add_address(user_id=request.user.pk, **data.validated_data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(APIView):
    """One of the member's addresses."""

    @extend_schema(tags=[TAG], responses={200: AddressSerializer, **ERRORS, **NOT_FOUND})
    def get(self, request: Request, address_id: int) -> Response:
        address = selectors.get_address(user_id=request.user.pk, address_id=address_id)
        return Response(AddressSerializer(address).data)

    @extend_schema(
        tags=[TAG],
        request=UpdateAddressSerializer,
        responses={200: AddressSerializer, **INPUT_ERRORS, **NOT_FOUND},
        description="Change some fields; use the default endpoint to change the default.",
    )
    def patch(self, request: Request, address_id: int) -> Response:
        data = UpdateAddressSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        address = services.update_address(
            user_id=request.user.pk, address_id=address_id, **data.validated_data
        )
        return Response(AddressSerializer(address).data)

    @extend_schema(
        tags=[TAG],
        responses={204: None, **ERRORS, **NOT_FOUND},
        description="If it was the default, the newest remaining address becomes the default.",
    )
    def delete(self, request: Request, address_id: int) -> Response:
        services.delete_address(user_id=request.user.pk, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SetDefaultAddressView(APIView):
    """Make one of the member's addresses their default."""

    @extend_schema(
        tags=[TAG], request=None, responses={200: AddressSerializer, **ERRORS, **NOT_FOUND}
    )
    def post(self, request: Request, address_id: int) -> Response:
        address = services.set_default_address(user_id=request.user.pk, address_id=address_id)
        return Response(AddressSerializer(address).data)
