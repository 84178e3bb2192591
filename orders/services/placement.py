"""Placing an order: one transaction from the reviewed cart to an order awaiting payment.

Order of work, chosen so the stock rows are locked as briefly as possible:
validate and price the cart (reads), refuse if it differs from what the shopper
reviewed, write the order, its vendor parts and lines, record ``OrderPlaced``, empty
the cart, and only then take the stock (``orders.services.stock``): the row locks live
from that statement to the commit. A sold-out item rolls everything back.
"""

from __future__ import annotations

import re
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
from orders.services.cart import check_adult_buyer
from promotions import services as promotions
from promotions.exceptions import PromotionError
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
    "postcode": 10,  # Korea: 5 digits; abroad: a ZIP or postal code as written there
    "road_address": 255,
    "detail_address": 255,
    "delivery_memo": 200,
    "depositor_name": 100,
}
DOMESTIC = engine.DOMESTIC_COUNTRY
# "+1 415-555-0100", "+44 (20) 7946 0958": a plus, the country code, then the number.
INTERNATIONAL_PHONE = re.compile(r"^\+[1-9][0-9 ().\-]+$")
FOREIGN_POSTCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")


def clean_country(value: Any) -> str:
    """Return the ISO alpha-2 code (Korea when empty); raise ``ValueError`` if unknown."""
    country = str(value or DOMESTIC).strip().upper()
    if country not in engine.KNOWN_COUNTRIES:
        raise ValueError(country)
    return country


def international_phone(value: str) -> str:
    """Return ``value`` tidied (single spaces) if it is a number in international format.

    Raise ``ValidationError`` otherwise: a plus, the country code and 7 to 15 digits in
    all (E.164), separated by spaces, dots, hyphens or parentheses as people write them.
    """
    value = " ".join(str(value).split())
    digits = sum(ch.isdigit() for ch in value)
    if not INTERNATIONAL_PHONE.match(value) or not 7 <= digits <= 15:
        raise ValidationError(
            _("Enter the number in international format, such as +1 415 555 0100.")
        )
    return value


def phone_problems(value: str, *, country: str, recipient: bool) -> list[str]:
    """Return why ``value`` is not a phone number we can use for this destination.

    In Korea both numbers are Korean (010-1234-5678). Abroad the recipient's number is
    for the foreign carrier, so it is international (+1 ...); the orderer's may be
    either (a shopper in Korea sending a gift abroad).
    """
    if country != DOMESTIC and (recipient or value.startswith("+")):
        try:
            international_phone(value)
        except ValidationError as error:
            return list(error.messages)
        return []
    try:
        phone_validator(value)
    except ValidationError as error:
        return list(error.messages)
    return []


def postcode_problems(value: str, *, country: str) -> list[str]:
    if country == DOMESTIC:
        if not (len(value) == 5 and value.isdigit()):
            return [_("Enter the 5-digit postcode (우편번호).")]
        return []
    if len(value) > LIMITS["postcode"] or not FOREIGN_POSTCODE.match(value):
        return [_("Enter the postal code as written in that country (letters, digits, spaces).")]
    return []


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    lookup_token: str  # the guest's link secret; shown once and e-mailed
    payment_choice: str = ""  # the method as chosen (``brandpay:12``): where to pay next


def clean_details(details: dict[str, Any], *, user: Any) -> dict[str, str]:
    """Return the orderer, recipient and payment fields cleaned, or raise naming each field.

    ``country`` (ISO alpha-2, Korea when absent) decides the rules: in Korea a 5-digit
    postcode, a road address and Korean phone numbers; abroad a postal code as written
    there (optional: some countries have none), address lines, and the recipient's
    phone in international format. Saved addresses are Korean, so they are for Korea
    only. The payment method must be one offered for that country. A member may name
    a saved address by id; another member's id is refused like a missing one. Any
    price, total or status in ``details`` is ignored: only these keys are read.
    """
    cleaned = {name: str(details.get(name) or "").strip() for name in LIMITS}
    errors: dict[str, list[str]] = {}
    try:
        country = clean_country(details.get("country"))
    except ValueError:
        raise OrderError(
            OrderErrorCode.INVALID_CHECKOUT,
            _("Check the order form."),
            fields={"country": [_("Choose a country from the list.")]},
        ) from None
    cleaned["country"] = country
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
        if country != DOMESTIC:
            message = _("Saved addresses are in Korea: enter the address abroad instead.")
            raise OrderError(
                OrderErrorCode.INVALID_ADDRESS, message, fields={"address_id": [message]}
            )
        cleaned.update(
            recipient_name=address.recipient,
            recipient_phone=address.phone,
            postcode=address.postcode,
            road_address=address.road_address,
            detail_address=address.detail_address,
        )
    if country != DOMESTIC:
        cleaned["postcode"] = " ".join(cleaned["postcode"].upper().split())
    required = (*REQUIRED, *RECIPIENT)
    for name in required:
        if not cleaned[name] and not (name == "postcode" and country != DOMESTIC):
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
            problems = phone_problems(
                cleaned[name], country=country, recipient=name == "recipient_phone"
            )
            if problems:
                errors.setdefault(name, []).extend(problems)
            elif cleaned[name].startswith("+"):
                cleaned[name] = international_phone(cleaned[name])
    if cleaned["postcode"] and "postcode" not in errors:
        errors.setdefault("postcode", []).extend(
            postcode_problems(cleaned["postcode"], country=country)
        )
    choice = str(details.get("payment_method") or default_method(country))
    offered = {value for value, _label in payment_methods.choices_for(country=country, user=user)}
    if choice not in offered:
        option = payment_methods.get_option(choice)
        errors["payment_method"] = [
            _("This payment method is not offered for delivery to that country.")
            if option is not None and not option.available(country)
            else _("Choose a payment method.")
        ]
    method = payment_methods.code_of(choice)
    cleaned["payment_method"] = method
    cleaned["payment_choice"] = choice
    if method == PaymentMethod.BANK_TRANSFER and not cleaned["depositor_name"]:
        cleaned["depositor_name"] = cleaned["orderer_name"]
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise OrderError(OrderErrorCode.INVALID_CHECKOUT, _("Check the order form."), fields=errors)
    return cleaned


def default_method(country: str) -> str:
    """The method a checkout without one means: bank transfer in Korea, else the first offered."""
    if country == DOMESTIC:
        return PaymentMethod.BANK_TRANSFER
    offered = payment_methods.choices_for(country=country)
    return str(offered[0][0]) if offered else ""


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
        view = selectors.cart_view(
            cart,
            postcode=cleaned["postcode"],
            country=cleaned["country"],
            user=member,
            coupon=details.get("coupon"),
            points=details.get("points"),
        )
        if view.is_empty:
            raise OrderError(OrderErrorCode.CART_EMPTY, _("Your cart is empty."))
        for priced in view.lines:  # 19+ goods: the buyer is verified again at placement
            check_adult_buyer(user=member, product=priced.product)
        if view.shipping_problems:
            raise OrderError(
                OrderErrorCode.NOT_SHIPPABLE,
                _("Some items of your cart cannot be shipped to %(country)s.")
                % {"country": view.country_name},
                fields=view.shipping_problems,
            )
        if view.problems:
            raise OrderError(
                OrderErrorCode.OUT_OF_STOCK,
                _("Some items of your cart cannot be bought now."),
                fields=view.problems,
                status_code=409,
            )
        refuse_unusable_discounts(view)
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
                discount_amount=str(order.discount_amount),
                points_amount=str(order.points_amount),
                user_coupon_id=order.user_coupon_id,
            ),
            subject=order,
        )
        empty_cart(cart, expected=len(view.lines))
        # Coupon, then points, then stock: every path takes these locks in this order.
        use_discounts(order, view)
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


def refuse_unusable_discounts(view: selectors.CartView) -> None:
    """Refuse the order when the chosen coupon or points cannot be used, saying why."""
    errors = {}
    if view.coupon_problem:
        errors["coupon"] = [view.coupon_problem]
    if view.points_problem:
        errors["points"] = [view.points_problem]
    if errors:
        raise OrderError(
            OrderErrorCode.INVALID_DISCOUNT,
            " ".join(message for messages in errors.values() for message in messages),
            fields=errors,
        )


def use_discounts(order: Order, view: selectors.CartView) -> None:
    """Redeem the coupon and spend the points in the order's transaction.

    A coupon used up by a concurrent checkout (or points spent by one) raises, and the
    whole order rolls back with the reason.
    """
    try:
        if view.coupon is not None:
            promotions.redeem(
                user_coupon_id=view.coupon.pk,
                user_id=order.user_id,
                order_id=order.pk,
                amount=view.coupon_discount_amount,
            )
        if view.points_amount > 0:
            promotions.spend_points(
                user_id=order.user_id, amount=int(view.points_amount), order_id=order.pk
            )
    except PromotionError as error:
        raise OrderError(
            OrderErrorCode.INVALID_DISCOUNT, error.message, fields=error.fields, status_code=409
        ) from error


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
        country=cleaned["country"],
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
        grade_discount_amount=view.grade_discount_amount,
        coupon_discount_amount=view.coupon_discount_amount,
        user_coupon=view.coupon,
        coupon_name=view.coupon.coupon.name[:100] if view.coupon else "",
        coupon_bearer=view.coupon.coupon.bearer if view.coupon else "",
        payment_method=cleaned["payment_method"],
        depositor_name=cleaned["depositor_name"] if bank_transfer else "",
        deposit_deadline=deadline if bank_transfer else None,
        payment_expires_at=expires,
        placed_at=now,
    )


def create_shipments(order: Order, view: selectors.CartView) -> dict[int, VendorShipment]:
    shipments = []
    found = view.discounts
    for group in view.groups:
        fee = group.shipping_fee
        vendor_id = group.vendor.pk
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
                shipping_discount=found.shipping.get(vendor_id, Decimal(0)),
                vendor_shipping_discount=found.vendor_shipping_discount(vendor_id),
                discount_amount=sum(
                    (found.line_discount(line.line_id) for line in group.lines), Decimal(0)
                )
                + found.shipping.get(vendor_id, Decimal(0)),
                vendor_discount_amount=sum(
                    (found.line_vendor_discount(line.line_id) for line in group.lines),
                    Decimal(0),
                )
                + found.vendor_shipping_discount(vendor_id),
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
            discount_amount=view.discounts.line_discount(line.line_id),
            vendor_discount_amount=view.discounts.line_vendor_discount(line.line_id),
            points_amount=view.discounts.points.get(line.line_id, Decimal(0)),
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
            f"DELETE FROM {connection.ops.quote_name(CartLine._meta.db_table)} "  # noqa: S608  # nosec B608  # quoted table name
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
