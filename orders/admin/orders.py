"""The platform admin's order page (/admin/orders/order/): every order, read-only, with buttons.

Orders are snapshots and never edited field by field: each change is a button or an
action calling one service (confirm a bank deposit, cancel with a reason, cancel some
lines, mark a bank-transfer refund paid out). A refused transition shows the service's
message and changes nothing. The list exports as CSV (an audited bulk read).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Replace
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orders import services
from orders.admin.common import (
    Column,
    TransitionOnlyMixin,
    address_of,
    csv_download,
    krw,
    line_summary,
    obj_label,
    payment_method_label,
    plain,
    run_each,
    run_service,
)
from orders.admin.order_parts import (
    ClaimInline,
    OrderLineInline,
    PaymentMethodFilter,
    RefundInline,
    ShipmentInline,
    VendorFilter,
)
from orders.forms_admin import ReasonActionForm
from orders.models import (
    Claim,
    Order,
    OrderLine,
    PaymentMethod,
    Refund,
    VendorShipment,
)
from shop import privacy
from shop.admin import AuditedModelAdmin, history_url

OPEN_STATUSES = {Order.Status.PENDING_PAYMENT, Order.Status.PAID, Order.Status.PREPARING}
UNSHIPPED = {
    VendorShipment.Status.PENDING_PAYMENT,
    VendorShipment.Status.PAID,
    VendorShipment.Status.PREPARING,
}


ORDER_COLUMNS: list[Column] = [
    ("number", _("order number"), lambda o: o.number),
    ("placed_at", _("placed at"), lambda o: plain(o.placed_at)),
    ("status", _("status"), lambda o: o.get_status_display()),
    ("payment_method", _("payment method"), lambda o: payment_method_label(o.payment_method)),
    ("paid_at", pgettext_lazy("order", "paid at"), lambda o: plain(o.paid_at)),
    ("vendors", _("vendors"), lambda o: ", ".join(s.vendor.name for s in o.shipments.all())),
    ("member", _("member"), lambda o: o.user_id or ""),
    ("orderer_name", _("orderer name"), lambda o: o.orderer_name),
    ("orderer_email", _("orderer e-mail"), lambda o: o.orderer_email),
    ("orderer_phone", _("orderer phone"), lambda o: o.orderer_phone),
    ("recipient_name", _("recipient"), lambda o: o.recipient_name),
    ("recipient_phone", _("recipient phone"), lambda o: o.recipient_phone),
    ("postcode", _("postcode"), lambda o: o.postcode),
    ("road_address", _("road address"), lambda o: o.road_address),
    ("detail_address", _("detail address"), lambda o: o.detail_address),
    ("delivery_memo", _("delivery memo"), lambda o: o.delivery_memo),
    ("items_amount", _("items"), lambda o: plain(o.items_amount)),
    ("option_extras_amount", _("option extras"), lambda o: plain(o.option_extras_amount)),
    ("shipping_amount", _("shipping"), lambda o: plain(o.shipping_amount)),
    ("discount_amount", _("discounts"), lambda o: plain(o.discount_amount)),
    ("points_amount", _("points used"), lambda o: plain(o.points_amount)),
    ("total_amount", _("total"), lambda o: plain(o.total_amount)),
    ("tax_free_amount", _("tax-free part"), lambda o: plain(o.tax_free_amount)),
    ("vat_amount", _("VAT"), lambda o: plain(o.vat_amount)),
    ("cancelled_at", _("cancelled at"), lambda o: plain(o.cancelled_at)),
    ("cancel_reason", _("cancellation reason"), lambda o: o.cancel_reason),
]


# --- Orders ----------------------------------------------------------------------------------


@admin.register(Order)
class OrderAdmin(TransitionOnlyMixin, AuditedModelAdmin):
    """Every order; read-only, with buttons for the transitions staff may make."""

    action_form = ReasonActionForm
    list_display = [
        "number",
        "placed_at",
        "orderer_name",
        "status",
        "payment",
        "total",
        "vendors",
    ]
    list_filter = ["status", PaymentMethodFilter, VendorFilter, "placed_at"]
    search_fields = ["number", "orderer_name", "orderer_email", "orderer_phone"]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "placed_at",
                    "paid_at",
                    "cancelled_at",
                    "cancel_reason",
                    "member",
                    "history",
                ]
            },
        ),
        (_("Orderer"), {"fields": ["orderer_name", "orderer_email", "orderer_phone"]}),
        (
            _("Recipient"),
            {"fields": ["recipient_name", "recipient_phone", "address", "delivery_memo"]},
        ),
        (
            _("Amounts"),
            {
                "fields": [
                    "items_display",
                    "extras_display",
                    "shipping_display",
                    "discount_display",
                    "points_display",
                    "total",
                    "tax_free_display",
                    "vat_display",
                ]
            },
        ),
        (
            _("Payment"),
            {"fields": ["payment", "depositor_name", "deposit_deadline", "payment_expires_at"]},
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]
    inlines = [ShipmentInline, OrderLineInline, RefundInline, ClaimInline]
    actions = ["confirm_deposits", "cancel_orders", "export_csv"]
    change_form_template = "orders/admin/order_change_form.html"
    change_list_template = "orders/admin/order_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = Order.objects.select_related("user").prefetch_related(
            Prefetch("shipments", queryset=VendorShipment.objects.select_related("vendor"))
        )
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Also find a phone number typed with or without hyphens (010-1234-5678)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) >= 4 and not search_term.strip(" -0123456789"):
            by_phone = Order.objects.alias(
                phone_digits=Replace("orderer_phone", Value("-"), Value(""))
            ).filter(phone_digits__contains=digits)
            results = queryset.filter(
                Q(pk__in=Subquery(results.values("pk"))) | Q(pk__in=Subquery(by_phone.values("pk")))
            )
        return results, duplicates

    transition_permission = "orders.change_order"

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("payment method"), ordering="payment_method")
    def payment(self, obj: Order) -> str:
        return payment_method_label(obj.payment_method)

    @admin.display(description=_("total"), ordering="total_amount")
    def total(self, obj: Order) -> str:
        return krw(obj.total_amount)

    @admin.display(description=_("vendors"))
    def vendors(self, obj: Order) -> str:
        return ", ".join(part.vendor.name for part in obj.shipments.all())

    @admin.display(description=_("member"))
    def member(self, obj: Order) -> str:
        return str(obj.user) if obj.user_id else gettext("Guest")

    @admin.display(description=_("history"))
    def history(self, obj: Order) -> str:
        return format_html('<a href="{}">{}</a>', history_url(obj), gettext("Audit log"))

    @admin.display(description=_("address"))
    def address(self, obj: Order) -> str:
        return address_of(obj)

    @admin.display(description=_("items"))
    def items_display(self, obj: Order) -> str:
        return krw(obj.items_amount)

    @admin.display(description=_("option extras"))
    def extras_display(self, obj: Order) -> str:
        return krw(obj.option_extras_amount)

    @admin.display(description=_("shipping"))
    def shipping_display(self, obj: Order) -> str:
        return krw(obj.shipping_amount)

    @admin.display(description=_("discounts"))
    def discount_display(self, obj: Order) -> str:
        """The total, then the grade discount and the coupon with who pays for it."""
        parts = []
        if obj.grade_discount_amount:
            parts.append(_("grade %(amount)s") % {"amount": krw(obj.grade_discount_amount)})
        if obj.coupon_name:
            parts.append(
                _("coupon “%(name)s” %(amount)s, paid by %(bearer)s")
                % {
                    "name": obj.coupon_name,
                    "amount": krw(obj.coupon_discount_amount),
                    "bearer": obj.get_coupon_bearer_display(),
                }
            )
        total = krw(obj.discount_amount)
        return f"{total} ({' · '.join(parts)})" if parts else total

    @admin.display(description=_("points used"))
    def points_display(self, obj: Order) -> str:
        return krw(obj.points_amount)

    @admin.display(description=_("tax-free part"))
    def tax_free_display(self, obj: Order) -> str:
        return krw(obj.tax_free_amount)

    @admin.display(description=_("VAT"))
    def vat_display(self, obj: Order) -> str:
        return krw(obj.vat_amount)

    # --- Buttons on the order page --------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/do/<str:transition>/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name="orders_order_transition",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="orders_order_export",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_transition_permission(request):
            context.update(self.transitions_of(obj))
        return super().change_view(request, object_id, form_url, context)

    def transitions_of(self, order: Order) -> dict[str, Any]:
        """Return what the order page offers: each button only where its status allows it."""

        def url(name: str) -> str:
            return reverse("admin:orders_order_transition", args=[order.pk, name])

        parts = list(order.shipments.all())
        unshipped = {part.pk for part in parts if part.status in UNSHIPPED}
        context: dict[str, Any] = {"transition_urls": {}}
        urls = context["transition_urls"]
        if (
            order.status == Order.Status.PENDING_PAYMENT
            and order.payment_method == PaymentMethod.BANK_TRANSFER
        ):
            urls["deposit"] = url("deposit")
            context["deposit_amount"] = krw(order.total_amount)
        if order.status in OPEN_STATUSES and len(unshipped) == len(parts):
            urls["cancel"] = url("cancel")
        if order.status in OPEN_STATUSES:
            lines = [
                line
                for line in OrderLine.objects.filter(order=order, shipment_id__in=unshipped)
                .select_related("vendor")
                .order_by("pk")
                if line.live_quantity > 0
            ]
            if lines:
                urls["partial_cancel"] = url("partial_cancel")
                context["cancellable_lines"] = [
                    {"line": line, "summary": line_summary(line)} for line in lines
                ]
        if order.payment_method == PaymentMethod.BANK_TRANSFER:
            context["refunds_to_pay"] = [
                {"refund": refund, "amount": krw(refund.amount)}
                for refund in order.refunds.filter(status=Refund.Status.REQUESTED).order_by("pk")
            ]
            if context["refunds_to_pay"]:
                urls["refund"] = url("refund")
        context["open_claims"] = [
            {"claim": claim, "url": reverse("admin:orders_claim_change", args=[claim.pk])}
            for claim in order.claims.filter(
                status__in=[Claim.Status.REQUESTED, Claim.Status.RETURNED]
            ).order_by("pk")
        ]
        return context

    def transition_view(
        self, request: HttpRequest, object_id: str, transition: str
    ) -> HttpResponse:
        order = self.get_object(request, unquote(object_id))
        if order is None or not self.has_view_permission(request, order):
            raise Http404
        if not self.has_transition_permission(request):
            raise PermissionDenied
        post = request.POST
        reason = post.get("reason", "").strip()
        label = obj_label(order)
        if transition == "deposit":
            call = lambda: services.mark_deposit_confirmed(order_id=order.pk)  # noqa: E731
            done = gettext("Deposit confirmed; the order is paid.")
        elif transition == "cancel":
            if not reason:
                messages.error(
                    request, f"{label}: {gettext('Enter the reason for the cancellation.')}"
                )
                return self.back_to(order)
            call = lambda: services.cancel_order(order_id=order.pk, reason=reason)  # noqa: E731
            done = gettext("Order cancelled.")
        elif transition == "partial_cancel":
            quantities = {
                key.removeprefix("line-"): value.strip()
                for key, value in post.items()
                if key.startswith("line-") and value.strip() not in ("", "0")
            }

            def call() -> Any:
                return services.partial_cancel(
                    order_id=order.pk, quantities=quantities, reason=reason
                )

            done = gettext("The chosen quantities are cancelled.")
        elif transition == "refund":
            refund_id = post.get("refund", "")
            refund = (
                order.refunds.filter(pk=int(refund_id)).first() if refund_id.isdigit() else None
            )
            if refund is None or order.payment_method != PaymentMethod.BANK_TRANSFER:
                raise Http404
            note = post.get("note", "")

            def call() -> Any:
                return services.complete_refund(
                    refund_id=refund.pk, completed_by=request.user, note=note
                )

            done = gettext("Refund marked paid out.")
        else:
            raise Http404
        if run_service(request, label, call):
            messages.success(request, f"{label}: {done}")
        return self.back_to(order)

    def back_to(self, order: Order) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    # --- Bulk actions -------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_transition_permission(request):
            actions.pop("confirm_deposits", None)
            actions.pop("cancel_orders", None)
        return actions

    @admin.action(description=_("Confirm the bank deposit of the selected orders"))
    def confirm_deposits(self, request: HttpRequest, queryset: QuerySet) -> None:
        run_each(
            request,
            queryset.order_by("pk"),
            lambda order: services.mark_deposit_confirmed(order_id=order.pk),
            ngettext_lazy("%(count)d deposit confirmed.", "%(count)d deposits confirmed.", "count"),
        )

    @admin.action(description=_("Cancel the selected orders (reason required)"))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, gettext("Enter the reason next to the action."))
            return
        run_each(
            request,
            queryset.order_by("pk"),
            lambda order: services.cancel_order(order_id=order.pk, reason=reason),
            ngettext_lazy("%(count)d order cancelled.", "%(count)d orders cancelled.", "count"),
        )

    # --- CSV export ---------------------------------------------------------------------------

    def export_orders(self, queryset: QuerySet) -> HttpResponse:
        return csv_download(
            model=Order, columns=ORDER_COLUMNS, rows=queryset, vendor_id=None, filename="orders"
        )

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export_orders(queryset)

    @privacy.require_reason_for_view
    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download the order list as filtered and searched on the list page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            rows = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            rows = self.get_queryset(request)
        return self.export_orders(rows)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        query = request.GET.urlencode()
        export_url = reverse("admin:orders_order_export")
        context = {
            "order_export_url": f"{export_url}?{query}" if query else export_url,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)
