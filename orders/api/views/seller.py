"""Seller views: a vendor's staff fulfil its parts of orders and handle its claims."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.permissions import IsVendorStaff, vendor_id_of
from catalog.api.views import VENDOR_PARAMETER, validated
from orders import selectors, services
from orders.api import queries
from orders.api.serializers import (
    ClaimNoteSerializer,
    RejectClaimSerializer,
    SellerClaimSerializer,
    SellerShipmentSerializer,
    TrackingSerializer,
)
from orders.api.views.common import SELLER_ERRORS, SELLER_TAG, SELLER_WRITE_ERRORS, error
from orders.models import Claim, VendorShipment
from shop import privacy
from shop.api import CursorPagination
from shop.models import PersonalDataAccess

VIEW = PersonalDataAccess.Action.VIEW


class SellerView:
    permission_classes = [IsVendorStaff]


def seller_shipment(request: Request, shipment_id: int) -> Response:
    vendor_id = vendor_id_of(request)
    shipment = selectors.get_shipment_for_vendor(vendor_id=vendor_id, shipment_id=shipment_id)
    # The part carries the buyer's name, phone and address: a read of personal data.
    privacy.record_access(
        request, action=VIEW, model=VendorShipment, object_ids=[shipment.pk], vendor_id=vendor_id
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
        privacy.record_access(
            request,
            action=VIEW,
            model=VendorShipment,
            object_ids=[shipment.pk for shipment in page],
            vendor_id=vendor_id_of(request),
        )
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
