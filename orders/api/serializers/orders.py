"""Order serializers: a shopper's orders with their parts, lines, claims and refunds."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.api.serializers import PlainSerializer, VendorSummarySerializer, money
from orders.api.serializers.cart import TextInputSerializer
from orders.api.serializers.common import choices_text, line_quantities, when
from orders.models import Carrier, Claim, Order, OrderLine, PaymentMethod, Refund, VendorShipment
from shop.api import StrictInputSerializer


class OrderAddOnSerializer(PlainSerializer):
    addon_id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.CharField()
    quantity = serializers.IntegerField()


class OrderLineSerializer(PlainSerializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField(allow_null=True)
    variant_id = serializers.IntegerField(allow_null=True)
    product_name = serializers.CharField(help_text="As it was when the order was placed.")
    option_label = serializers.CharField()
    sku = serializers.CharField()
    addons = OrderAddOnSerializer(many=True)
    addons_amount = serializers.CharField()
    text_inputs = TextInputSerializer(many=True)
    unit_price = serializers.CharField()
    extra_price = serializers.CharField()
    unit_total = serializers.CharField()
    quantity = serializers.IntegerField()
    cancelled_quantity = serializers.IntegerField()
    returned_quantity = serializers.IntegerField()
    live_quantity = serializers.IntegerField(help_text="Neither cancelled nor returned.")
    amount = serializers.CharField(help_text="What is paid for the live quantity.")
    is_tax_free = serializers.BooleanField()
    status = serializers.CharField(help_text=choices_text(OrderLine.Status.choices))
    status_label = serializers.CharField()

    @staticmethod
    def represent(line: OrderLine) -> dict[str, Any]:
        return {
            "id": line.pk,
            "product_id": line.product_id,
            "variant_id": line.variant_id,
            "product_name": line.product_name,
            "option_label": line.option_label,
            "sku": line.sku,
            "addons": [
                {
                    "addon_id": int(item["addon_id"]),
                    "name": item["name"],
                    "price": item["price"],
                    "quantity": int(item["quantity"]),
                }
                for item in line.addons
            ],
            "addons_amount": money(line.addons_amount),
            "text_inputs": line.text_inputs,
            "unit_price": money(line.unit_price),
            "extra_price": money(line.extra_price),
            "unit_total": money(line.unit_total),
            "quantity": line.quantity,
            "cancelled_quantity": line.cancelled_quantity,
            "returned_quantity": line.returned_quantity,
            "live_quantity": line.live_quantity,
            "amount": money(line.live_amount),
            "is_tax_free": line.is_tax_free,
            "status": line.status,
            "status_label": str(line.get_status_display()),
        }


class TrackingFieldsMixin(PlainSerializer):
    status = serializers.CharField(help_text=choices_text(VendorShipment.Status.choices))
    status_label = serializers.CharField()
    shipping_fee = serializers.CharField(help_text="Paid for this part's shipping now.")
    return_fee = serializers.CharField(help_text="The vendor's return fee (반품 배송비).")
    exchange_fee = serializers.CharField(help_text="The vendor's exchange fee (교환 배송비).")
    carrier = serializers.CharField(
        help_text=choices_text(Carrier.choices) + " Empty until shipped."
    )
    carrier_name = serializers.CharField()
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField(help_text="The carrier's tracking page, if shipped.")
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the purchase was confirmed (구매확정)."
    )

    @staticmethod
    def tracking(shipment: VendorShipment) -> dict[str, Any]:
        return {
            "status": shipment.status,
            "status_label": str(shipment.get_status_display()),
            "shipping_fee": money(shipment.shipping_fee),
            "return_fee": money(shipment.return_fee),
            "exchange_fee": money(shipment.exchange_fee),
            "carrier": shipment.carrier,
            "carrier_name": str(shipment.get_carrier_display()) if shipment.carrier else "",
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
            "shipped_at": when(shipment.shipped_at),
            "delivered_at": when(shipment.delivered_at),
            "confirmed_at": when(shipment.confirmed_at),
        }


class OrderShipmentSerializer(TrackingFieldsMixin):
    id = serializers.IntegerField()
    vendor = VendorSummarySerializer()
    lines = OrderLineSerializer(many=True)

    @staticmethod
    def represent(shipment: VendorShipment, lines: list[OrderLine] | None = None) -> dict[str, Any]:
        """``lines``: the part's lines when the caller has them already (the order's)."""
        lines = shipment.lines.all() if lines is None else lines
        return {
            "id": shipment.pk,
            "vendor": VendorSummarySerializer.represent(shipment.vendor),
            **TrackingFieldsMixin.tracking(shipment),
            "lines": [OrderLineSerializer.represent(line) for line in lines],
        }


class OrdererSerializer(PlainSerializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class RecipientSerializer(PlainSerializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    postcode = serializers.CharField()
    road_address = serializers.CharField()
    detail_address = serializers.CharField()
    delivery_memo = serializers.CharField()

    @staticmethod
    def represent(order: Order) -> dict[str, Any]:
        return {
            "name": order.recipient_name,
            "phone": order.recipient_phone,
            "postcode": order.postcode,
            "road_address": order.road_address,
            "detail_address": order.detail_address,
            "delivery_memo": order.delivery_memo,
        }


class OrderSerializer(PlainSerializer):
    number = serializers.CharField()
    status = serializers.CharField(help_text=choices_text(Order.Status.choices))
    status_label = serializers.CharField()
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()
    payment_method = serializers.CharField(help_text=choices_text(PaymentMethod.choices))
    depositor_name = serializers.CharField(help_text="Bank transfer: the name on the deposit.")
    deposit_deadline = serializers.DateTimeField(allow_null=True)
    payment_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Unpaid by then, the order is cancelled and its stock released."
    )
    orderer = OrdererSerializer()
    recipient = RecipientSerializer()
    items_amount = serializers.CharField(help_text="Base prices and add-on items.")
    option_extras_amount = serializers.CharField()
    shipping_amount = serializers.CharField()
    discount_amount = serializers.CharField()
    points_amount = serializers.CharField()
    total_amount = serializers.CharField()
    tax_free_amount = serializers.CharField()
    vat_amount = serializers.CharField()
    shipments = OrderShipmentSerializer(many=True, help_text="One part per vendor.")

    @staticmethod
    def represent(order: Order) -> dict[str, Any]:
        lines_by_shipment: dict[int, list[OrderLine]] = {}
        for line in order.lines.all():
            lines_by_shipment.setdefault(line.shipment_id, []).append(line)
        shipments = [
            OrderShipmentSerializer.represent(shipment, lines_by_shipment.get(shipment.pk, []))
            for shipment in order.shipments.all()
        ]
        return {
            "number": order.number,
            "status": order.status,
            "status_label": str(order.get_status_display()),
            "placed_at": when(order.placed_at),
            "paid_at": when(order.paid_at),
            "cancelled_at": when(order.cancelled_at),
            "cancel_reason": order.cancel_reason,
            "payment_method": order.payment_method,
            "depositor_name": order.depositor_name,
            "deposit_deadline": when(order.deposit_deadline),
            "payment_expires_at": when(order.payment_expires_at),
            "orderer": {
                "name": order.orderer_name,
                "email": order.orderer_email,
                "phone": order.orderer_phone,
            },
            "recipient": RecipientSerializer.represent(order),
            "items_amount": money(order.items_amount),
            "option_extras_amount": money(order.option_extras_amount),
            "shipping_amount": money(order.shipping_amount),
            "discount_amount": money(order.discount_amount),
            "points_amount": money(order.points_amount),
            "total_amount": money(order.total_amount),
            "tax_free_amount": money(order.tax_free_amount),
            "vat_amount": money(order.vat_amount),
            "shipments": shipments,
        }


class ClaimLineSerializer(PlainSerializer):
    order_line_id = serializers.IntegerField()
    product_name = serializers.CharField()
    option_label = serializers.CharField()
    quantity = serializers.IntegerField()


class ClaimSerializer(PlainSerializer):
    id = serializers.IntegerField()
    shipment_id = serializers.IntegerField()
    kind = serializers.CharField(help_text=choices_text(Claim.Kind.choices))
    kind_label = serializers.CharField()
    status = serializers.CharField(help_text=choices_text(Claim.Status.choices))
    status_label = serializers.CharField()
    reason = serializers.CharField()
    fee = serializers.CharField(help_text="The vendor's return or exchange fee.")
    lines = ClaimLineSerializer(many=True)
    resolution_note = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @staticmethod
    def represent(claim: Claim) -> dict[str, Any]:
        return {
            "id": claim.pk,
            "shipment_id": claim.shipment_id,
            "kind": claim.kind,
            "kind_label": str(claim.get_kind_display()),
            "status": claim.status,
            "status_label": str(claim.get_status_display()),
            "reason": claim.reason,
            "fee": money(claim.fee),
            "lines": [
                {
                    "order_line_id": item.order_line_id,
                    "product_name": item.order_line.product_name,
                    "option_label": item.order_line.option_label,
                    "quantity": item.quantity,
                }
                for item in claim.lines.all()
            ],
            "resolution_note": claim.resolution_note,
            "resolved_at": when(claim.resolved_at),
            "created_at": when(claim.created_at),
        }


class RefundSerializer(PlainSerializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=choices_text(Refund.Kind.choices))
    status = serializers.CharField(help_text=choices_text(Refund.Status.choices))
    status_label = serializers.CharField()
    items_amount = serializers.CharField()
    shipping_amount = serializers.CharField()
    deduction_amount = serializers.CharField(help_text="The vendor's return fee, taken off.")
    amount = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    @staticmethod
    def represent(refund: Refund) -> dict[str, Any]:
        return {
            "id": refund.pk,
            "kind": refund.kind,
            "status": refund.status,
            "status_label": str(refund.get_status_display()),
            "items_amount": money(refund.items_amount),
            "shipping_amount": money(refund.shipping_amount),
            "deduction_amount": money(refund.deduction_amount),
            "amount": money(refund.amount),
            "created_at": when(refund.created_at),
            "completed_at": when(refund.completed_at),
        }


class OrderDetailSerializer(OrderSerializer):
    claims = ClaimSerializer(many=True, help_text="Returns and exchanges asked for.")
    refunds = RefundSerializer(many=True)

    @staticmethod
    def represent(order: Order) -> dict[str, Any]:
        return {
            **OrderSerializer.represent(order),
            "claims": [ClaimSerializer.represent(claim) for claim in order.claims.all()],
            "refunds": [RefundSerializer.represent(refund) for refund in order.refunds.all()],
        }


class PlacedOrderSerializer(PlainSerializer):
    order = OrderDetailSerializer()
    lookup_token = serializers.CharField(
        allow_null=True,
        help_text=(
            "Guests only, shown this once: with the order number it opens the order "
            "(POST /orders/lookup/). Null for members."
        ),
    )
    payment_url = serializers.CharField(
        allow_null=True,
        help_text=(
            "Where the buyer pays an online method (KakaoPay, NaverPay, PayPal, brand pay): "
            "open it in the browser that holds the session. Null for bank transfer."
        ),
    )


class CancelOrderSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PartialCancelSerializer(StrictInputSerializer):
    lines = line_quantities()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReturnOrExchangeSerializer(StrictInputSerializer):
    kind = serializers.CharField(max_length=16, help_text="return (반품) or exchange (교환).")
    lines = line_quantities()
    reason = serializers.CharField(max_length=500, help_text="Why; the seller reads it.")


class OrderLookupSerializer(StrictInputSerializer):
    number = serializers.CharField(max_length=20, help_text="The order number.")
    token = serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        help_text="The lookup token given at checkout (the link in the e-mail).",
    )
    orderer_email = serializers.CharField(
        max_length=254, required=False, allow_blank=True, help_text="Without a token: required."
    )
    orderer_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="Without a token: required."
    )
