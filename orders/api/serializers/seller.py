"""Seller serializers: a vendor's parts of orders and its claims, and the commands on them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from orders.api.serializers.common import choices_text, when
from orders.api.serializers.orders import (
    ClaimSerializer,
    OrderLineSerializer,
    RecipientSerializer,
    TrackingFieldsMixin,
)
from orders.models import Carrier, Claim, Order, VendorShipment
from shop.api import StrictInputSerializer


class SellerShipmentSerializer(TrackingFieldsMixin):
    id = serializers.IntegerField()
    order_number = serializers.CharField()
    order_status = serializers.CharField(help_text=choices_text(Order.Status.choices))
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    orderer_name = serializers.CharField()
    recipient = RecipientSerializer()
    lines = OrderLineSerializer(many=True, help_text="This vendor's lines only.")

    @staticmethod
    def represent(shipment: VendorShipment) -> dict[str, Any]:
        order = shipment.order
        return {
            "id": shipment.pk,
            "order_number": order.number,
            "order_status": order.status,
            "placed_at": when(order.placed_at),
            "paid_at": when(order.paid_at),
            "orderer_name": order.orderer_name,
            "recipient": RecipientSerializer.represent(order),
            **TrackingFieldsMixin.tracking(shipment),
            "lines": [OrderLineSerializer.represent(line) for line in shipment.lines.all()],
        }


class SellerClaimSerializer(ClaimSerializer):
    order_number = serializers.CharField()
    refund_id = serializers.IntegerField(allow_null=True)

    @staticmethod
    def represent(claim: Claim) -> dict[str, Any]:
        return {
            **ClaimSerializer.represent(claim),
            "order_number": claim.order.number,
            "refund_id": claim.refund_id,
        }


class TrackingSerializer(StrictInputSerializer):
    carrier = serializers.ChoiceField(choices=Carrier.choices, help_text="The carrier (택배사).")
    tracking_number = serializers.CharField(
        max_length=60, help_text="The waybill number (송장번호); spaces and dashes are dropped."
    )


class ClaimNoteSerializer(StrictInputSerializer):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RejectClaimSerializer(StrictInputSerializer):
    note = serializers.CharField(max_length=200, help_text="Why; the buyer reads it.")
