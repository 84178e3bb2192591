"""A test-only seller center whose pages edit vendor-owned foreign keys and inline rows.

The real seller center keeps settlements read-only, so the base classes' defences
against forged ids in form fields and inline formsets are exercised here on pages
that do let a vendor write those fields.
"""

from django.contrib import admin
from django.urls import include, path

from vendors.models import Settlement, SettlementEntry
from vendors.sellercenter import (
    SellerCenterSite,
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
)

test_site = SellerCenterSite(name="test_sellercenter")


class EditableEntryInline(VendorScopedTabularInline):
    model = SettlementEntry
    fields = ["kind", "amount", "occurred_at", "description"]
    extra = 1


@admin.register(Settlement, site=test_site)
class EditableSettlementAdmin(VendorScopedModelAdmin):
    fields = ["period_start", "period_end", "note"]
    inlines = [EditableEntryInline]


@admin.register(SettlementEntry, site=test_site)
class EditableEntryAdmin(VendorScopedModelAdmin):
    fields = ["kind", "amount", "occurred_at", "settlement", "description"]


urlpatterns = [
    path("test-seller/", include((test_site.get_urls(), "admin"), namespace="test_sellercenter")),
]
