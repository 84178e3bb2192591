"""The shipping pages of the seller center: a vendor's own policies, zones and rates.

Every list, form, inline and action is scoped to the signed-in member's vendor by the
``vendors.sellercenter`` base classes; saving and deleting a policy goes through the
services with that vendor's id, so another vendor's policy is "not found" even there.
The remote-area table is shown read-only: the platform's staff edit it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shipping import services
from shipping.admin_mixins import (
    RateInlineMixin,
    ShippingPolicyAdminMixin,
    TierInlineMixin,
    ZoneInlineMixin,
    save_policy,
)
from shipping.forms import OverseasZoneForm
from shipping.models import OverseasZone, RemoteArea, ShippingPolicy
from shop.admin import AuditedModelAdmin
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
    current_vendor,
    register_dashboard_count,
    role_allows,
    scope_filter,
    seller_site,
)


class SellerTierInline(TierInlineMixin, VendorScopedTabularInline):
    vendor_field = "policy__vendor"


class SellerZoneInline(ZoneInlineMixin, VendorScopedTabularInline):
    vendor_field = "policy__vendor"


class SellerRateInline(RateInlineMixin, VendorScopedTabularInline):
    vendor_field = "zone__policy__vendor"


@admin.register(ShippingPolicy, site=seller_site)
class ShippingPolicySellerAdmin(ShippingPolicyAdminMixin, VendorScopedModelAdmin):
    """The vendor's shipping policies, with their amount tiers and overseas zones."""

    inlines = [SellerTierInline, SellerZoneInline]
    csv_fields = ["id", "name", *ShippingPolicy.AUDITED_FIELDS[1:]]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        vendor = current_vendor(request)
        if change and obj.vendor_id != vendor.pk:
            raise PermissionDenied
        save_policy(obj, form, change=change, vendor_id=vendor.pk)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_policy(policy_id=obj.pk, vendor_id=current_vendor(request).pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        vendor = current_vendor(request)
        own = queryset.filter(**scope_filter(self.vendor_field, vendor))
        for policy_id in own.values_list("pk", flat=True):
            services.delete_policy(policy_id=policy_id, vendor_id=vendor.pk)


@admin.register(OverseasZone, site=seller_site)
class OverseasZoneSellerAdmin(VendorScopedModelAdmin):
    """An overseas zone of one of the vendor's policies, with its weight rates."""

    vendor_field = "policy__vendor"
    form = OverseasZoneForm
    list_display = ["name", "policy", "countries"]
    list_select_related = ["policy"]
    inlines = [SellerRateInline]


@admin.register(RemoteArea, site=seller_site)
class RemoteAreaSellerAdmin(AuditedModelAdmin):
    """The platform's remote-area postcode ranges, for the vendor to read."""

    list_display = ["postcode_from", "postcode_to", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "=postcode_from", "=postcode_to"]
    ordering = ["postcode_from"]
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_allows(request, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_allows(request, "view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


register_dashboard_count(
    _("Active shipping policies"),
    lambda vendor: ShippingPolicy.objects.filter(vendor=vendor, active=True).count(),
    url_name="sellercenter:shipping_shippingpolicy_changelist",
)
