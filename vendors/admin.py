"""Platform staff's pages for vendors in ``/admin/``; the seller center's are in seller_admin.

Status changes and commission go through the services (one event each, with before
and after); the rest of a vendor's profile is a plain audited edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from shop.admin import AuditedModelAdmin
from shop.exceptions import ShopError
from vendors import services
from vendors.forms import BusinessNumberField, PayoutAccountFormMixin
from vendors.models import Settlement, SettlementEntry, Vendor, VendorMembership
from vendors.seller_admin import SETTLEMENT_FIELDS  # also registers the seller-center pages
from vendors.sellercenter import export_csv_response

VENDOR_STATUS_ACTIONS: dict[str, tuple[Callable[..., Vendor], Any]] = {
    "approve": (services.approve_vendor, _("Approve")),
    "suspend": (services.suspend_vendor, _("Suspend")),
    "close": (services.close_vendor, _("Close")),
    "reopen": (services.reopen_vendor, _("Re-open")),
}
SETTLEMENT_ACTIONS: dict[str, tuple[Callable[..., Settlement], Any]] = {
    "confirm": (services.confirm_settlement, _("Confirm")),
    "pay": (services.mark_settlement_paid, _("Mark paid")),
    "hold": (services.hold_settlement, _("Hold")),
    "release": (services.release_settlement, _("Release to draft")),
}


def run_each(
    request: HttpRequest, objects: Any, service: Callable[..., Any], id_keyword: str
) -> None:
    """Call ``service`` for each object and report successes and refusals as messages."""
    done = 0
    for obj in objects:
        try:
            service(**{id_keyword: obj.pk})
        except ShopError as error:
            messages.error(request, f"{obj}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(request, _("%(count)d done.") % {"count": done})


class VendorAdminForm(PayoutAccountFormMixin, forms.ModelForm):
    business_registration_number = BusinessNumberField(
        label=_("business registration number"), max_length=12
    )

    class Meta:
        model = Vendor
        fields = [
            "name",
            "slug",
            "business_registration_number",
            "representative_name",
            "contact_email",
            "contact_phone",
            "mail_order_report_number",
            "address",
            "commission_rate",
            "payout_bank_name",
            "payout_account_holder",
            "payout_account_number",
            "is_operator",
        ]


class MembershipInline(admin.TabularInline):
    model = VendorMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "is_active"]


def _status_action(key: str) -> Callable[..., None]:
    service, label = VENDOR_STATUS_ACTIONS[key]

    def action(model_admin: VendorAdmin, request: HttpRequest, queryset: Any) -> None:
        run_each(request, queryset, service, "vendor_id")

    action.__name__ = f"{key}_vendors"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Vendor)
class VendorAdmin(AuditedModelAdmin):
    """Vendors for platform staff: approve, suspend, close and re-open are buttons and actions."""

    form = VendorAdminForm
    change_form_template = "vendors/admin/vendor_change_form.html"
    list_display = [
        "name",
        "slug",
        "formatted_business_number",
        "status",
        "commission_rate",
        "is_operator",
        "created_at",
    ]
    list_filter = ["status", "is_operator"]
    search_fields = ["name", "slug", "business_registration_number", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "masked_account", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = [_status_action(key) for key in VENDOR_STATUS_ACTIONS]

    @admin.display(description=_("business registration number"))
    def formatted_business_number(self, obj: Vendor) -> str:
        return obj.formatted_business_number

    @admin.display(description=_("account number"))
    def masked_account(self, obj: Vendor) -> str:
        return obj.masked_account or "-"

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [name for name in super().get_fields(request, obj) if name != "masked_account"]
        position = fields.index("payout_account_number")
        return [*fields[:position], "masked_account", *fields[position:]]

    def save_model(self, request: HttpRequest, obj: Vendor, form: Any, change: bool) -> None:
        """Save the profile; a new commission rate goes through its service and event."""
        new_rate = obj.commission_rate
        rate_changed = change and "commission_rate" in form.changed_data
        if rate_changed:
            obj.commission_rate = form.initial["commission_rate"]
            form.changed_data.remove("commission_rate")
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if rate_changed:
                services.change_commission_rate(vendor_id=obj.pk, rate=new_rate)
                obj.refresh_from_db()

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "<int:vendor_id>/status/<str:action>/",
                self.admin_site.admin_view(require_POST(self.change_status)),
                name="vendors_vendor_status",
            )
        ]
        return urls + super().get_urls()

    def change_status(self, request: HttpRequest, vendor_id: int, action: str) -> HttpResponse:
        """Handle the buttons on a vendor's page."""
        vendor = get_object_or_404(Vendor, pk=vendor_id)
        if action not in VENDOR_STATUS_ACTIONS or not self.has_change_permission(request, vendor):
            return HttpResponse(status=403)
        service, _label = VENDOR_STATUS_ACTIONS[action]
        run_each(request, [vendor], service, "vendor_id")
        return HttpResponseRedirect(reverse("admin:vendors_vendor_change", args=[vendor.pk]))

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        obj = context.get("original")
        context["status_buttons"] = [
            {"key": key, "label": label}
            for key, (_service, label) in VENDOR_STATUS_ACTIONS.items()
            if obj is not None and self._button_applies(obj, key)
        ]
        return super().render_change_form(request, context, *args, **kwargs)

    @staticmethod
    def _button_applies(vendor: Vendor, key: str) -> bool:
        return {
            "approve": vendor.status == Vendor.Status.APPLIED,
            "suspend": vendor.status == Vendor.Status.APPROVED,
            "close": vendor.status != Vendor.Status.CLOSED,
            "reopen": vendor.status in (Vendor.Status.SUSPENDED, Vendor.Status.CLOSED),
        }[key]


class SettlementEntryInline(admin.TabularInline):
    model = SettlementEntry
    fields = ["occurred_at", "kind", "amount", "order_id", "description"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False


def _settlement_action(key: str) -> Callable[..., None]:
    service, label = SETTLEMENT_ACTIONS[key]

    def action(model_admin: SettlementAdmin, request: HttpRequest, queryset: Any) -> None:
        run_each(request, queryset, service, "settlement_id")

    action.__name__ = f"{key}_settlements"
    return admin.action(description=label, permissions=["change"])(action)


@admin.action(description=_("Export selected rows as CSV"), permissions=["view"])
def export_csv(model_admin: Any, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse:
    return export_csv_response(request, queryset, model_admin.csv_fields, vendor=None)


@admin.register(Settlement)
class SettlementAdmin(AuditedModelAdmin):
    """Statements for platform staff: confirm, pay, hold and release, never edit amounts."""

    list_display = ["vendor", "period_start", "period_end", "status", "gross", "payout"]
    list_filter = ["status", "vendor"]
    list_select_related = ["vendor"]
    date_hierarchy = "period_start"
    fields = ["vendor", *SETTLEMENT_FIELDS]
    readonly_fields = fields
    inlines = [SettlementEntryInline]
    csv_fields = ["vendor", *SETTLEMENT_FIELDS[:-1]]
    actions = [*(_settlement_action(key) for key in SETTLEMENT_ACTIONS), export_csv]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # statements come from run_settlements

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = SettlementEntry
        fields = ["vendor", "amount", "description"]

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("An adjustment is a non-zero number of won."))
        return amount


@admin.register(SettlementEntry)
class SettlementEntryAdmin(AuditedModelAdmin):
    """The ledger; staff add manual adjustments, every other line comes from events."""

    form = AdjustmentForm
    list_display = ["occurred_at", "vendor", "kind", "amount", "order_id", "settlement"]
    list_filter = ["kind", "vendor"]
    list_select_related = ["vendor", "settlement__vendor"]
    search_fields = ["=order_id", "description"]
    date_hierarchy = "occurred_at"
    csv_fields = ["occurred_at", "vendor", "kind", "amount", "order_id", "settlement"]
    actions = [export_csv]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["vendor", "kind", "amount", "order_id", "description", "occurred_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_readonly_fields(request, obj) or ["vendor", "amount", "description"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Book the adjustment through the ledger's service (which publishes its event)."""
        if change:
            return
        entry = services.book_adjustment(
            vendor_id=obj.vendor_id, amount=obj.amount, description=obj.description
        )
        obj.pk = entry.pk
        obj.source_uuid, obj.kind, obj.occurred_at = (
            entry.source_uuid,
            entry.kind,
            entry.occurred_at,
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
