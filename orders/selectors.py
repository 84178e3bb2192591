"""Reads of orders: the priced cart grouped by vendor, and orders for shoppers, vendors, staff.

Every price is recomputed here from the catalog; the cart view's ``token`` digests what
the shopper reviewed, so placement can tell when the cart or a price changed since.
Queries stay constant whatever the number of lines (asserted in tests).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _
from django_countries import countries

from catalog.models import AddOn, Product, TextOption, Variant
from orders import discounts
from orders.models import Cart, CartLine, CartLineAddOn, Order, OrderLine, VendorShipment
from orders.models.cart import PLAIN_CONFIG_KEY
from shipping import engine
from shipping.exceptions import ShippingError, ShippingErrorCode
from shipping.services import QuoteLine, quote_for
from shop.exceptions import NotFoundError
from shop.money import vat_included
from vendors.models import Vendor

ZERO = Decimal(0)
# Quotes before the shopper gives an address use a mainland postcode (Seoul, no surcharge).
MAINLAND_POSTCODE = "04524"
# Refusals that mean "not to that country": the cart is shown, marked not shippable there.
DESTINATION_REFUSALS = frozenset(
    {
        ShippingErrorCode.NO_OVERSEAS_SHIPPING,
        ShippingErrorCode.COUNTRY_NOT_SERVED,
        ShippingErrorCode.TOO_HEAVY,
    }
)


@dataclass(frozen=True)
class PricedAddOn:
    addon: AddOn
    quantity: int

    @property
    def price(self) -> Decimal:
        return self.addon.price

    @property
    def amount(self) -> Decimal:
        return self.addon.price * self.quantity


@dataclass
class PricedLine:
    """A cart line with today's catalog prices and anything that stops it being bought."""

    line: CartLine
    variant: Variant
    product: Product
    vendor: Vendor
    quantity: int
    addons: list[PricedAddOn]
    texts: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)

    @property
    def line_id(self) -> int:
        return self.line.pk

    @property
    def unit_price(self) -> Decimal:
        return self.product.price

    @property
    def extra_price(self) -> Decimal:
        return self.variant.extra_price

    @property
    def unit_total(self) -> Decimal:
        return self.product.price + self.variant.extra_price

    @property
    def addons_amount(self) -> Decimal:
        return sum((item.amount for item in self.addons), ZERO)

    @property
    def amount(self) -> Decimal:
        return self.unit_total * self.quantity + self.addons_amount


@dataclass
class VendorGroup:
    """One vendor's lines with its parcels' shipping quotes."""

    vendor: Vendor
    lines: list[PricedLine]
    parcels: list[engine.GroupQuote]
    # Why this vendor's items cannot go to the destination, when they cannot.
    unshippable: str = ""

    @property
    def items_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def shipping_fee(self) -> Decimal:
        """What is charged now for this vendor's parcels (착불 parcels are paid on delivery)."""
        return sum((parcel.payable_now for parcel in self.parcels), ZERO)

    @property
    def total(self) -> Decimal:
        return self.items_amount + self.shipping_fee


@dataclass
class CartView:
    cart: Cart
    lines: list[PricedLine]
    groups: list[VendorGroup]
    quote: engine.Quote | None
    items_amount: Decimal = ZERO  # base prices and add-on items
    option_extras_amount: Decimal = ZERO
    shipping_amount: Decimal = ZERO
    discount_amount: Decimal = ZERO
    points_amount: Decimal = ZERO
    total_amount: Decimal = ZERO
    tax_free_amount: Decimal = ZERO
    vat_amount: Decimal = ZERO
    token: str = ""
    country: str = engine.DOMESTIC_COUNTRY
    # Grade discount, coupon and points (``orders.discounts``); members only.
    grade_discount_amount: Decimal = ZERO
    coupon_discount_amount: Decimal = ZERO
    discounts: Any = None  # promotions.pricing.Discounts
    grade_name: str = ""
    coupon: Any = None  # the member's UserCoupon applied, if it applies
    coupon_problem: str = ""
    points_problem: str = ""
    points_balance: int = 0
    wallet: list[Any] = field(default_factory=list)  # the member's usable coupons

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def is_domestic(self) -> bool:
        return self.country == engine.DOMESTIC_COUNTRY

    @property
    def country_name(self) -> str:
        return str(countries.name(self.country)) or self.country

    @property
    def shipping_problems(self) -> dict[str, list[str]]:
        """``{"country": [...]}`` naming each vendor that does not ship to the destination.

        Such a view has no token: it cannot be placed, only shown.
        """
        found = [group.unshippable for group in self.groups if group.unshippable]
        return {"country": found} if found else {}

    @property
    def problems(self) -> dict[str, list[str]]:
        return {f"lines.{line.line_id}": line.problems for line in self.lines if line.problems}


def cart_lines(cart: Cart) -> list[CartLine]:
    """Return the cart's lines with variant, product, vendor and add-ons (one or two queries).

    The product's description and information notice are long and no cart or checkout
    shows them: they stay in the database. Add-ons are looked up only for lines whose
    configuration has some (one query fewer for a cart of plain items, on every cart
    and checkout read).
    """
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__vendor")
        .defer("variant__product__description", "variant__product__notice")
        .order_by("pk")
    )
    prefetch_related_objects(
        [line for line in lines if line.config_key != PLAIN_CONFIG_KEY],
        Prefetch("addons", queryset=CartLineAddOn.objects.select_related("addon")),
    )
    return lines


def addons_of(line: CartLine) -> list[CartLineAddOn]:
    """Return a line's add-ons as ``cart_lines`` loaded them: none for a plain line."""
    return [] if line.config_key == PLAIN_CONFIG_KEY else list(line.addons.all())


def cart_view(
    cart: Cart,
    *,
    postcode: str = "",
    country: str = engine.DOMESTIC_COUNTRY,
    user: Any = None,
    coupon: Any = None,
    points: Any = 0,
) -> CartView:
    """Return the cart priced from the catalog, grouped by vendor, with every amount.

    For a member, the grade discount, the coupon ``coupon`` (one of their coupons, by
    id) and ``points`` are taken off in that order (``orders.discounts``); one that
    cannot be used is left out and the view says why.

    Shipped to ``country`` (ISO alpha-2; Korea by default). Abroad, a vendor whose
    shipping policy does not serve the country (or the weight) does not make this fail:
    the view names it in ``shipping_problems`` and has no token, so it can be shown but
    not placed.
    """
    country = str(country or engine.DOMESTIC_COUNTRY).strip().upper()
    lines = cart_lines(cart)
    text_options = text_options_of({line.variant.product_id for line in lines if line.text_inputs})
    priced = [price_line(line, text_options) for line in lines]
    view = CartView(cart=cart, lines=priced, groups=[], quote=None, country=country)
    if not priced:
        view.token = token_of(view)
        return view
    if country == engine.DOMESTIC_COUNTRY:
        postcode = postcode or MAINLAND_POSTCODE
    destination = engine.Destination(country=country, postcode=postcode)
    quote_lines = [
        QuoteLine(
            line_id=line.line_id,
            vendor_id=line.vendor.pk,
            unit_price=line.unit_total,
            quantity=line.quantity,
            weight_grams=line.product.weight_grams or 0,
            policy_id=line.product.shipping_policy_id,
        )
        for line in priced
    ]
    try:
        quote = quote_for(lines=quote_lines, destination=destination)
    except ShippingError as refusal:
        if destination.is_domestic or refusal.code not in DESTINATION_REFUSALS:
            raise
        fill_unshippable(view, quote_lines, destination)
        return view
    fill_amounts(view, quote, user=user, coupon=coupon, points=points)
    return view


def fill_unshippable(
    view: CartView, quote_lines: list[QuoteLine], destination: engine.Destination
) -> None:
    """Quote each vendor on its own to say which ones cannot ship abroad, and why.

    Only on this refusal path (a few queries per vendor); the vendors that can ship
    keep their parcels so the shopper sees what the others would cost.
    """
    by_vendor: dict[int, VendorGroup] = {}
    for line in view.lines:
        group = by_vendor.setdefault(line.vendor.pk, VendorGroup(line.vendor, [], []))
        group.lines.append(line)
    for vendor_id, group in by_vendor.items():
        try:
            quote = quote_for(
                lines=[line for line in quote_lines if line.vendor_id == vendor_id],
                destination=destination,
            )
        except ShippingError as refusal:
            if refusal.code not in DESTINATION_REFUSALS:
                raise
            group.unshippable = unshippable_message(group.vendor, view.country_name, refusal)
        else:
            group.parcels = list(quote.groups)
    view.groups = list(by_vendor.values())
    view.items_amount = sum(
        (line.unit_price * line.quantity + line.addons_amount for line in view.lines), ZERO
    )
    view.option_extras_amount = sum((line.extra_price * line.quantity for line in view.lines), ZERO)
    view.token = ""  # nothing to place: the summary says why


def unshippable_message(vendor: Vendor, country_name: str, refusal: ShippingError) -> str:
    if refusal.code == ShippingErrorCode.TOO_HEAVY:
        return _("%(vendor)s: the parcel is too heavy to ship to %(country)s.") % {
            "vendor": vendor.name,
            "country": country_name,
        }
    return _("%(vendor)s does not ship to %(country)s.") % {
        "vendor": vendor.name,
        "country": country_name,
    }


def text_options_of(product_ids: Iterable[int]) -> dict[int, TextOption]:
    product_ids = set(product_ids)
    if not product_ids:
        return {}
    return {option.pk: option for option in TextOption.objects.filter(product_id__in=product_ids)}


def price_line(line: CartLine, text_options: dict[int, TextOption]) -> PricedLine:
    variant = line.variant
    product = variant.product
    problems = []
    if (
        not variant.is_active
        or product.status != Product.Status.ON_SALE
        or product.deleted_at is not None
        or product.vendor.status != Vendor.Status.APPROVED
    ):
        problems.append(_("This item is no longer for sale."))
    elif variant.stock < line.quantity:
        problems.append(
            _("Only %(stock)d left.") % {"stock": variant.stock}
            if variant.stock
            else _("Out of stock.")
        )
    addons = []
    for item in addons_of(line):
        addon = item.addon
        if not addon.is_active or addon.product_id != product.pk:
            problems.append(_("%(name)s is no longer for sale.") % {"name": addon.name})
        elif addon.stock < item.quantity:
            problems.append(_("%(name)s: out of stock.") % {"name": addon.name})
        addons.append(PricedAddOn(addon=addon, quantity=item.quantity))
    texts = []
    for option_id, text in sorted(line.text_inputs.items()):
        option = text_options.get(int(option_id))
        if option is None or option.product_id != product.pk:
            problems.append(_("A text option of this item changed; add it again."))
            continue
        texts.append({"option_id": option.pk, "label": option.label, "text": text})
    return PricedLine(
        line=line,
        variant=variant,
        product=product,
        vendor=product.vendor,
        quantity=line.quantity,
        addons=addons,
        texts=texts,
        problems=problems,
    )


def fill_amounts(
    view: CartView, quote: engine.Quote, *, user: Any = None, coupon: Any = None, points: Any = 0
) -> None:
    view.quote = quote
    by_vendor: dict[int, VendorGroup] = {}
    for line in view.lines:
        group = by_vendor.setdefault(line.vendor.pk, VendorGroup(line.vendor, [], []))
        group.lines.append(line)
    for parcel in quote.groups:
        by_vendor[parcel.vendor_id].parcels.append(parcel)
    view.groups = list(by_vendor.values())
    view.items_amount = sum(
        (line.unit_price * line.quantity + line.addons_amount for line in view.lines), ZERO
    )
    view.option_extras_amount = sum((line.extra_price * line.quantity for line in view.lines), ZERO)
    view.shipping_amount = quote.payable_now
    discounts.fill(view, user=user, coupon=coupon, points=points)
    view.grade_discount_amount = view.discounts.grade_amount
    view.coupon_discount_amount = view.discounts.coupon_amount
    view.discount_amount = view.discounts.total
    view.points_amount = view.discounts.points_amount
    view.total_amount = (
        view.items_amount
        + view.option_extras_amount
        + view.shipping_amount
        - view.discount_amount
        - view.points_amount
    )
    # Discounts and points lower each line by its share, so the tax-free part stays exact.
    view.tax_free_amount = sum(
        (
            line.amount
            - view.discounts.line_discount(line.line_id)
            - view.discounts.points.get(line.line_id, ZERO)
            for line in view.lines
            if line.product.is_tax_free
        ),
        ZERO,
    )
    view.vat_amount = vat_included(view.total_amount, tax_free=view.tax_free_amount)
    view.token = token_of(view)


def token_of(view: CartView) -> str:
    """Digest what the shopper reviews: lines, quantities, prices, destination country,
    shipping and total.

    The checkout page posts it back; a cart changed in another tab, or a price changed
    in the catalog, gives another digest and the placement refuses.
    """
    canonical = json.dumps(
        {
            "lines": [
                [
                    line.line_id,
                    line.variant.pk,
                    line.quantity,
                    line.line.config_key,
                    str(line.unit_total),
                    [[item.addon.pk, item.quantity, str(item.price)] for item in line.addons],
                ]
                for line in view.lines
            ],
            "country": view.country,
            "shipping": str(view.shipping_amount),
            "total": str(view.total_amount),
            "coupon": view.coupon.pk if view.coupon else None,
            "points": str(view.points_amount),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


# --- Orders ---------------------------------------------------------------------------------


def with_details(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Return orders with their shipments and lines (three queries in all)."""
    return queryset.prefetch_related(
        Prefetch("shipments", queryset=VendorShipment.objects.select_related("vendor")),
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
    )


def list_orders_for_user(*, user: Any) -> QuerySet[Order]:
    """Return the member's own orders, newest first."""
    if user is None or not user.is_authenticated:
        return Order.objects.none()
    return with_details(Order.objects.filter(user=user))


def get_order_for_user(*, user: Any, number: str) -> Order:
    """Return the member's order by number; another shopper's order is simply not found."""
    order = list_orders_for_user(user=user).filter(number=str(number)).first()
    if order is None:
        raise NotFoundError()
    return order


def get_order_for_guest(*, number: str, token: str, email: str = "", phone: str = "") -> Order:
    """Return a guest order when the lookup token matches and, if given, the e-mail or phone.

    Every failure is the same 404, so a wrong token tells nothing about the order.
    """
    order = with_details(Order.objects.filter(number=str(number), user__isnull=True)).first()
    if order is None or not order.check_lookup_token(token):
        raise NotFoundError()
    if email and order.orderer_email.lower() != email.strip().lower():
        raise NotFoundError()
    if phone and digits(order.orderer_phone) != digits(phone):
        raise NotFoundError()
    return order


def digits(text: str) -> str:
    return "".join(ch for ch in str(text) if ch.isdigit())


def list_shipments_for_vendor(*, vendor_id: int, status: str = "") -> QuerySet[VendorShipment]:
    """Return one vendor's parts of orders with only that vendor's lines, newest first."""
    queryset = (
        VendorShipment.objects.filter(vendor_id=vendor_id)
        .select_related("order", "vendor")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
        .order_by("-order__placed_at", "-pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def get_shipment_for_vendor(*, vendor_id: int, shipment_id: Any) -> VendorShipment:
    """Return the vendor's own part of an order; another vendor's is not found."""
    try:
        return list_shipments_for_vendor(vendor_id=vendor_id).get(pk=int(shipment_id))
    except (VendorShipment.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None


def list_orders_for_staff(*, status: str = "", vendor_id: int | None = None) -> QuerySet[Order]:
    """Return every order for the merchant admin, filtered by status and vendor."""
    queryset = with_details(Order.objects.select_related("user"))
    if status:
        queryset = queryset.filter(status=status)
    if vendor_id is not None:
        queryset = queryset.filter(shipments__vendor_id=vendor_id).distinct()
    return queryset


def get_order(*, order_id: int) -> Order:
    order = (
        with_details(Order.objects.select_related("user"))
        .prefetch_related("refunds__lines", "claims__lines")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFoundError()
    return order
