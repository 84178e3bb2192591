"""Orders API serializers: output ones named for the thing, input ones for the command.

Output serializers declare their fields for the OpenAPI schema and build each row in
one plain function (``represent``), as the catalog API does. Money is a string of whole
won. Statuses and kinds are plain strings in the schema (their values are listed in the
help text): an enum named ``status`` or ``kind`` would collide with the catalog's.
Input serializers refuse fields they do not declare, so a client sending a price, a
total or a status gets a 400 naming it; every amount comes from the server.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.api.serializers import PlainSerializer, VendorSummarySerializer, money
from orders.models import Carrier, Claim, Order, OrderLine, PaymentMethod, Refund, VendorShipment
from orders.models.cart import MAX_LINE_QUANTITY
from orders.selectors import CartView, PricedLine, VendorGroup
from orders.services.placement import LIMITS
from shipping import engine
from shop.api import StrictInputSerializer

WHEN = serializers.DateTimeField()


def when(value: Any) -> str | None:
    return WHEN.to_representation(value) if value is not None else None


def choices_text(choices: Any) -> str:
    return "One of: " + ", ".join(str(value) for value, _label in choices) + "."


def quantity_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, **kwargs)


def line_quantities(**kwargs: Any) -> serializers.DictField:
    return serializers.DictField(
        child=quantity_field(),
        allow_empty=False,
        help_text='Quantities by order line id, e.g. {"12": 1}.',
        **kwargs,
    )


# --- Cart ------------------------------------------------------------------------------------


class CartAddOnSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.CharField(help_text="Price of one, in whole won, today.")
    quantity = serializers.IntegerField()
    amount = serializers.CharField()


class TextInputSerializer(PlainSerializer):
    option_id = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()


class CartProductSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    is_tax_free = serializers.BooleanField()


class CartLineSerializer(PlainSerializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    option_label = serializers.CharField()
    product = CartProductSerializer()
    vendor_id = serializers.IntegerField()
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField(help_text="Base price of one, today's catalog price.")
    extra_price = serializers.CharField(help_text="The option's extra price (옵션가) of one.")
    unit_total = serializers.CharField()
    addons = CartAddOnSerializer(many=True)
    text_inputs = TextInputSerializer(many=True)
    amount = serializers.CharField(help_text="unit_total times quantity, plus the add-on items.")
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Why the line cannot be bought now, if it cannot."
    )

    @staticmethod
    def represent(line: PricedLine) -> dict[str, Any]:
        product = line.product
        return {
            "id": line.line_id,
            "variant_id": line.variant.pk,
            "option_label": line.variant.label,
            "product": {
                "id": product.pk,
                "name": product.name,
                "slug": product.slug,
                "is_tax_free": product.is_tax_free,
            },
            "vendor_id": line.vendor.pk,
            "quantity": line.quantity,
            "unit_price": money(line.unit_price),
            "extra_price": money(line.extra_price),
            "unit_total": money(line.unit_total),
            "addons": [
                {
                    "id": item.addon.pk,
                    "name": item.addon.name,
                    "price": money(item.price),
                    "quantity": item.quantity,
                    "amount": money(item.amount),
                }
                for item in line.addons
            ],
            "text_inputs": line.texts,
            "amount": money(line.amount),
            "problems": [str(problem) for problem in line.problems],
        }


class BreakdownSerializer(PlainSerializer):
    code = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.CharField(allow_null=True, help_text="Null for a note that adds nothing.")


class ParcelSerializer(PlainSerializer):
    policy_id = serializers.IntegerField()
    policy_name = serializers.CharField()
    line_ids = serializers.ListField(child=serializers.IntegerField())
    items_total = serializers.CharField()
    fee = serializers.CharField()
    payer = serializers.CharField(help_text="prepaid (선결제) or cod (착불: paid on delivery).")
    payable_now = serializers.CharField(help_text="What the order charges for this parcel.")
    remote_kind = serializers.CharField(
        allow_null=True, help_text="jeju or island when the postcode pays a surcharge."
    )
    free_shipping_remaining = serializers.CharField(
        allow_null=True, help_text="How much more of this vendor's items ships it free."
    )
    breakdown = BreakdownSerializer(many=True)

    @staticmethod
    def represent(parcel: engine.GroupQuote) -> dict[str, Any]:
        remaining = parcel.free_shipping_remaining
        return {
            "policy_id": parcel.policy_id,
            "policy_name": parcel.policy_name,
            "line_ids": list(parcel.line_ids),
            "items_total": money(parcel.items_total),
            "fee": money(parcel.fee),
            "payer": str(parcel.payer),
            "payable_now": money(parcel.payable_now),
            "remote_kind": None if parcel.remote_kind is None else str(parcel.remote_kind),
            "free_shipping_remaining": None if remaining is None else money(remaining),
            "breakdown": [
                {
                    "code": item.code,
                    "label": str(item.label),
                    "amount": None if item.amount is None else money(item.amount),
                }
                for item in parcel.breakdown
            ],
        }


class VendorGroupSerializer(PlainSerializer):
    vendor = VendorSummarySerializer()
    line_ids = serializers.ListField(child=serializers.IntegerField())
    items_amount = serializers.CharField()
    shipping_fee = serializers.CharField(help_text="Charged now for this vendor's parcels.")
    total = serializers.CharField()
    parcels = ParcelSerializer(many=True)

    @staticmethod
    def represent(group: VendorGroup) -> dict[str, Any]:
        return {
            "vendor": VendorSummarySerializer.represent(group.vendor),
            "line_ids": [line.line_id for line in group.lines],
            "items_amount": money(group.items_amount),
            "shipping_fee": money(group.shipping_fee),
            "total": money(group.total),
            "parcels": [ParcelSerializer.represent(parcel) for parcel in group.parcels],
        }


class CartSerializer(PlainSerializer):
    lines = CartLineSerializer(many=True)
    groups = VendorGroupSerializer(many=True, help_text="The lines by vendor, with shipping.")
    postcode = serializers.CharField(help_text="The postcode the shipping was quoted for.")
    items_amount = serializers.CharField(help_text="Base prices and add-on items.")
    option_extras_amount = serializers.CharField()
    shipping_amount = serializers.CharField()
    discount_amount = serializers.CharField()
    points_amount = serializers.CharField()
    total_amount = serializers.CharField()
    tax_free_amount = serializers.CharField()
    vat_amount = serializers.CharField()
    problems = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems by line (lines.<id>); checkout is refused while there are any.",
    )
    token = serializers.CharField(
        help_text="Digest of what this view shows; send it as cart_token to check out."
    )

    @staticmethod
    def represent(view: CartView) -> dict[str, Any]:
        quote = view.quote
        return {
            "lines": [CartLineSerializer.represent(line) for line in view.lines],
            "groups": [VendorGroupSerializer.represent(group) for group in view.groups],
            "postcode": quote.destination.postcode if quote else "",
            "items_amount": money(view.items_amount),
            "option_extras_amount": money(view.option_extras_amount),
            "shipping_amount": money(view.shipping_amount),
            "discount_amount": money(view.discount_amount),
            "points_amount": money(view.points_amount),
            "total_amount": money(view.total_amount),
            "tax_free_amount": money(view.tax_free_amount),
            "vat_amount": money(view.vat_amount),
            "problems": {
                key: [str(message) for message in messages]
                for key, messages in view.problems.items()
            },
            "token": view.token,
        }


class AddCartLineSerializer(StrictInputSerializer):
    variant_id = serializers.IntegerField(min_value=1, help_text="The option (variant) to buy.")
    quantity = quantity_field()
    product_id = serializers.IntegerField(
        min_value=1, required=False, help_text="When given, it must be the variant's product."
    )
    addons = serializers.DictField(
        child=quantity_field(),
        required=False,
        default=dict,
        help_text='Add-on items (추가상품) by id with their quantities, e.g. {"7": 1}.',
    )
    text_inputs = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=1000),
        required=False,
        default=dict,
        help_text='Texts by text option id, e.g. {"3": "홍길동"}.',
    )


class UpdateCartLineSerializer(StrictInputSerializer):
    quantity = quantity_field()


# --- Orders ----------------------------------------------------------------------------------


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


class CheckoutSerializer(StrictInputSerializer):
    orderer_name = serializers.CharField(max_length=LIMITS["orderer_name"])
    orderer_email = serializers.CharField(max_length=LIMITS["orderer_email"])
    orderer_phone = serializers.CharField(max_length=LIMITS["orderer_phone"])
    address_id = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Members: one of your saved addresses instead of the recipient fields.",
    )
    recipient_name = serializers.CharField(
        max_length=LIMITS["recipient_name"], required=False, allow_blank=True
    )
    recipient_phone = serializers.CharField(
        max_length=LIMITS["recipient_phone"], required=False, allow_blank=True
    )
    postcode = serializers.CharField(
        max_length=LIMITS["postcode"],
        required=False,
        allow_blank=True,
        help_text="5-digit postcode (우편번호); decides a remote-area surcharge.",
    )
    road_address = serializers.CharField(
        max_length=LIMITS["road_address"], required=False, allow_blank=True
    )
    detail_address = serializers.CharField(
        max_length=LIMITS["detail_address"], required=False, allow_blank=True
    )
    delivery_memo = serializers.CharField(
        max_length=LIMITS["delivery_memo"], required=False, allow_blank=True
    )
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, required=False, default=PaymentMethod.BANK_TRANSFER
    )
    depositor_name = serializers.CharField(
        max_length=LIMITS["depositor_name"],
        required=False,
        allow_blank=True,
        help_text="Bank transfer: the name the deposit will carry (default: the orderer's).",
    )
    cart_token = serializers.CharField(
        max_length=64,
        help_text="The token of the cart you reviewed (GET /cart/ with the same postcode).",
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


# --- Seller ----------------------------------------------------------------------------------


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
