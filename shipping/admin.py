"""Platform staff's shipping pages in ``/admin/``: every vendor's policies and the remote areas.

The seller center's pages (a vendor's own policies) are in ``shipping.seller_admin``,
imported here so Django's admin autodiscovery registers them too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shipping import services
from shipping.admin_mixins import (
    RateInlineMixin,
    ShippingPolicyAdminMixin,
    TierInlineMixin,
    ZoneInlineMixin,
    save_policy,
)
from shipping.forms import OverseasZoneForm, RemoteAreaForm
from shipping.models import OverseasZone, RemoteArea, ShippingPolicy
from shipping.seller_admin import ShippingPolicySellerAdmin  # noqa: F401  (registers the seller center's pages)
from shop.admin import AuditedModelAdmin


class TierInline(TierInlineMixin, admin.TabularInline):
    pass


class ZoneInline(ZoneInlineMixin, admin.TabularInline):
    pass


class RateInline(RateInlineMixin, admin.TabularInline):
    pass


@admin.register(ShippingPolicy)
class ShippingPolicyAdmin(ShippingPolicyAdminMixin, AuditedModelAdmin):
    """Every vendor's shipping policies; saving goes through the policy services."""

    list_display = ["vendor", *ShippingPolicyAdminMixin.list_display]
    list_filter = [*ShippingPolicyAdminMixin.list_filter, "vendor"]
    list_select_related = ["vendor"]
    search_fields = ["name", "vendor__name"]
    inlines = [TierInline, ZoneInline]
    fieldsets = [
        (None, {"fields": ["vendor"]}),
        *ShippingPolicyAdminMixin.fieldsets,
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        # A policy never moves to another vendor: its products and quotes belong to this one.
        return [*readonly, "vendor"] if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_policy(obj, form, change=change, vendor_id=obj.vendor_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_policy(policy_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for policy_id in queryset.values_list("pk", flat=True):
            services.delete_policy(policy_id=policy_id)


@admin.register(OverseasZone)
class OverseasZoneAdmin(AuditedModelAdmin):
    """An overseas zone with its weight rates (a policy page lists its zones)."""

    form = OverseasZoneForm
    list_display = ["name", "policy", "countries"]
    list_select_related = ["policy__vendor"]
    search_fields = ["name", "policy__name", "policy__vendor__name"]
    inlines = [RateInline]


@admin.register(RemoteArea)
class RemoteAreaAdmin(AuditedModelAdmin):
    """The Jeju and island/mountain postcode ranges; saving goes through the services."""

    form = RemoteAreaForm
    list_display = ["postcode_from", "postcode_to", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "=postcode_from", "=postcode_to"]
    ordering = ["postcode_from"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in RemoteArea.AUDITED_FIELDS}
        if change:
            services.update_remote_area(remote_area_id=obj.pk, **values)
            return
        area = services.create_remote_area(**values)
        obj.pk, obj._state.adding = area.pk, False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_remote_area(remote_area_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for area_id in queryset.values_list("pk", flat=True):
            services.delete_remote_area(remote_area_id=area_id)
