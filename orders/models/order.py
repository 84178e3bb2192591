"""Orders: what was sold, snapshotted, split into one part per vendor that ships on its own.

An order line copies names, option labels, prices, the vendor and the tax-free flag at
placement, so later catalog edits never change a placed order. Each vendor's part
(``VendorShipment``) keeps the shipping fee quoted at placement with its breakdown and
moves through its own statuses; the order's status follows its least advanced live part.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models.fields import krw_field, not_negative
from shop.models import TimeStampedModel
from shop.plugins import policy

# Order numbers avoid letters people confuse (0/O, 1/I/L) when reading them on the phone.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_order_number() -> str:
    """Return a public order reference: 20 random characters (~99 bits), never sequential."""
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(20))


def new_order_number() -> str:
    """Return the number of a new order, made by ``settings.ORDER_NUMBER_POLICY``.

    The policy is a dotted path to a function of no arguments returning at most 20
    characters, unique and hard to guess (a guest's order link holds it); the default is
    ``random_order_number``.
    """
    number = str(policy("ORDER_NUMBER_POLICY")())
    if not 0 < len(number) <= 20:
        raise ValueError(f"ORDER_NUMBER_POLICY made {number!r}: 1 to 20 characters, please")
    return number


def new_lookup_nonce() -> str:
    return secrets.token_hex(16)


class PaymentMethod(models.TextChoices):
    # The payments issue adds its providers; the column has no database CHECK so it can.
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (무통장입금)")


class Carrier(models.TextChoices):
    """Korean parcel carriers (택배사) with the page that tracks a waybill number."""

    CJ = "cj", _("CJ Logistics (CJ대한통운)")
    LOTTE = "lotte", _("Lotte Global Logistics (롯데택배)")
    HANJIN = "hanjin", _("Hanjin (한진택배)")
    EPOST = "epost", _("Korea Post (우체국택배)")
    LOGEN = "logen", _("Logen (로젠택배)")
    KDEXP = "kdexp", _("Kyungdong (경동택배)")
    DAESIN = "daesin", _("Daesin (대신택배)")
    ILYANG = "ilyang", _("Ilyang Logis (일양로지스)")
    CU_POST = "cupost", _("CU convenience store parcel (CU편의점택배)")
    CVSNET = "cvsnet", _("GS Postbox (GS편의점택배)")


TRACKING_URLS: dict[str, str] = {
    Carrier.CJ: "https://trace.cjlogistics.com/next/tracking.html?wblNo={number}",
    Carrier.LOTTE: "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={number}",
    Carrier.HANJIN: (
        "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do"
        "?mCode=MN038&schLang=KR&wblnumText2={number}"
    ),
    Carrier.EPOST: "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={number}",
    Carrier.LOGEN: "https://www.ilogen.com/web/personal/trace/{number}",
    Carrier.KDEXP: "https://kdexp.com/service/delivery/etc/delivery.do?barcode={number}",
    Carrier.DAESIN: ("https://www.ds3211.co.kr/freight/internalFreightSearch.ht?billno={number}"),
    Carrier.ILYANG: "https://www.ilyanglogis.com/functionality/tracking_result.asp?hawb_no={number}",
    Carrier.CU_POST: (
        "https://www.cupost.co.kr/postbox/delivery/localResult.cupost?invoice_no={number}"
    ),
    Carrier.CVSNET: "https://www.cvsnet.co.kr/invoice/tracking.do?invoice_no={number}",
}


class Order(TimeStampedModel):
    """One checkout: who ordered, where it goes, every amount, and where it stands."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", pgettext_lazy("order status", "Paid")
        PREPARING = "preparing", _("Preparing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        PURCHASE_CONFIRMED = "purchase_confirmed", _("Purchase confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    # The order follows its least advanced live part, so it may skip ahead when a lagging
    # part is cancelled (one vendor still "paid", the other shipped: cancel the first and
    # the order is "shipped"). It never moves back.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED}),
        Status.PAID: frozenset(
            {
                Status.PREPARING,
                Status.SHIPPED,
                Status.DELIVERED,
                Status.PURCHASE_CONFIRMED,
                Status.CANCELLED,
            }
        ),
        Status.PREPARING: frozenset(
            {Status.SHIPPED, Status.DELIVERED, Status.PURCHASE_CONFIRMED, Status.CANCELLED}
        ),
        Status.SHIPPED: frozenset({Status.DELIVERED, Status.PURCHASE_CONFIRMED}),
        Status.DELIVERED: frozenset({Status.PURCHASE_CONFIRMED}),
        Status.PURCHASE_CONFIRMED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    number = models.CharField(
        _("order number"), max_length=20, unique=True, default=new_order_number, editable=False
    )
    # Guests look their order up with a link holding an HMAC of the number and this nonce.
    lookup_nonce = models.CharField(max_length=32, default=new_lookup_nonce, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=Status.choices,
        default=Status.PENDING_PAYMENT,
        db_index=True,
    )

    orderer_name = models.CharField(_("orderer name"), max_length=100)
    orderer_email = models.EmailField(_("orderer e-mail"))
    orderer_phone = models.CharField(_("orderer phone"), max_length=20)
    recipient_name = models.CharField(_("recipient"), max_length=100)
    recipient_phone = models.CharField(_("recipient phone"), max_length=20)
    country = models.CharField(_("country"), max_length=2, default="KR")
    postcode = models.CharField(_("postcode"), max_length=10)
    road_address = models.CharField(_("road address"), max_length=255)
    detail_address = models.CharField(_("detail address"), max_length=255, blank=True)
    delivery_memo = models.CharField(_("delivery memo"), max_length=200, blank=True)

    # Every amount is whole won, VAT included, worked out by the server at placement.
    items_amount = krw_field(_("items"), help_text=_("Base prices and add-on items."))
    option_extras_amount = krw_field(_("option extras"))
    shipping_amount = krw_field(_("shipping"))
    discount_amount = krw_field(_("discounts"))
    points_amount = krw_field(_("points used"))
    total_amount = krw_field(_("total"))
    tax_free_amount = krw_field(_("tax-free part"))
    vat_amount = krw_field(_("VAT"))
    # ``discount_amount`` is the grade discount plus the coupon's (shipping included); the
    # stacking order and how each is spread over the lines: ``promotions.pricing``.
    grade_discount_amount = krw_field(_("grade discount"))
    coupon_discount_amount = krw_field(_("coupon discount"))
    user_coupon = models.ForeignKey(
        "promotions.UserCoupon",
        verbose_name=_("coupon"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    coupon_name = models.CharField(_("coupon"), max_length=100, blank=True)
    coupon_bearer = models.CharField(
        _("coupon paid by"),
        max_length=8,
        blank=True,
        choices=[("platform", _("Platform")), ("vendor", _("Vendor"))],
    )

    payment_method = models.CharField(
        _("payment method"), max_length=32, default=PaymentMethod.BANK_TRANSFER
    )
    depositor_name = models.CharField(_("depositor name"), max_length=100, blank=True)
    deposit_deadline = models.DateTimeField(_("deposit deadline"), null=True, blank=True)
    payment_expires_at = models.DateTimeField(
        _("payment expires at"), null=True, blank=True, db_index=True
    )
    placed_at = models.DateTimeField(_("placed at"))
    paid_at = models.DateTimeField(pgettext_lazy("order", "paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)
    # Set once, in the transaction that gave an unpaid order's stock back.
    stock_released_at = models.DateTimeField(_("stock released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-placed_at"]),
            models.Index(fields=["status", "payment_expires_at"]),
        ]
        constraints = [
            *not_negative(
                "orders_order",
                "items_amount",
                "shipping_amount",
                "discount_amount",
                "points_amount",
                "total_amount",
                "tax_free_amount",
                "vat_amount",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_amount=F("items_amount")
                    + F("option_extras_amount")
                    + F("shipping_amount")
                    - F("discount_amount")
                    - F("points_amount")
                ),
                name="orders_order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(tax_free_amount__lte=F("total_amount")),
                name="orders_order_tax_free_lte_total",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    def lookup_token(self) -> str:
        """Return the secret of the guest lookup link (an HMAC keyed by SECRET_KEY)."""
        return salted_hmac(
            "orders.guest-lookup", f"{self.number}:{self.lookup_nonce}", algorithm="sha256"
        ).hexdigest()

    def check_lookup_token(self, token: str) -> bool:
        return constant_time_compare(self.lookup_token(), str(token or ""))


class VendorShipment(TimeStampedModel):
    """One vendor's part of an order: its parcel(s), shipping fee, carrier and status."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("New order")
        PREPARING = "preparing", _("Preparing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
        PURCHASE_CONFIRMED = "purchase_confirmed", _("Purchase confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING_PAYMENT: frozenset({Status.PAID, Status.CANCELLED}),
        Status.PAID: frozenset({Status.PREPARING, Status.SHIPPED, Status.CANCELLED}),
        Status.PREPARING: frozenset({Status.SHIPPED, Status.CANCELLED}),
        Status.SHIPPED: frozenset({Status.DELIVERED}),
        Status.DELIVERED: frozenset({Status.PURCHASE_CONFIRMED}),
        Status.PURCHASE_CONFIRMED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="shipments"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=Status.choices,
        default=Status.PENDING_PAYMENT,
        db_index=True,
    )
    # What the buyer pays for this part's shipping now; lowered by partial cancellation.
    shipping_fee = krw_field(_("shipping fee"))
    shipping_fee_quoted = krw_field(_("shipping fee at placement"))
    # The engine's groups of this vendor at placement (money as text), for the record.
    shipping_quote = models.JSONField(_("shipping quote"), default=list, blank=True)
    return_fee = krw_field(_("return fee"))
    exchange_fee = krw_field(_("exchange fee"))
    # What a free-shipping coupon took off this part's shipping, and how much of it the
    # vendor bears (all of it for the vendor's own coupon, none for a platform coupon).
    shipping_discount = krw_field(_("shipping discount"))
    vendor_shipping_discount = krw_field(_("shipping discount borne by the vendor"))
    # Discounts of this part's lines at placement (grade and coupon) and the vendor's share.
    discount_amount = krw_field(_("discounts"))
    vendor_discount_amount = krw_field(_("discounts borne by the vendor"))
    carrier = models.CharField(_("carrier"), max_length=16, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = models.DateTimeField(
        pgettext_lazy("parcel", "delivered at"), null=True, blank=True, db_index=True
    )
    confirmed_at = models.DateTimeField(_("purchase confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vendor shipment")
        verbose_name_plural = _("vendor shipments")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "vendor"], name="orders_shipment_per_vendor"),
            *not_negative(
                "orders_shipment",
                "shipping_fee",
                "shipping_fee_quoted",
                "return_fee",
                "exchange_fee",
                "shipping_discount",
                "vendor_shipping_discount",
                "discount_amount",
                "vendor_discount_amount",
            ),
        ]
        indexes = [models.Index(fields=["vendor", "status"])]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.vendor_id}"

    @property
    def tracking_url(self) -> str:
        template = TRACKING_URLS.get(self.carrier)
        if not template or not self.tracking_number:
            return ""
        return template.format(number=self.tracking_number)


class OrderLine(models.Model):
    """What was sold on one line, as it was at placement, and what became of it."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        PARTIALLY_CANCELLED = "partially_cancelled", _("Partially cancelled")
        CANCELLED = "cancelled", _("Cancelled")
        RETURN_REQUESTED = "return_requested", _("Return requested")
        RETURNED = "returned", _("Returned")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGE_REQUESTED = "exchange_requested", _("Exchange requested")
        EXCHANGED = "exchanged", _("Exchanged")
        PURCHASE_CONFIRMED = "purchase_confirmed", _("Purchase confirmed")

    # A rejected or withdrawn claim puts the line back where it was (ordered, or partially
    # cancelled when some of it was cancelled before).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ORDERED: frozenset(
            {
                Status.PARTIALLY_CANCELLED,
                Status.CANCELLED,
                Status.RETURN_REQUESTED,
                Status.EXCHANGE_REQUESTED,
                Status.PURCHASE_CONFIRMED,
            }
        ),
        Status.PARTIALLY_CANCELLED: frozenset(
            {
                Status.PARTIALLY_CANCELLED,
                Status.CANCELLED,
                Status.RETURN_REQUESTED,
                Status.EXCHANGE_REQUESTED,
                Status.PURCHASE_CONFIRMED,
            }
        ),
        Status.RETURN_REQUESTED: frozenset(
            {Status.RETURNED, Status.ORDERED, Status.PARTIALLY_CANCELLED}
        ),
        Status.RETURNED: frozenset({Status.REFUNDED, Status.PARTIALLY_CANCELLED}),
        Status.REFUNDED: frozenset(),
        Status.EXCHANGE_REQUESTED: frozenset(
            {Status.EXCHANGED, Status.ORDERED, Status.PARTIALLY_CANCELLED}
        ),
        Status.EXCHANGED: frozenset({Status.PURCHASE_CONFIRMED}),
        Status.CANCELLED: frozenset(),
        Status.PURCHASE_CONFIRMED: frozenset(),
    }

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    shipment = models.ForeignKey(
        VendorShipment,
        verbose_name=_("vendor shipment"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+"
    )
    # Links to the catalog for restocking and reviews; the snapshot below is what counts.
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        verbose_name=_("option"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product_name = models.CharField(_("product"), max_length=200)
    option_label = models.CharField(_("options"), max_length=255, blank=True)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    # [{"addon_id", "name", "price", "quantity"}] with money as text.
    addons = models.JSONField(_("add-on items"), default=list, blank=True)
    addons_amount = krw_field(_("add-on items amount"))
    # A list of objects with option_id, label and text.
    text_inputs = models.JSONField(_("text options"), default=list, blank=True)
    unit_price = krw_field(_("unit price"))
    extra_price = krw_field(_("option extra price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    cancelled_quantity = models.PositiveIntegerField(_("cancelled quantity"), default=0)
    returned_quantity = models.PositiveIntegerField(_("returned quantity"), default=0)
    is_tax_free = models.BooleanField(_("tax free"), default=False)
    # The line's share of the order's discounts and points, for its whole quantity, and
    # how much of each went back already with cancelled or returned items.
    discount_amount = krw_field(_("discount"))
    vendor_discount_amount = krw_field(_("discount borne by the vendor"))
    points_amount = krw_field(_("points used"))
    discount_released = krw_field(_("discount given back"))
    vendor_discount_released = krw_field(_("vendor discount given back"))
    points_released = krw_field(_("points given back"))
    shipping_group_key = models.CharField(_("parcel"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.ORDERED
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_quantity_gte_1"),
            models.CheckConstraint(
                condition=Q(cancelled_quantity__lte=F("quantity") - F("returned_quantity")),
                name="orders_line_cancelled_returned_lte_quantity",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(unit_price__gte=-F("extra_price")),
                name="orders_line_price_gte_0",
            ),
            *not_negative(
                "orders_line",
                "addons_amount",
                "discount_amount",
                "vendor_discount_amount",
                "points_amount",
                "discount_released",
                "vendor_discount_released",
                "points_released",
            ),
            models.CheckConstraint(
                condition=Q(discount_released__lte=F("discount_amount"))
                & Q(vendor_discount_released__lte=F("vendor_discount_amount"))
                & Q(points_released__lte=F("points_amount"))
                & Q(vendor_discount_amount__lte=F("discount_amount")),
                name="orders_line_shares_released_lte_shares",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} {self.option_label}".strip()

    @property
    def unit_total(self) -> Decimal:
        """Return the price of one item: base price plus option extra."""
        return self.unit_price + self.extra_price

    @property
    def live_quantity(self) -> int:
        """Return the quantity neither cancelled nor returned."""
        return self.quantity - self.cancelled_quantity - self.returned_quantity

    @property
    def live_amount(self) -> Decimal:
        """Return what the buyer pays for the live quantity, add-ons while any is live."""
        addons = self.addons_amount if self.live_quantity > 0 else 0
        return self.unit_total * self.live_quantity + addons

    @property
    def live_paid_amount(self) -> Decimal:
        """Return what the buyer paid for the live quantity: after discounts and points."""
        return (
            self.live_amount
            - (self.discount_amount - self.discount_released)
            - (self.points_amount - self.points_released)
        )

    @property
    def live_vendor_amount(self) -> Decimal:
        """Return the live quantity's price after the discounts the vendor bears."""
        return self.live_amount - (self.vendor_discount_amount - self.vendor_discount_released)
