"""The vendor-part (배송) pages both sites share: list, detail, fulfilment buttons, tracking upload.

Each page says which vendor it acts for (``acting_vendor_id``): ``None`` on the
platform admin, the member's vendor in the seller center. Every button and action
passes it to the service, so another vendor's part is "not found" even there, and the
tracking upload treats a row naming another vendor's part as not found.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from catalog.importexport import formats
from orders import services
from orders.admin.common import (
    Column,
    TransitionOnlyMixin,
    address_of,
    csv_download,
    krw,
    lines_summary,
    obj_label,
    plain,
    run_each,
    run_service,
    shipment_label,
    tracking_html,
    when,
)
from orders.forms_admin import ShipForm, TrackingUploadForm
from orders.models import OrderLine, VendorShipment
from orders.services.tracking import HEADER_LABELS, import_tracking
from orders.services.tracking import max_rows as tracking_max_rows
from shop import privacy

MAX_ERRORS_SHOWN = 500
Status = VendorShipment.Status

SHIPMENT_COLUMNS: list[Column] = [
    ("shipment_id", HEADER_LABELS["shipment_id"], lambda s: s.pk),
    ("order_number", HEADER_LABELS["order_number"], lambda s: s.order.number),
    ("placed_at", _("placed at"), lambda s: plain(s.order.placed_at)),
    ("paid_at", pgettext_lazy("order", "paid at"), lambda s: plain(s.order.paid_at)),
    ("status", _("status"), lambda s: s.get_status_display()),
    ("recipient_name", _("recipient"), lambda s: s.order.recipient_name),
    ("recipient_phone", _("recipient phone"), lambda s: s.order.recipient_phone),
    ("postcode", _("postcode"), lambda s: s.order.postcode),
    ("road_address", _("road address"), lambda s: s.order.road_address),
    ("detail_address", _("detail address"), lambda s: s.order.detail_address),
    ("delivery_memo", _("delivery memo"), lambda s: s.order.delivery_memo),
    ("items", _("items ordered"), lambda s: lines_summary(s.lines.all())),
    ("shipping_fee", _("shipping fee"), lambda s: plain(s.shipping_fee)),
    ("carrier", HEADER_LABELS["carrier"], lambda s: s.get_carrier_display()),
    ("tracking_number", HEADER_LABELS["tracking_number"], lambda s: s.tracking_number),
    ("shipped_at", _("shipped at"), lambda s: plain(s.shipped_at)),
    ("delivered_at", pgettext_lazy("parcel", "delivered at"), lambda s: plain(s.delivered_at)),
]
# The dashboard's links open the list filtered to one status.
TODO_STATUSES = {"to-prepare": Status.PAID, "to-ship": Status.PREPARING}


def with_lines(queryset: QuerySet) -> QuerySet:
    """Return parts with their order and lines: a fixed number of queries for any list."""
    return queryset.select_related("order", "vendor").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    )


class ShipmentAdminMixin(TransitionOnlyMixin):
    """A vendor part: what to send where, its status and parcel; fulfilment by buttons."""

    personal_data = True  # the buyer's name, phone and address (access log, export reason)
    list_display = [
        "order_number",
        "placed_at",
        "recipient",
        "items",
        "status",
        "tracking",
        "shipped_at",
    ]
    list_display_links = ["order_number"]
    list_filter = ["status", "carrier", ("order__placed_at", admin.DateFieldListFilter)]
    search_fields = [
        "=order__number",
        "order__recipient_name",
        "order__orderer_name",
        "order__recipient_phone",
        "=tracking_number",
    ]
    ordering = ["-order__placed_at", "-pk"]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {"fields": ["order_number", "placed_at", "paid_at", "status", "items_display"]},
        ),
        (
            _("Recipient"),
            {"fields": ["recipient", "recipient_phone", "address", "delivery_memo"]},
        ),
        (
            _("Parcel"),
            {
                "fields": [
                    "shipping_fee_display",
                    "vendor_discount_display",
                    "return_fee_display",
                    "exchange_fee_display",
                    "tracking",
                    "shipped_at",
                    "delivered_at",
                    "confirmed_at",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]
    actions = ["start_preparing_selected", "mark_delivered_selected", "export_csv"]
    change_form_template = "orders/admin/shipment_change_form.html"
    change_list_template = "orders/admin/shipment_change_list.html"

    # Which vendor the page acts for: None for the platform's staff.
    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return with_lines(super().get_queryset(request))  # type: ignore[misc]

    # --- Permissions: read-only rows, transitions by buttons ----------------------------------

    transition_permission = "orders.change_vendorshipment"

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("order number"), ordering="order__number")
    def order_number(self, obj: VendorShipment) -> str:
        return obj.order.number

    @admin.display(description=_("placed at"), ordering="order__placed_at")
    def placed_at(self, obj: VendorShipment) -> str:
        return when(obj.order.placed_at) or "-"

    @admin.display(description=pgettext_lazy("order", "paid at"))
    def paid_at(self, obj: VendorShipment) -> str:
        return when(obj.order.paid_at) or "-"

    @admin.display(description=_("recipient"), ordering="order__recipient_name")
    def recipient(self, obj: VendorShipment) -> str:
        return obj.order.recipient_name

    @admin.display(description=_("recipient phone"))
    def recipient_phone(self, obj: VendorShipment) -> str:
        return obj.order.recipient_phone

    @admin.display(description=_("address"))
    def address(self, obj: VendorShipment) -> str:
        return address_of(obj.order)

    @admin.display(description=_("delivery memo"))
    def delivery_memo(self, obj: VendorShipment) -> str:
        return obj.order.delivery_memo or "-"

    @admin.display(description=_("items ordered"))
    def items(self, obj: VendorShipment) -> str:
        return lines_summary(obj.lines.all())

    @admin.display(description=_("items ordered"))
    def items_display(self, obj: VendorShipment) -> str:
        return lines_summary(obj.lines.all())

    @admin.display(description=_("shipping fee"), ordering="shipping_fee")
    def shipping_fee_display(self, obj: VendorShipment) -> str:
        return krw(obj.shipping_fee)

    @admin.display(description=_("discounts borne by the vendor"))
    def vendor_discount_display(self, obj: VendorShipment) -> str:
        """The vendor's own coupons on this part; the settlement books the sale net of it."""
        return krw(obj.vendor_discount_amount)

    @admin.display(description=_("return fee"))
    def return_fee_display(self, obj: VendorShipment) -> str:
        return krw(obj.return_fee)

    @admin.display(description=_("exchange fee"))
    def exchange_fee_display(self, obj: VendorShipment) -> str:
        return krw(obj.exchange_fee)

    @admin.display(description=_("tracking"))
    def tracking(self, obj: VendorShipment) -> str:
        return tracking_html(obj)

    # --- URLs ---------------------------------------------------------------------------------

    def url_name(self, name: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return f"{opts.app_label}_{opts.model_name}_{name}"

    def site_url(self, name: str, *args: Any, query: str = "") -> str:
        site = self.admin_site.name  # type: ignore[attr-defined]
        url = reverse(f"{site}:{self.url_name(name)}", args=args)
        return f"{url}?{query}" if query else url

    def get_urls(self) -> list[Any]:
        site = self.admin_site  # type: ignore[attr-defined]
        todo = [
            path(
                f"{slug}/",
                site.admin_view(self.todo_view(status)),
                name=self.url_name(slug.replace("-", "_")),
            )
            for slug, status in TODO_STATUSES.items()
        ]
        return [
            path(
                "tracking-upload/",
                site.admin_view(self.tracking_upload_view),
                name=self.url_name("tracking_upload"),
            ),
            path("export/", site.admin_view(self.export_view), name=self.url_name("export")),
            path(
                "<path:object_id>/do/<str:transition>/",
                site.admin_view(require_POST(self.transition_view)),
                name=self.url_name("transition"),
            ),
            *todo,
            *super().get_urls(),  # type: ignore[misc]
        ]

    def todo_view(self, status: str) -> Any:
        def view(request: HttpRequest) -> HttpResponse:
            return HttpResponseRedirect(
                self.site_url("changelist", query=f"status__exact={status}")
            )

        return view

    # --- The detail page's buttons ------------------------------------------------------------

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        context = dict(extra_context or {})
        if obj is not None:
            context["subtitle"] = shipment_label(obj)
        if obj is not None and self.has_transition_permission(request):
            context["transitions"] = self.transitions_of(obj)
            context["ship_form"] = ShipForm(
                initial={"carrier": obj.carrier, "tracking_number": obj.tracking_number}
            )
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def transitions_of(self, obj: VendorShipment) -> dict[str, str]:
        """Return the buttons the part's status allows, each with the URL it posts to."""
        allowed = VendorShipment.TRANSITIONS.get(obj.status, frozenset())
        buttons = {}
        if Status.PREPARING in allowed:
            buttons["prepare"] = self.site_url("transition", obj.pk, "prepare")
        if Status.SHIPPED in allowed:
            buttons["ship"] = self.site_url("transition", obj.pk, "ship")
        if obj.status == Status.SHIPPED:
            buttons["tracking"] = self.site_url("transition", obj.pk, "tracking")
        if Status.DELIVERED in allowed:
            buttons["deliver"] = self.site_url("transition", obj.pk, "deliver")
        return buttons

    def transition_view(
        self, request: HttpRequest, object_id: str, transition: str
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None or not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            raise Http404
        if not self.has_transition_permission(request):
            raise PermissionDenied
        vendor_id = self.acting_vendor_id(request)
        carrier = request.POST.get("carrier", "")
        number = request.POST.get("tracking_number", "")
        calls = {
            "prepare": (
                lambda: services.start_preparing(shipment_id=obj.pk, vendor_id=vendor_id),
                gettext("Preparing."),
            ),
            "ship": (
                lambda: services.ship(
                    shipment_id=obj.pk, carrier=carrier, tracking_number=number, vendor_id=vendor_id
                ),
                gettext("Shipped."),
            ),
            "tracking": (
                lambda: services.update_tracking(
                    shipment_id=obj.pk, carrier=carrier, tracking_number=number, vendor_id=vendor_id
                ),
                gettext("Tracking saved."),
            ),
            "deliver": (
                lambda: services.mark_delivered(shipment_id=obj.pk, vendor_id=vendor_id),
                gettext("Marked delivered."),
            ),
        }
        if transition not in calls:
            raise Http404
        call, done = calls[transition]
        if run_service(request, obj_label(obj), call):
            messages.success(request, f"{obj_label(obj)}: {done}")
        return HttpResponseRedirect(self.site_url("change", obj.pk))

    # --- Bulk actions -------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if not self.has_transition_permission(request):
            actions.pop("start_preparing_selected", None)
            actions.pop("mark_delivered_selected", None)
        return actions

    @admin.action(description=_("Start preparing the selected orders"))
    def start_preparing_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        vendor_id = self.acting_vendor_id(request)
        run_each(
            request,
            queryset.order_by("pk"),
            lambda obj: services.start_preparing(shipment_id=obj.pk, vendor_id=vendor_id),
            ngettext_lazy(
                "%(count)d order is being prepared.",
                "%(count)d orders are being prepared.",
                "count",
            ),
        )

    @admin.action(description=_("Mark the selected orders delivered"))
    def mark_delivered_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        vendor_id = self.acting_vendor_id(request)
        run_each(
            request,
            queryset.order_by("pk"),
            lambda obj: services.mark_delivered(shipment_id=obj.pk, vendor_id=vendor_id),
            ngettext_lazy(
                "%(count)d order marked delivered.", "%(count)d orders marked delivered.", "count"
            ),
        )

    # --- CSV export ---------------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return SHIPMENT_COLUMNS

    def export_shipments(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        vendor_id = self.acting_vendor_id(request)
        if vendor_id is not None:
            queryset = queryset.filter(vendor_id=vendor_id)
        return csv_download(
            model=VendorShipment,
            columns=self.export_columns(),
            rows=queryset.order_by("-order__placed_at", "-pk"),
            vendor_id=vendor_id,
            filename="shipments",
        )

    @admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export_shipments(request, queryset)

    @privacy.require_reason_for_view
    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Download the list as filtered and searched on the list page."""
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        try:
            rows = self.get_changelist_instance(request).get_queryset(request)  # type: ignore[attr-defined]
        except IncorrectLookupParameters:
            rows = self.get_queryset(request)
        return self.export_shipments(request, rows)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            "shipment_export_url": self.site_url("export", query=request.GET.urlencode()),
            **(extra_context or {}),
        }
        if self.has_transition_permission(request):
            context["tracking_upload_url"] = self.site_url("tracking_upload")
        return super().changelist_view(request, context)  # type: ignore[misc]

    # --- Bulk tracking upload -----------------------------------------------------------------

    def tracking_upload_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file of waybill numbers: every row is shipped, or none if one is wrong."""
        if not self.has_transition_permission(request):
            raise PermissionDenied
        form = TrackingUploadForm()
        result = None
        if request.method == "POST":
            form = TrackingUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = import_tracking(
                        name=upload.name,
                        data=upload.read(),
                        vendor_id=self.acting_vendor_id(request),
                    )
                except formats.FileRefusedError as refused:
                    form.add_error("file", refused.message)
                else:
                    if result.applied:
                        self.message_user(  # type: ignore[attr-defined]
                            request,
                            gettext(
                                "“%(name)s”: %(shipped)d shipped, %(corrected)d tracking "
                                "numbers corrected, %(unchanged)d unchanged."
                            )
                            % {
                                "name": result.file_name,
                                "shipped": result.shipped,
                                "corrected": result.corrected,
                                "unchanged": result.unchanged,
                            },
                        )
                        return HttpResponseRedirect(self.site_url("changelist"))
        errors = result.errors if result else []
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": gettext("Upload tracking numbers"),
            "opts": self.model._meta,  # type: ignore[attr-defined]
            "form": form,
            "result": result,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "changelist_url": self.site_url("changelist"),
            "export_url": self.site_url("export", query=f"status__exact={Status.PREPARING}"),
            "max_rows": tracking_max_rows(),
            "max_megabytes": max(1, formats.max_bytes() // (1024 * 1024)),
            "columns": [str(label) for label in HEADER_LABELS.values()],
        }
        return TemplateResponse(request, "orders/admin/tracking_upload.html", context)
