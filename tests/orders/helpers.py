"""Builders for order tests: vendors with shipping policies, products, carts and placed orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orders import selectors, services
from orders.models import Cart, Order
from tests.catalog.factories import AddOnFactory, ProductFactory, VariantFactory
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

DETAILS = {
    "orderer_name": "김주문",
    "orderer_email": "buyer@example.com",
    "orderer_phone": "010-1111-2222",
    "recipient_name": "이수령",
    "recipient_phone": "010-3333-4444",
    "postcode": "06236",
    "road_address": "서울특별시 강남구 테헤란로 152",
    "detail_address": "12층",
    "delivery_memo": "문 앞에 놓아 주세요",
    "payment_method": "bank_transfer",
}


def vendor_with_policy(**policy: Any):
    vendor = VendorFactory()
    ShippingPolicyFactory(vendor=vendor, **policy)
    return vendor


def variant_of(vendor=None, *, price: int = 10000, extra: int = 0, stock: int = 10, **product):
    vendor = vendor or vendor_with_policy()
    item = ProductFactory(vendor=vendor, price=Decimal(price), **product)
    return VariantFactory(product=item, extra_price=Decimal(extra), stock=stock)


def guest_cart(key: str = "session-1") -> Cart:
    return services.get_or_create_cart(session_key=key)


def place(cart: Cart, *, user=None, **details: Any):
    """Place the cart as reviewed now (the token of its current view)."""
    postcode = str(details.get("postcode") or "")
    postcode = postcode if len(postcode) == 5 and postcode.isdigit() else DETAILS["postcode"]
    token = selectors.cart_view(cart, postcode=postcode).token
    return services.place_order(
        cart=cart, details={**DETAILS, **details}, cart_token=token, user=user
    )


def placed_order(*, quantity: int = 1, stock: int = 10, vendor=None, cart_key: str = "s-order"):
    variant = variant_of(vendor, stock=stock)
    cart = guest_cart(cart_key)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart).order, variant


def paid_order(**kwargs: Any) -> tuple[Order, Any]:
    order, variant = placed_order(**kwargs)
    services.mark_deposit_confirmed(order_id=order.pk)
    order.refresh_from_db()
    return order, variant


def addon_of(variant, *, price: int = 3000, stock: int = 5):
    return AddOnFactory(product=variant.product, price=Decimal(price), stock=stock)
