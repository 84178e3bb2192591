"""Who may use the seller endpoints: active staff of an approved vendor, by role.

The vendor is the one the seller center acts for (the session's choice, else the
first), or the one named by an ``X-Vendor-Id`` header for members of several vendors.
Every event published while serving the request is recorded as done by that vendor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from vendors.models import VendorMembership
from vendors.sellercenter import ROLE_PERMISSIONS, active_memberships, membership_for

VENDOR_HEADER = "X-Vendor-Id"


def vendor_membership(request: Request) -> VendorMembership | None:
    """Return the membership the request acts under, or None (not a member, bad header)."""
    if hasattr(request, "seller_membership"):
        return request.seller_membership
    wanted = request.headers.get(VENDOR_HEADER)
    django_request = request._request  # the request the audit log reads its actor from
    if wanted is None:
        membership = membership_for(django_request)
    elif wanted.isdigit():
        membership = active_memberships(request.user).filter(vendor_id=int(wanted)).first()
    else:
        membership = None
    if membership is not None:
        django_request.audit_vendor_id = membership.vendor_id
    request.seller_membership = membership
    return membership


class IsVendorStaff(BasePermission):
    """Allow members of an approved vendor whose role allows the action.

    Reading needs "view"; a view names what its writes need in ``role_actions``
    (``{"POST": "add", "DELETE": "delete"}``), "change" by default. Platform staff
    without a membership are refused: they use the merchant admin.
    """

    message = _("This needs a vendor account whose role allows it.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        membership = vendor_membership(request)
        if membership is None:
            return False
        if request.method in SAFE_METHODS:
            action = "view"
        else:
            action = getattr(view, "role_actions", {}).get(request.method, "change")
        return action in ROLE_PERMISSIONS[membership.role]


def vendor_id_of(request: Request) -> int:
    membership = vendor_membership(request)
    if membership is None:  # only reachable if a view forgot IsVendorStaff
        raise PermissionDenied
    return membership.vendor_id
