"""The platform admin's payments page (/admin/payments/paymentintent/): every attempt, read-only.

Each payment shows its ledger (every call, return, webhook and movement of money, as
written, redacted) and the totals derived from it; "Ask the provider now" and "Retry
refund at the provider" call the services (``payments.admin.actions``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orders.admin.common import (
    Column,
    ReadOnlyInlineMixin,
    csv_download,
    payment_method_label,
    plain,
)
from payments.admin.actions import reconcile, refunds_of, retry_refund
from payments.admin.common import (
    ProviderFilter,
    ReadOnlyAdmin,
    member_link,
    money,
    order_link,
    pretty_json,
)
from payments.models import UNSETTLED, PaymentEvent, PaymentIntent
from shop.admin import history_url
from shop.money import format_krw

# --- Payments (intents) and their ledger -------------------------------------------------------


class PaymentEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The ledger: every call, return, webhook and movement of money, in order, as written."""

    model = PaymentEvent
    fields = [
        "created_at",
        "kind",
        "source",
        "operation",
        "http",
        "event_amount",
        "note",
        "duration_ms",
        "request_json",
        "response_json",
    ]
    readonly_fields = fields
    ordering = ["pk"]
    verbose_name_plural = _("ledger")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may see a payment sees its ledger: one is no use without the other.
        return request.user.has_perm("payments.view_paymentintent")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("intent").order_by("pk")

    @admin.display(description=_("HTTP"))
    def http(self, obj: PaymentEvent) -> str:
        parts = [obj.http_method, str(obj.status_code or "")]
        return " ".join(part for part in parts if part) or "-"

    @admin.display(description=_("amount"))
    def event_amount(self, obj: PaymentEvent) -> str:
        return money(obj.amount, obj.intent.currency) if obj.amount is not None else "-"

    @admin.display(description=_("request (redacted)"))
    def request_json(self, obj: PaymentEvent) -> str:
        return pretty_json(obj.request)

    @admin.display(description=_("response (redacted)"))
    def response_json(self, obj: PaymentEvent) -> str:
        return pretty_json(obj.response)


INTENT_COLUMNS: list[Column] = [
    ("public_id", _("reference"), lambda i: str(i.public_id)),
    ("created_at", _("created at"), lambda i: plain(i.created_at)),
    ("provider", _("provider"), lambda i: payment_method_label(i.provider)),
    ("status", _("status"), lambda i: i.get_status_display()),
    ("order", _("order number"), lambda i: i.order.number if i.order_id else ""),
    ("currency", _("currency"), lambda i: i.currency),
    ("amount", _("amount"), lambda i: str(i.amount)),
    ("order_amount", _("order amount (KRW)"), lambda i: plain(i.order_amount)),
    ("fx_rate", _("exchange rate (KRW per unit)"), lambda i: str(i.fx_rate or "")),
    ("method_label", _("paid with"), lambda i: i.method_label),
    ("provider_payment_id", _("provider payment id"), lambda i: i.provider_payment_id),
    ("failure_code", _("failure code"), lambda i: i.failure_code),
]


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnlyAdmin):
    """Every payment attempt: read-only, its ledger below, buttons that call the services."""

    list_display = [
        "reference",
        "provider_display",
        "status",
        "order_display",
        "amount_display",
        "in_won",
        "method_label",
        "created_at",
    ]
    list_display_links = ["reference"]
    list_filter = ["status", ProviderFilter, "created_at"]
    search_fields = ["=order__number", "=provider_payment_id", "=capture_id"]
    search_help_text = _("Order number, provider payment id or capture id, or our reference.")
    list_select_related = ["order"]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "public_id",
                    "order_display",
                    "member",
                    "provider_display",
                    "flow",
                    "status",
                    "method_label",
                    "saved_method",
                    "created_at",
                    "updated_at",
                    "expires_at",
                    "last_synced_at",
                    "history",
                ]
            },
        ),
        (
            _("Amounts"),
            {
                "fields": [
                    "amount_display",
                    "tax_free_display",
                    "vat_display",
                    "order_amount_display",
                    "fx_rate",
                    "fx_source",
                    "fx_at",
                ]
            },
        ),
        (
            _("From the ledger"),
            {"fields": ["captured_display", "refunded_display", "remaining_display"]},
        ),
        (
            _("At the provider"),
            {
                "fields": [
                    "provider_payment_id",
                    "capture_id",
                    "failure_code",
                    "failure_message",
                    "provider_data_json",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]
    inlines = [PaymentEventInline]
    actions = ["reconcile_selected", "retry_refunds_of_selected", "export_csv"]
    change_form_template = "payments/admin/intent_change_form.html"

    transition_permission = "payments.change_paymentintent"
    # Refunds are orders' refunds: executing one needs the right to act on them.
    refund_permission = "orders.change_refund"

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.refund_permission)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("order", "user", "stored_method")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """Also find a payment by our reference (the UUID the provider knows it by)."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        try:
            reference = uuid.UUID(search_term.strip())
        except ValueError:
            return results, duplicates
        return results | queryset.filter(public_id=reference), duplicates

    # --- Columns and fields -------------------------------------------------------------------

    @admin.display(description=_("reference"), ordering="pk")
    def reference(self, obj: PaymentIntent) -> str:
        return str(obj.public_id)[:8]

    @admin.display(description=_("provider"), ordering="provider")
    def provider_display(self, obj: PaymentIntent) -> str:
        return payment_method_label(obj.provider)

    @admin.display(description=_("order"), ordering="order__number")
    def order_display(self, obj: PaymentIntent) -> str:
        return order_link(obj.order)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: PaymentIntent) -> str:
        return money(obj.amount, obj.currency)

    @admin.display(description=_("in won (rate)"))
    def in_won(self, obj: PaymentIntent) -> str:
        if obj.currency == "KRW":
            return "-"
        rate = f"{obj.fx_rate:,}" if obj.fx_rate else "-"
        return f"{format_krw(obj.order_amount)} @ {rate}"

    @admin.display(description=_("member"))
    def member(self, obj: PaymentIntent) -> str:
        return member_link(obj.user) if obj.user_id else gettext("Guest")

    @admin.display(description=_("saved method"))
    def saved_method(self, obj: PaymentIntent) -> str:
        method = obj.stored_method
        if method is None:
            return "-"
        url = reverse("admin:payments_storedpaymentmethod_change", args=[method.pk])
        return format_html('<a href="{}">{}</a>', url, method.label)

    @admin.display(description=_("history"))
    def history(self, obj: PaymentIntent) -> str:
        return format_html('<a href="{}">{}</a>', history_url(obj), gettext("Audit log"))

    @admin.display(description=_("tax-free part"))
    def tax_free_display(self, obj: PaymentIntent) -> str:
        return money(obj.tax_free_amount, obj.currency)

    @admin.display(description=_("VAT"))
    def vat_display(self, obj: PaymentIntent) -> str:
        return money(obj.vat_amount, obj.currency)

    @admin.display(description=_("order amount (KRW)"))
    def order_amount_display(self, obj: PaymentIntent) -> str:
        return format_krw(obj.order_amount)

    def totals(self, obj: PaymentIntent) -> dict[str, Decimal]:
        """What the ledger says moved, in one query per page."""
        if not hasattr(obj, "_ledger_totals"):
            sums = obj.events.aggregate(
                captured=Sum("amount", filter=Q(kind=PaymentEvent.Kind.CHARGE)),
                refunded=Sum("amount", filter=Q(kind=PaymentEvent.Kind.REFUND)),
            )
            captured = sums["captured"] or Decimal(0)
            refunded = sums["refunded"] or Decimal(0)
            obj._ledger_totals = {  # type: ignore[attr-defined]
                "captured": captured,
                "refunded": refunded,
                "remaining": captured - refunded,
            }
        return obj._ledger_totals  # type: ignore[attr-defined]

    @admin.display(description=_("captured"))
    def captured_display(self, obj: PaymentIntent) -> str:
        return money(self.totals(obj)["captured"], obj.currency)

    @admin.display(description=_("refunded"))
    def refunded_display(self, obj: PaymentIntent) -> str:
        return money(self.totals(obj)["refunded"], obj.currency)

    @admin.display(description=_("remaining"))
    def remaining_display(self, obj: PaymentIntent) -> str:
        return money(self.totals(obj)["remaining"], obj.currency)

    @admin.display(description=_("provider data (redacted)"))
    def provider_data_json(self, obj: PaymentIntent) -> str:
        return pretty_json(obj.provider_data)

    # --- Buttons on the payment page ------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/reconcile/",
                self.admin_site.admin_view(require_POST(self.reconcile_view)),
                name="payments_paymentintent_reconcile",
            ),
            path(
                "<path:object_id>/retry-refund/",
                self.admin_site.admin_view(require_POST(self.retry_refund_view)),
                name="payments_paymentintent_retry_refund",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            context.update(self.buttons_of(request, obj))
        return super().change_view(request, object_id, form_url, context)

    def buttons_of(self, request: HttpRequest, intent: PaymentIntent) -> dict[str, Any]:
        """What the payment page offers, each button only to staff allowed to press it."""
        context: dict[str, Any] = {"order_refunds": refunds_of(intent)}
        if intent.status in UNSETTLED and self.has_transition_permission(request):
            context["reconcile_url"] = reverse(
                "admin:payments_paymentintent_reconcile", args=[intent.pk]
            )
        if self.has_refund_permission(request) and any(
            row["failed"] for row in context["order_refunds"]
        ):
            context["retry_refund_url"] = reverse(
                "admin:payments_paymentintent_retry_refund", args=[intent.pk]
            )
        return context

    def reconcile_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        intent = self.get_object(request, unquote(object_id))
        if intent is None or not self.has_view_permission(request, intent):
            raise Http404
        if not self.has_transition_permission(request):
            raise PermissionDenied
        reconcile(request, intent)
        return self.back_to(intent)

    def retry_refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        intent = self.get_object(request, unquote(object_id))
        if intent is None or not self.has_view_permission(request, intent):
            raise Http404
        if not self.has_refund_permission(request):
            raise PermissionDenied
        refund_id = request.POST.get("refund", "")
        row = next(
            (row for row in refunds_of(intent) if str(row["refund"].pk) == refund_id.strip()),
            None,
        )
        if row is None:
            raise Http404
        if not row["failed"]:
            messages.error(
                request,
                gettext("%(refund)s: only a refund the provider refused can be retried here.")
                % {"refund": row["refund"]},
            )
            return self.back_to(intent)
        retry_refund(request, intent, row["refund"])
        return self.back_to(intent)

    def back_to(self, intent: PaymentIntent) -> HttpResponse:
        return HttpResponseRedirect(
            reverse("admin:payments_paymentintent_change", args=[intent.pk])
        )

    # --- Bulk actions -------------------------------------------------------------------------

    @admin.action(
        description=_("Ask the provider now about the selected payments"),
        permissions=["transition"],
    )
    def reconcile_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for intent in queryset.select_related("order").order_by("pk"):
            reconcile(request, intent)

    @admin.action(
        description=_("Retry the refused refunds of the selected payments"),
        permissions=["refund"],
    )
    def retry_refunds_of_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        tried = 0
        for intent in queryset.select_related("order").order_by("pk"):
            for row in refunds_of(intent):
                if row["failed"]:
                    tried += 1
                    retry_refund(request, intent, row["refund"])
        if not tried:
            messages.warning(
                request, gettext("None of the selected payments has a refused refund.")
            )

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return csv_download(
            model=PaymentIntent,
            columns=INTENT_COLUMNS,
            rows=queryset.select_related("order").order_by("pk"),
            vendor_id=None,
            filename="payments",
        )
