"""The seller center's order pages (/seller/): a vendor's own parts of orders and their claims.

Every list, detail, button, action, export and the tracking upload is scoped to the
signed-in member's vendor by the ``vendors.sellercenter`` base classes and by passing
that vendor's id to the services: another vendor's part or claim is "not found".
The dashboard shows what waits for the vendor: new orders to prepare, orders to ship,
returns and exchanges to handle.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.admin.claims import ClaimAdminMixin
from orders.admin.common import ClaimColumnsMixin, LineColumnsMixin, ReadOnlyInlineMixin
from orders.admin.shipments import ShipmentAdminMixin
from orders.models import Claim, ClaimLine, OrderLine, VendorShipment
from shop.models import AuditEvent
from vendors.models import Vendor
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
    current_vendor,
    register_dashboard_count,
    role_allows,
    seller_site,
)
from vendors.sellercenter.scoping import history_row

# Order events without a vendor that every vendor of the order may see in its history.
SHARED_EVENTS = ["orders.OrderPlaced", "orders.OrderPaid", "orders.OrderCancelled"]


class SellerShipmentInline(VendorScopedTabularInline):
    """Base of the part page's inlines: Django asks their permissions with the parent part."""

    def owns(self, request: HttpRequest, obj: Any) -> bool:
        if isinstance(obj, VendorShipment):
            return obj.vendor_id == current_vendor(request).pk
        return super().owns(request, obj)


class SellerLineInline(LineColumnsMixin, ReadOnlyInlineMixin, SellerShipmentInline):
    """The vendor's lines of the order, as sold."""

    model = OrderLine
    fk_name = "shipment"
    vendor_field = "vendor"
    fields = [
        "item",
        "sku",
        "unit",
        "quantity",
        "cancelled_quantity",
        "returned_quantity",
        "amount",
        "status",
    ]
    readonly_fields = fields
    verbose_name_plural = _("order lines (as sold)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).order_by("pk")


class SellerClaimInline(ClaimColumnsMixin, ReadOnlyInlineMixin, SellerShipmentInline):
    model = Claim
    fk_name = "shipment"
    vendor_field = "shipment__vendor"
    fields = ["kind", "status", "items", "reason", "requested_at"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("lines", queryset=ClaimLine.objects.select_related("order_line"))
            )
        )


@admin.register(VendorShipment, site=seller_site)
class ShipmentSellerAdmin(ShipmentAdminMixin, VendorScopedModelAdmin):
    """The vendor's parts of orders: prepare, ship with a waybill number, correct, deliver."""

    vendor_field = "vendor"
    inlines = [SellerLineInline, SellerClaimInline]

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return current_vendor(request).pk

    def has_transition_permission(self, request: HttpRequest) -> bool:
        return role_allows(request, "change")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """Show the order's events about this vendor's part; another vendor's is "not found"."""
        vendor = current_vendor(request)
        about = Q(payload__vendor_id=vendor.pk) | Q(event_type__in=SHARED_EVENTS)
        return order_history(self, request, object_id, about, extra_context)


@admin.register(Claim, site=seller_site)
class ClaimSellerAdmin(ClaimAdminMixin, VendorScopedModelAdmin):
    """Returns and exchanges of the vendor's own parts: received, sent, or rejected."""

    vendor_field = "shipment__vendor"

    def acting_vendor_id(self, request: HttpRequest) -> int | None:
        return current_vendor(request).pk

    def has_transition_permission(self, request: HttpRequest) -> bool:
        return role_allows(request, "change")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """Show the order's events about this claim; another vendor's claim is "not found"."""
        claim_id = unquote(object_id)
        about = Q(payload__claim_id=int(claim_id)) if claim_id.isdigit() else Q(pk__in=[])
        return order_history(self, request, object_id, about, extra_context)


def order_history(
    model_admin: Any, request: HttpRequest, object_id: str, about: Q, extra_context: Any
) -> HttpResponse:
    """Render the events of the page object's order that ``about`` selects (newest first).

    Order events name the order as their subject; the page's own row (a part, a claim)
    is found through the scoped queryset first, so another vendor's is "not found".
    """
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    vendor = current_vendor(request)
    entries = (
        AuditEvent.objects.filter(subject_type="orders.Order", subject_id=str(obj.order_id))
        .filter(about)
        .order_by("-id")[:200]
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("History: %s") % obj.order.number,
        "opts": model_admin.opts,
        "object": obj,
        "entries": [history_row(entry, vendor) for entry in entries],
        **(extra_context or {}),
    }
    return TemplateResponse(request, "sellercenter/object_history.html", context)


def count_to_prepare(vendor: Vendor) -> int:
    return VendorShipment.objects.filter(vendor=vendor, status=VendorShipment.Status.PAID).count()


def count_to_ship(vendor: Vendor) -> int:
    return VendorShipment.objects.filter(
        vendor=vendor, status=VendorShipment.Status.PREPARING
    ).count()


def count_open_claims(vendor: Vendor) -> int:
    return Claim.objects.filter(shipment__vendor=vendor, status=Claim.Status.REQUESTED).count()


register_dashboard_count(
    _("New orders to prepare"),
    count_to_prepare,
    url_name="sellercenter:orders_vendorshipment_to_prepare",
)
register_dashboard_count(
    _("Orders to ship"), count_to_ship, url_name="sellercenter:orders_vendorshipment_to_ship"
)
register_dashboard_count(
    _("Returns and exchanges to handle"),
    count_open_claims,
    url_name="sellercenter:orders_claim_open",
)
