"""The return and exchange (반품/교환) pages both sites share: list, detail and handling.

Handling a claim is a button or an action calling ``mark_returned``, ``mark_exchanged``
or ``reject_claim`` with the page's vendor (``None`` on the platform admin), so a
vendor only ever handles claims of its own parts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from orders import services
from orders.admin.common import (
    Column,
    TransitionOnlyMixin,
    csv_download,
    krw,
    plain,
    run_each,
    run_service,
)
from orders.forms_admin import NoteActionForm
from orders.models import Claim, ClaimLine

CLAIM_COLUMNS: list[Column] = [
    ("id", _("claim"), lambda c: c.pk),
    ("order_number", _("order number"), lambda c: c.order.number),
    ("shipment_id", _("shipment id"), lambda c: c.shipment_id),
    ("kind", _("kind"), lambda c: c.get_kind_display()),
    ("status", _("status"), lambda c: c.get_status_display()),
    ("items", _("items sent back"), lambda c: claim_items(c)),
    ("reason", _("reason"), lambda c: c.reason),
    ("fee", _("return or exchange fee"), lambda c: plain(c.fee)),
    ("created_at", _("requested at"), lambda c: plain(c.created_at)),
    ("resolved_at", _("resolved at"), lambda c: plain(c.resolved_at)),
    ("resolution_note", _("note"), lambda c: c.resolution_note),
]


def claim_items(claim: Claim) -> str:
    return "; ".join(f"{item.order_line} x {item.quantity}" for item in claim.lines.all())


class ClaimAdminMixin(TransitionOnlyMixin):
    """A return or exchange request: what goes back and why; handled by buttons."""

    personal_data = True  # the buyer's order and contact (access log, export reason)
    action_form = NoteActionForm
    list_display = [
        "claim_number",
        "order_number",
        "kind",
        "status",
        "items",
        "reason",
        "fee_display",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=order__number", "order__orderer_name", "reason"]
    ordering = ["-created_at", "-pk"]
    fields = [
        "order_number",
        "shipment_link",
        "kind",
        "status",
        "items",
        "reason",
        "fee_display",
        "refund_display",
        "created_at",
        "resolved_at",
        "resolution_note",
    ]
    readonly_fields = fields
    actions = ["mark_returned_selected", "mark_exchanged_selected", "reject_selected", "export_csv"]
    change_form_template = "orders/admin/claim_change_form.html"

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return queryset.select_related("order", "shipment__vendor", "refund").prefetch_related(
            Prefetch("lines", queryset=ClaimLine.objects.select_related("order_line"))
        )

    transition_permission = "orders.change_claim"

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("claim"), ordering="pk")
    def claim_number(self, obj: Claim) -> str:
        return str(obj)

    @admin.display(description=_("order number"), ordering="order__number")
    def order_number(self, obj: Claim) -> str:
        return obj.order.number

    @admin.display(description=_("vendor shipment"))
    def shipment_link(self, obj: Claim) -> str:
        site = self.admin_site.name  # type: ignore[attr-defined]
        url = reverse(f"{site}:orders_vendorshipment_change", args=[obj.shipment_id])
        return format_html('<a href="{}">{}</a>', url, obj.shipment.get_status_display())

    @admin.display(description=_("items sent back"))
    def items(self, obj: Claim) -> str:
        return claim_items(obj)

    @admin.display(description=_("return or exchange fee"))
    def fee_display(self, obj: Claim) -> str:
        return krw(obj.fee)

    @admin.display(description=_("refund"))
    def refund_display(self, obj: Claim) -> str:
        if obj.refund is None:
            return "-"
        return f"{krw(obj.refund.amount)} ({obj.refund.get_status_display()})"

    # --- Buttons and actions ------------------------------------------------------------------

    def url_name(self, name: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return f"{opts.app_label}_{opts.model_name}_{name}"

    def site_url(self, name: str, *args: Any, query: str = "") -> str:
        url = reverse(f"{self.admin_site.name}:{self.url_name(name)}", args=args)  # type: ignore[attr-defined]
        return f"{url}?{query}" if query else url

    def get_urls(self) -> list[Any]:
        site = self.admin_site  # type: ignore[attr-defined]
        return [
            path("open/", site.admin_view(self.open_view), name=self.url_name("open")),
            path(
                "<path:object_id>/do/<str:transition>/",
                site.admin_view(require_POST(self.transition_view)),
                name=self.url_name("transition"),
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def open_view(self, request: HttpRequest) -> HttpResponse:
        """The dashboard's link: the requests waiting for the vendor."""
        return HttpResponseRedirect(
            self.site_url("changelist", query=f"status__exact={Claim.Status.REQUESTED}")
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        context = dict(extra_context or {})
        if obj is not None and self.has_transition_permission(request):
            context["transitions"] = self.transitions_of(obj)
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def transitions_of(self, obj: Claim) -> dict[str, str]:
        allowed = Claim.TRANSITIONS[obj.kind].get(obj.status, frozenset())
        buttons = {}
        for name, status in [
            ("returned", Claim.Status.RETURNED),
            ("exchanged", Claim.Status.EXCHANGED),
            ("reject", Claim.Status.REJECTED),
        ]:
            if status in allowed:
                buttons[name] = self.site_url("transition", obj.pk, name)
        return buttons

    def calls(self, request: HttpRequest, claim_id: int, note: str) -> dict[str, Any]:
        vendor_id = self.acting_vendor_id(request)
        return {
            "returned": lambda: services.mark_returned(
                claim_id=claim_id, vendor_id=vendor_id, note=note
            ),
            "exchanged": lambda: services.mark_exchanged(
                claim_id=claim_id, vendor_id=vendor_id, note=note
            ),
            "reject": lambda: services.reject_claim(
                claim_id=claim_id, vendor_id=vendor_id, note=note
            ),
        }

    def transition_view(
        self, request: HttpRequest, object_id: str, transition: str
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None or not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            raise Http404
        if not self.has_transition_permission(request):
            raise PermissionDenied
        calls = self.calls(request, obj.pk, request.POST.get("note", ""))
        if transition not in calls:
            raise Http404
        done = {
            "returned": gettext("Marked returned; the refund less the return fee is requested."),
            "exchanged": gettext("Marked exchanged."),
            "reject": gettext("Request rejected."),
        }[transition]
        if run_service(request, str(obj), calls[transition]):
            messages.success(request, f"{obj}: {done}")
        return HttpResponseRedirect(self.site_url("change", obj.pk))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if not self.has_transition_permission(request):
            for name in ["mark_returned_selected", "mark_exchanged_selected", "reject_selected"]:
                actions.pop(name, None)
        return actions

    def run_selected(self, request: HttpRequest, queryset: QuerySet, name: str, done: Any) -> None:
        note = request.POST.get("note", "")
        run_each(
            request,
            queryset.order_by("pk"),
            lambda claim: self.calls(request, claim.pk, note)[name](),
            done,
        )

    @admin.action(description=_("Mark the selected returns received (refund follows)"))
    def mark_returned_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_selected(
            request,
            queryset,
            "returned",
            ngettext_lazy("%(count)d return received.", "%(count)d returns received.", "count"),
        )

    @admin.action(description=_("Mark the selected exchanges sent"))
    def mark_exchanged_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_selected(
            request,
            queryset,
            "exchanged",
            ngettext_lazy("%(count)d exchange done.", "%(count)d exchanges done.", "count"),
        )

    @admin.action(description=_("Reject the selected requests (note required)"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run_selected(
            request,
            queryset,
            "reject",
            ngettext_lazy("%(count)d request rejected.", "%(count)d requests rejected.", "count"),
        )

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        vendor_id = self.acting_vendor_id(request)
        if vendor_id is not None:
            queryset = queryset.filter(shipment__vendor_id=vendor_id)
        return csv_download(
            model=Claim,
            columns=CLAIM_COLUMNS,
            rows=queryset.order_by("-created_at", "-pk"),
            vendor_id=vendor_id,
            filename="claims",
        )
