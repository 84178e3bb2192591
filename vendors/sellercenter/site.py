"""The seller center's admin site: who may enter, acting for which vendor, and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vendors.models import Vendor, VendorMembership

SESSION_VENDOR_KEY = "sellercenter_vendor_id"

# What each role may do on every seller-center page (pages may narrow it further).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    VendorMembership.Role.OWNER: frozenset({"view", "add", "change", "delete"}),
    VendorMembership.Role.MANAGER: frozenset({"view", "add", "change", "delete"}),
    VendorMembership.Role.STAFF: frozenset({"view", "change"}),
}


# --- The dashboard's to-do counts ---------------------------------------------------------


@dataclass(frozen=True)
class DashboardCount:
    label: str
    count: Callable[[Vendor], int]
    url_name: str = ""


_dashboard_counts: list[DashboardCount] = []


def register_dashboard_count(
    label: str, count: Callable[[Vendor], int], *, url_name: str = ""
) -> None:
    """Show ``count(vendor)`` under ``label`` on the seller-center dashboard.

    ``url_name`` (e.g. ``"sellercenter:shipping_shippingpolicy_changelist"``) links it.
    Registering the same label twice replaces the first (modules may be re-imported).
    """
    _dashboard_counts[:] = [item for item in _dashboard_counts if str(item.label) != str(label)]
    _dashboard_counts.append(DashboardCount(label, count, url_name))


def dashboard_counts(vendor: Vendor) -> list[dict[str, Any]]:
    """Return the dashboard's counts for ``vendor``, in registration order."""
    rows = []
    for item in _dashboard_counts:
        url = reverse(item.url_name) if item.url_name else ""
        rows.append({"label": item.label, "count": item.count(vendor), "url": url})
    return rows


# --- Who is signed in for which vendor ---------------------------------------------------------


def active_memberships(user: Any) -> models.QuerySet[VendorMembership]:
    """Return ``user``'s active memberships in approved vendors, first vendor first."""
    return (
        VendorMembership.objects.filter(
            user=user, is_active=True, vendor__status=Vendor.Status.APPROVED
        )
        .select_related("vendor")
        .order_by("vendor__name", "vendor_id")
    )


def membership_for(request: HttpRequest) -> VendorMembership | None:
    """Return the membership the request acts under (the session's choice, else the first).

    Worked out once per request; sets ``request.vendor`` and ``request.audit_vendor_id``
    so every event published while serving it is recorded as done by that vendor.
    """
    if hasattr(request, "vendor_membership"):
        return request.vendor_membership
    membership = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        memberships = active_memberships(user)
        chosen = request.session.get(SESSION_VENDOR_KEY)
        if chosen is not None:
            membership = memberships.filter(vendor_id=chosen).first()
        membership = membership or memberships.first()
    request.vendor_membership = membership
    request.vendor = membership.vendor if membership else None
    if membership is not None:
        request.audit_vendor_id = membership.vendor_id
    return membership


def current_vendor(request: HttpRequest) -> Vendor:
    """Return the request's vendor; refuse when there is none (a page on the wrong site)."""
    membership = membership_for(request)
    if membership is None:
        raise PermissionDenied
    return membership.vendor


def role_allows(request: HttpRequest, action: str) -> bool:
    membership = membership_for(request)
    return membership is not None and action in ROLE_PERMISSIONS[membership.role]


class SellerCenterSite(admin.AdminSite):
    """The admin site of vendor staff, mounted at ``/seller/``."""

    site_header = _("Seller center")
    site_title = _("Seller center")
    index_title = _("Dashboard")
    index_template = "sellercenter/index.html"
    enable_nav_sidebar = True

    def has_permission(self, request: HttpRequest) -> bool:
        """Let in an active user with an active membership in an approved vendor, no one else.

        Platform staff without a membership are refused too: they use ``/admin/``.
        """
        return membership_for(request) is not None

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        membership = membership_for(request)
        if membership is not None:
            context["site_header"] = f"{self.site_header} · {membership.vendor.name}"
            context["seller_membership"] = membership
        return context

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """Send visitors to the shop's one sign-in page, then back here.

        allauth's page is rate-limited per address and per account; a form of our own
        would be a second, unthrottled way to guess passwords. A signed-in user who is
        not a member of an approved vendor is told so instead of being asked again.
        """
        if not request.user.is_authenticated:
            return secure_admin_login(super().login)(request, extra_context)
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("sellercenter:index", current_app=self.name))
        return TemplateResponse(request, "sellercenter/not_a_member.html", status=403)

    def get_log_entries(self, request: HttpRequest) -> models.QuerySet[LogEntry]:
        # Django's "recent actions" spans every vendor the user ever acted for.
        return LogEntry.objects.none()

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "switch-vendor/",
                self.admin_view(require_POST(self.switch_vendor)),
                name="switch_vendor",
            ),
        ]
        return urls + super().get_urls()

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        vendor = current_vendor(request)
        context = {
            "dashboard_counts": dashboard_counts(vendor),
            "vendor_choices": [m.vendor for m in active_memberships(request.user)],
            **(extra_context or {}),
        }
        return super().index(request, context)

    def switch_vendor(self, request: HttpRequest) -> HttpResponse:
        """Make another of the user's vendors the one the session acts for."""
        vendor_id = request.POST.get("vendor", "")
        if (
            vendor_id.isdigit()
            and active_memberships(request.user).filter(vendor_id=int(vendor_id)).exists()
        ):
            request.session[SESSION_VENDOR_KEY] = int(vendor_id)
        return HttpResponseRedirect(reverse("sellercenter:index", current_app=self.name))


seller_site = SellerCenterSite(name="sellercenter")
