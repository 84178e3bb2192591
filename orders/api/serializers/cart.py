"""Cart serializers: the priced cart grouped by vendor, the commands that change it, checkout."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.api.serializers import PlainSerializer, VendorSummarySerializer, money
from orders.api.serializers.common import quantity_field
from orders.models import PaymentMethod
from orders.selectors import CartView, PricedLine, VendorGroup
from orders.services.placement import LIMITS
from shipping import engine
from shop.api import StrictInputSerializer


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


class WalletCouponSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="fixed, percent or free_shipping.")
    vendor_id = serializers.IntegerField(allow_null=True, help_text="A vendor's own coupon.")
    ends_at = serializers.DateTimeField(allow_null=True)

    @staticmethod
    def represent(held: Any) -> dict[str, Any]:
        coupon = held.coupon
        return {
            "id": held.pk,
            "name": coupon.name,
            "kind": coupon.kind,
            "vendor_id": coupon.vendor_id,
            "ends_at": coupon.ends_at.isoformat() if coupon.ends_at else None,
        }


class CartSerializer(PlainSerializer):
    lines = CartLineSerializer(many=True)
    groups = VendorGroupSerializer(many=True, help_text="The lines by vendor, with shipping.")
    country = serializers.CharField(help_text="The country the shipping was quoted for.")
    postcode = serializers.CharField(help_text="The postcode the shipping was quoted for.")
    items_amount = serializers.CharField(help_text="Base prices and add-on items.")
    option_extras_amount = serializers.CharField()
    shipping_amount = serializers.CharField()
    discount_amount = serializers.CharField(help_text="Grade and coupon discounts.")
    grade_discount_amount = serializers.CharField()
    coupon_discount_amount = serializers.CharField()
    points_amount = serializers.CharField()
    total_amount = serializers.CharField()
    tax_free_amount = serializers.CharField()
    vat_amount = serializers.CharField()
    coupon = serializers.IntegerField(
        allow_null=True, help_text="The coupon applied (one of coupons), if it applies."
    )
    coupon_problem = serializers.CharField(help_text="Why the coupon asked for does not apply.")
    points_problem = serializers.CharField(help_text="Why the points asked for cannot be used.")
    points_balance = serializers.IntegerField()
    coupons = WalletCouponSerializer(many=True, help_text="Members: the coupons they may use.")
    problems = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems by line (lines.<id>); checkout is refused while there are any.",
    )
    shipping_problems = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            "Abroad: the vendors that do not ship to the country (under country); "
            "the cart cannot be checked out there while there are any."
        ),
    )
    token = serializers.CharField(
        help_text=(
            "Digest of what this view shows; send it as cart_token to check out. "
            "Empty when the cart cannot be shipped to the country."
        )
    )

    @staticmethod
    def represent(view: CartView) -> dict[str, Any]:
        quote = view.quote
        return {
            "lines": [CartLineSerializer.represent(line) for line in view.lines],
            "groups": [VendorGroupSerializer.represent(group) for group in view.groups],
            "country": view.country,
            "postcode": quote.destination.postcode if quote else "",
            "items_amount": money(view.items_amount),
            "option_extras_amount": money(view.option_extras_amount),
            "shipping_amount": money(view.shipping_amount),
            "discount_amount": money(view.discount_amount),
            "grade_discount_amount": money(view.grade_discount_amount),
            "coupon_discount_amount": money(view.coupon_discount_amount),
            "points_amount": money(view.points_amount),
            "total_amount": money(view.total_amount),
            "tax_free_amount": money(view.tax_free_amount),
            "vat_amount": money(view.vat_amount),
            "coupon": view.coupon.pk if view.coupon else None,
            "coupon_problem": view.coupon_problem,
            "points_problem": view.points_problem,
            "points_balance": view.points_balance,
            "coupons": [WalletCouponSerializer.represent(held) for held in view.wallet],
            "problems": {
                key: [str(message) for message in messages]
                for key, messages in view.problems.items()
            },
            "shipping_problems": {
                key: [str(message) for message in messages]
                for key, messages in view.shipping_problems.items()
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


class CheckoutSerializer(StrictInputSerializer):
    orderer_name = serializers.CharField(max_length=LIMITS["orderer_name"])
    orderer_email = serializers.CharField(max_length=LIMITS["orderer_email"])
    orderer_phone = serializers.CharField(max_length=LIMITS["orderer_phone"])
    country = serializers.CharField(
        max_length=2,
        required=False,
        default="KR",
        help_text=(
            "Destination country, ISO 3166 alpha-2 (default KR). Abroad: postcode is the "
            "postal code as written there (optional), road_address and detail_address are "
            "address lines, recipient_phone is international (+1 ...), and payment_method "
            "is one offered abroad (paypal); saved addresses are Korean."
        ),
    )
    address_id = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Members: one of your saved (Korean) addresses instead of the recipient fields.",
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
        help_text=(
            "In Korea the 5-digit postcode (우편번호), which decides a remote-area surcharge; "
            "abroad the postal code."
        ),
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
    coupon = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Members: one of your coupons (the cart's coupons), as reviewed in the cart.",
    )
    points = serializers.IntegerField(
        min_value=0,
        required=False,
        default=0,
        help_text="Members: points to use, as reviewed in the cart (the token covers both).",
    )
    payment_method = serializers.CharField(
        max_length=64,
        required=False,
        default=PaymentMethod.BANK_TRANSFER,
        help_text=(
            "One of the shop's payment methods: bank_transfer, kakaopay, naverpay, paypal, "
            "or brandpay:<saved method id>. After placing, an online method's payment_url "
            "is where the buyer pays."
        ),
    )
    depositor_name = serializers.CharField(
        max_length=LIMITS["depositor_name"],
        required=False,
        allow_blank=True,
        help_text="Bank transfer: the name the deposit will carry (default: the orderer's).",
    )
    cart_token = serializers.CharField(
        max_length=64,
        help_text=(
            "The token of the cart you reviewed (GET /cart/ with the same country and postcode)."
        ),
    )
