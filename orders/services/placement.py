"""Placing an order: one transaction from the reviewed cart to an order awaiting payment.

Order of work, chosen so the stock rows are locked as briefly as possible:
validate and price the cart (reads), refuse if it differs from what the shopper
reviewed, write the order, its vendor parts and lines, record ``OrderPlaced``, empty
the cart, and only then take the stock (``orders.services.stock``): the row locks live
from that statement to the commit. A sold-out item rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Address, phone_validator
from orders import payment_methods, selectors
from orders.events import OrderPlaced
from orders.exceptions import OrderError, OrderErrorCode
from orders.models import CartLine, CartLineAddOn, Order, OrderLine, PaymentMethod, VendorShipment
from orders.services import stock
from shipping import engine
from shop.events import publish

REQUIRED = ("orderer_name", "orderer_email", "orderer_phone")
RECIPIENT = ("recipient_name", "recipient_phone", "postcode", "road_address")
LIMITS = {
    "orderer_name": 100,
    "orderer_email": 254,
    "orderer_phone": 20,
    "recipient_name": 100,
    "recipient_phone": 20,
    "postcode": 5,
    "road_address": 255,
    "detail_address": 255,
    "delivery_memo": 200,
    "depositor_name": 100,
}


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    lookup_token: str  # the guest's link secret; shown once and e-mailed
    payment_choice: str = ""  # the method as chosen (``brandpay:12``): where to pay next


def clean_details(details: dict[str, Any], *, user: Any) -> dict[str, str]:
    """Return the orderer, recipient and payment fields cleaned, or raise naming each field.

    A member may name a saved address by id; another member's id is refused like a
    missing one. Any price, total or status in ``details`` is ignored: only these keys
    are read.
    """
    cleaned = {name: str(details.get(name) or "").strip() for name in LIMITS}
    errors: dict[str, list[str]] = {}
    address_id = details.get("address_id")
    if address_id not in (None, ""):
        address = None
        if user is not None and user.is_authenticated and str(address_id).isdigit():
            address = Address.objects.filter(pk=int(address_id), user=user).first()
        if address is None:
            raise OrderError(
                OrderErrorCode.INVALID_ADDRESS,
                _("Choose one of your saved addresses."),
                fields={"address_id": [_("Choose one of your saved addresses.")]},
            )
        cleaned.update(
            recipient_name=address.recipient,
            recipient_phone=address.phone,
            postcode=address.postcode,
            road_address=address.road_address,
            detail_address=address.detail_address,
        )
    for name in (*REQUIRED, *RECIPIENT):
        if not cleaned[name]:
            errors[name] = [_("This field is required.")]
    for name, limit in LIMITS.items():
        if len(cleaned[name]) > limit:
            errors.setdefault(name, []).append(
                _("Enter at most %(max)d characters.") % {"max": limit}
            )
    if cleaned["orderer_email"]:
        try:
            validate_email(cleaned["orderer_email"])
        except ValidationError:
            errors.setdefault("orderer_email", []).append(_("Enter a valid e-mail address."))
    for name in ("orderer_phone", "recipient_phone"):
        if cleaned[name]:
            try:
                phone_validator(cleaned[name])
            except ValidationError as error:
                errors.setdefault(name, []).extend(error.messages)
    if cleaned["postcode"] and not (
        len(cleaned["postcode"]) == 5 and cleaned["postcode"].isdigit()
    ):
        errors.setdefault("postcode", []).append(_("Enter the 5-digit postcode (우편번호)."))
    choice = str(details.get("payment_method") or PaymentMethod.BANK_TRANSFER)
    offered = {value for value, _label in payment_methods.choices_for(country="KR", user=user)}
    if choice not in offered:
        errors["payment_method"] = [_("Choose a payment method.")]
    method = payment_methods.code_of(choice)
    cleaned["payment_method"] = method
    cleaned["payment_choice"] = choice
    if method == PaymentMethod.BANK_TRANSFER and not cleaned["depositor_name"]:
        cleaned["depositor_name"] = cleaned["orderer_name"]
    if errors:
        raise OrderError(OrderErrorCode.INVALID_CHECKOUT, _("Check the order form."), fields=errors)
    return cleaned


def place_order(
    *, cart: Any, details: dict[str, Any], cart_token: str, user: Any = None
) -> PlacedOrder:
    """Turn the reviewed cart into an order awaiting payment, or change nothing.

    ``cart_token`` is the ``token`` of the cart view the shopper reviewed; prices and
    totals come only from the catalog and the shipping engine.
    """
    cleaned = clean_details(details, user=user)
    member = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        view = selectors.cart_view(cart, postcode=cleaned["postcode"])
        if view.is_empty:
            raise OrderError(OrderErrorCode.CART_EMPTY, _("Your cart is empty."))
        if view.problems:
            raise OrderError(
                OrderErrorCode.OUT_OF_STOCK,
                _("Some items of your cart cannot be bought now."),
                fields=view.problems,
                status_code=409,
            )
        if not cart_token or str(cart_token) != view.token:
            raise OrderError(
                OrderErrorCode.CART_CHANGED,
                _("Your cart changed since you reviewed it. Check it and order again."),
                fields={"cart_token": [_("Your cart changed since you reviewed it.")]},
                status_code=409,
            )
        order = create_order(view, cleaned, member)
        shipments = create_shipments(order, view)
        lines = create_lines(order, view, shipments)
        variant_quantities: dict[int, int] = {}
        addon_quantities: dict[int, int] = {}
        for line in view.lines:
            variant_quantities[line.variant.pk] = (
                variant_quantities.get(line.variant.pk, 0) + line.quantity
            )
            for item in line.addons:
                addon_quantities[item.addon.pk] = (
                    addon_quantities.get(item.addon.pk, 0) + item.quantity
                )
        publish(
            OrderPlaced(
                order_id=order.pk,
                number=order.number,
                user_id=order.user_id,
                payment_method=order.payment_method,
                total_amount=str(order.total_amount),
                tax_free_amount=str(order.tax_free_amount),
                shipping_amount=str(order.shipping_amount),
                vendor_ids=sorted(shipments),
                lines=[
                    {
                        "line_id": line.pk,
                        "variant_id": line.variant_id,
                        "vendor_id": line.vendor_id,
                        "quantity": line.quantity,
                        "amount": str(line.live_amount),
                    }
                    for line in lines
                ],
                addons={str(pk): quantity for pk, quantity in sorted(addon_quantities.items())},
                payment_expires_at=order.payment_expires_at.isoformat(),
            ),
            subject=order,
        )
        empty_cart(cart, expected=len(view.lines))
        # Last, just before commit: the stock rows stay locked only from here.
        stock.take_variants(
            quantities=variant_quantities,
            names={line.variant.pk: line.product.name for line in view.lines},
        )
        stock.take_addons(
            quantities=addon_quantities,
            names={item.addon.pk: item.addon.name for line in view.lines for item in line.addons},
        )
    return PlacedOrder(
        order=order, lookup_token=order.lookup_token(), payment_choice=cleaned["payment_choice"]
    )


def create_order(view: selectors.CartView, cleaned: dict[str, str], member: Any) -> Order:
    now = timezone.now()
    bank_transfer = cleaned["payment_method"] == PaymentMethod.BANK_TRANSFER
    option = payment_methods.get_option(cleaned["payment_method"])
    online = option.online if option else not bank_transfer
    deadline = now + timedelta(hours=settings.ORDERS_BANK_TRANSFER_DEPOSIT_HOURS)
    expires = (
        now + timedelta(minutes=settings.ORDERS_PAYMENT_EXPIRY_MINUTES) if online else deadline
    )
    return Order.objects.create(
        user=member,
        orderer_name=cleaned["orderer_name"],
        orderer_email=cleaned["orderer_email"],
        orderer_phone=cleaned["orderer_phone"],
        recipient_name=cleaned["recipient_name"],
        recipient_phone=cleaned["recipient_phone"],
        postcode=cleaned["postcode"],
        road_address=cleaned["road_address"],
        detail_address=cleaned["detail_address"],
        delivery_memo=cleaned["delivery_memo"],
        items_amount=view.items_amount,
        option_extras_amount=view.option_extras_amount,
        shipping_amount=view.shipping_amount,
        discount_amount=view.discount_amount,
        points_amount=view.points_amount,
        total_amount=view.total_amount,
        tax_free_amount=view.tax_free_amount,
        vat_amount=view.vat_amount,
        payment_method=cleaned["payment_method"],
        depositor_name=cleaned["depositor_name"] if bank_transfer else "",
        deposit_deadline=deadline if bank_transfer else None,
        payment_expires_at=expires,
        placed_at=now,
    )


def create_shipments(order: Order, view: selectors.CartView) -> dict[int, VendorShipment]:
    shipments = []
    for group in view.groups:
        fee = group.shipping_fee
        shipments.append(
            VendorShipment(
                order=order,
                vendor=group.vendor,
                shipping_fee=fee,
                shipping_fee_quoted=fee,
                shipping_quote=[engine.group_payload(parcel) for parcel in group.parcels],
                return_fee=max((parcel.return_fee for parcel in group.parcels), default=Decimal(0)),
                exchange_fee=max(
                    (parcel.exchange_fee for parcel in group.parcels), default=Decimal(0)
                ),
            )
        )
    VendorShipment.objects.bulk_create(shipments)
    return {shipment.vendor_id: shipment for shipment in shipments}


def create_lines(
    order: Order, view: selectors.CartView, shipments: dict[int, VendorShipment]
) -> list[OrderLine]:
    # A parcel is one vendor and policy (or one unbundlable line): number them in order.
    parcel_of = {}
    for index, parcel in enumerate(view.quote.groups if view.quote else ()):
        for line_id in parcel.line_ids:
            parcel_of[line_id] = f"{parcel.vendor_id}-{parcel.policy_id}-{index + 1}"
    lines = [
        OrderLine(
            order=order,
            shipment=shipments[line.vendor.pk],
            vendor=line.vendor,
            product=line.product,
            variant=line.variant,
            product_name=line.product.name,
            option_label=line.variant.label,
            sku=line.variant.sku,
            addons=[
                {
                    "addon_id": item.addon.pk,
                    "name": item.addon.name,
                    "price": str(item.price),
                    "quantity": item.quantity,
                }
                for item in line.addons
            ],
            addons_amount=line.addons_amount,
            text_inputs=line.texts,
            unit_price=line.unit_price,
            extra_price=line.extra_price,
            quantity=line.quantity,
            is_tax_free=line.product.is_tax_free,
            shipping_group_key=parcel_of.get(line.line_id, "")[:64],
        )
        for line in view.lines
    ]
    OrderLine.objects.bulk_create(lines)
    return lines


def empty_cart(cart: Any, *, expected: int) -> None:
    """Delete the cart's lines; fewer than reviewed means a second tab placed it already.

    Two plain DELETEs, add-ons first: ``QuerySet.delete()`` on the lines would first
    select them to cascade to their add-ons (four statements instead of two, on the
    path of every order). Nothing listens to a cart line's deletion.
    """
    CartLineAddOn.objects.filter(line__cart=cart).delete()  # no relation below: one DELETE
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(CartLine._meta.db_table)} "  # noqa: S608
            "WHERE cart_id = %s",
            [cart.pk],
        )
        deleted = cursor.rowcount
    if deleted != expected:
        raise OrderError(
            OrderErrorCode.CART_CHANGED,
            _("Your cart changed since you reviewed it. Check it and order again."),
            fields={"cart_token": [_("Your cart changed since you reviewed it.")]},
            status_code=409,
        )
