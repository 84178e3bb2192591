"""The platform admin's pages of vendor parts, claims and refunds (the order page: ``orders``).

Every page is read-only; every change is a
button or an action calling one service, so a refused transition shows the service's
message and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.admin.claims import ClaimAdminMixin
from orders.admin.common import (
    ReadOnlyInlineMixin,
    TransitionOnlyMixin,
    krw,
    payment_method_label,
    run_each,
)
from orders.admin.order_parts import ClaimInline, OrderLineInline, RefundPaymentMethodFilter
from orders.admin.shipments import ShipmentAdminMixin
from orders.forms_admin import NoteActionForm
from orders.models import (
    Claim,
    OrderLine,
    PaymentMethod,
    Refund,
    RefundLine,
    VendorShipment,
)
from shop.admin import AuditedModelAdmin, history_url

# --- Vendor parts, claims and refunds ------------------------------------------------------------


class ShipmentLineInline(OrderLineInline):
    fk_name = "shipment"
    fields = [name for name in OrderLineInline.fields if name != "vendor"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return OrderLine.objects.order_by("pk")


class ShipmentClaimInline(ClaimInline):
    fk_name = "shipment"
    fields = [name for name in ClaimInline.fields if name != "vendor"]
    readonly_fields = fields


class OrderHistoryMixin:
    """The "history" of a part, claim or refund is its order's entries in the audit log."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None or not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            return super().history_view(request, object_id, extra_context)  # type: ignore[misc]
        return HttpResponseRedirect(history_url(obj.order))


@admin.register(VendorShipment)
class ShipmentAdmin(OrderHistoryMixin, ShipmentAdminMixin, AuditedModelAdmin):
    """Every vendor's parts, for staff who fulfil on a vendor's behalf or fix a waybill."""

    list_display = ["order_number", "vendor", *ShipmentAdminMixin.list_display[1:]]
    list_filter = [*ShipmentAdminMixin.list_filter, "vendor"]
    inlines = [ShipmentLineInline, ShipmentClaimInline]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        (title, options), *rest = super().get_fieldsets(request, obj)
        return [(title, {"fields": ["order_link", "vendor", *options["fields"][1:]]}), *rest]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "order_link", "vendor"]

    @admin.display(description=_("order"))
    def order_link(self, obj: VendorShipment) -> str:
        url = reverse("admin:orders_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)


@admin.register(Claim)
class ClaimAdmin(OrderHistoryMixin, ClaimAdminMixin, AuditedModelAdmin):
    """Every return and exchange request, with the vendor it goes back to."""

    list_display = [*ClaimAdminMixin.list_display[:2], "vendor", *ClaimAdminMixin.list_display[2:]]
    list_filter = [*ClaimAdminMixin.list_filter, ("shipment__vendor", admin.RelatedFieldListFilter)]

    @admin.display(description=_("vendor"), ordering="shipment__vendor__name")
    def vendor(self, obj: Claim) -> str:
        return obj.shipment.vendor.name


class RefundLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = RefundLine
    fields = ["order_line", "quantity", "line_amount"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("order_line")

    @admin.display(description=_("amount"))
    def line_amount(self, obj: RefundLine) -> str:
        return krw(obj.amount)


@admin.register(Refund)
class RefundAdmin(OrderHistoryMixin, TransitionOnlyMixin, AuditedModelAdmin):
    """Money owed back; staff mark a bank-transfer refund paid out once they sent it."""

    action_form = NoteActionForm
    list_display = [
        "refund_number",
        "order_number",
        "kind",
        "status",
        "refund_amount",
        "payment",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "kind", RefundPaymentMethodFilter]
    search_fields = ["=order__number", "order__orderer_name"]
    list_select_related = ["order"]
    fields = [
        "order_number",
        "kind",
        "status",
        "reason",
        "items_refund",
        "shipping_refund",
        "deduction",
        "refund_amount",
        "tax_free",
        "created_at",
        "completed_at",
        "completed_by",
        "note",
    ]
    readonly_fields = fields
    inlines = [RefundLineInline]
    actions = ["mark_paid_out"]

    transition_permission = "orders.change_refund"

    @admin.display(description=_("refund"), ordering="pk")
    def refund_number(self, obj: Refund) -> str:
        return str(obj)

    @admin.display(description=_("order number"), ordering="order__number")
    def order_number(self, obj: Refund) -> str:
        return obj.order.number

    @admin.display(description=_("payment method"))
    def payment(self, obj: Refund) -> str:
        return payment_method_label(obj.order.payment_method)

    @admin.display(description=_("amount"), ordering="amount")
    def refund_amount(self, obj: Refund) -> str:
        return krw(obj.amount)

    @admin.display(description=_("items refunded"))
    def items_refund(self, obj: Refund) -> str:
        return krw(obj.items_amount)

    @admin.display(description=_("shipping refunded"))
    def shipping_refund(self, obj: Refund) -> str:
        return krw(obj.shipping_amount)

    @admin.display(description=_("deduction"))
    def deduction(self, obj: Refund) -> str:
        return krw(obj.deduction_amount)

    @admin.display(description=_("tax-free part"))
    def tax_free(self, obj: Refund) -> str:
        return krw(obj.tax_free_amount)

    @admin.action(
        description=_("Mark the selected bank-transfer refunds paid out"),
        permissions=["transition"],
    )
    def mark_paid_out(self, request: HttpRequest, queryset: QuerySet) -> None:
        note = request.POST.get("note", "")
        others = queryset.exclude(order__payment_method=PaymentMethod.BANK_TRANSFER)
        for refund in others:
            messages.error(
                request,
                gettext("%(refund)s: the payments app refunds this payment at its provider.")
                % {"refund": refund},
            )
        run_each(
            request,
            queryset.filter(order__payment_method=PaymentMethod.BANK_TRANSFER).order_by("pk"),
            lambda refund: services.complete_refund(
                refund_id=refund.pk, completed_by=request.user, note=note
            ),
            ngettext_lazy(
                "%(count)d refund marked paid out.", "%(count)d refunds marked paid out.", "count"
            ),
        )
