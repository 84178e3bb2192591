"""Filters and read-only inlines of the platform's order page: parts, lines, refunds, claims."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from orders import payment_methods
from orders.admin.common import (
    ClaimColumnsMixin,
    LineColumnsMixin,
    ReadOnlyInlineMixin,
    krw,
    tracking_html,
)
from orders.models import (
    Claim,
    ClaimLine,
    OrderLine,
    Refund,
    VendorShipment,
)
from vendors.models import Vendor

# --- Filters ------------------------------------------------------------------------------------


class VendorFilter(admin.SimpleListFilter):
    """Orders with a part of one vendor (an order has one part per vendor)."""

    title = _("vendor")
    parameter_name = "vendor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (str(pk), name)
            for pk, name in Vendor.objects.order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        parts = VendorShipment.objects.filter(order=OuterRef("pk"), vendor_id=int(value))
        return queryset.filter(Exists(parts))


class PaymentMethodFilter(admin.SimpleListFilter):
    title = _("payment method")
    parameter_name = "payment_method"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(option.code, option.label) for option in payment_methods.options_for()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(payment_method=self.value()) if self.value() else queryset


class RefundPaymentMethodFilter(PaymentMethodFilter):
    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(order__payment_method=self.value()) if self.value() else queryset


# --- Inlines of the order page ----------------------------------------------------------------


class ShipmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = VendorShipment
    fields = ["vendor", "status", "fee", "tracking", "shipped_at", "delivered_at", "confirmed_at"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("vendor parts")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("vendor")

    @admin.display(description=_("shipping fee"))
    def fee(self, obj: VendorShipment) -> str:
        return krw(obj.shipping_fee)

    @admin.display(description=_("tracking"))
    def tracking(self, obj: VendorShipment) -> str:
        return tracking_html(obj)


class OrderLineInline(LineColumnsMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """What was sold, as it was at placement."""

    model = OrderLine
    fields = [
        "vendor",
        "item",
        "sku",
        "unit",
        "quantity",
        "cancelled_quantity",
        "returned_quantity",
        "amount",
        "is_tax_free",
        "status",
    ]
    readonly_fields = fields
    verbose_name_plural = _("order lines (as sold)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("vendor").order_by("pk")


class RefundInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Refund
    fields = ["kind", "status", "refund_amount", "deduction", "reason", "completed_at"]
    readonly_fields = fields
    show_change_link = True

    @admin.display(description=_("amount"))
    def refund_amount(self, obj: Refund) -> str:
        return krw(obj.amount)

    @admin.display(description=_("deduction"))
    def deduction(self, obj: Refund) -> str:
        return krw(obj.deduction_amount)


class ClaimInline(ClaimColumnsMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = Claim
    fields = ["kind", "status", "vendor", "items", "reason", "requested_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("shipment__vendor")
            .prefetch_related(
                Prefetch("lines", queryset=ClaimLine.objects.select_related("order_line"))
            )
        )

    @admin.display(description=_("vendor"))
    def vendor(self, obj: Claim) -> str:
        return obj.shipment.vendor.name
