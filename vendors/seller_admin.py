"""The vendors app's pages in the seller center: own profile, members, settlements, ledger."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vendors import selectors
from vendors.forms import PayoutAccountFormMixin
from vendors.models import Settlement, SettlementEntry, Vendor, VendorMembership
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedTabularInline,
    current_vendor,
    membership_for,
    register_dashboard_count,
    seller_site,
)


class VendorProfileForm(PayoutAccountFormMixin, forms.ModelForm):
    class Meta:
        model = Vendor
        fields = [
            "representative_name",
            "contact_email",
            "contact_phone",
            "mail_order_report_number",
            "address",
            "payout_bank_name",
            "payout_account_holder",
            "payout_account_number",
        ]


@admin.register(Vendor, site=seller_site)
class VendorProfileAdmin(VendorScopedModelAdmin):
    """The vendor's own business profile; status and commission are the platform's to set."""

    vendor_field = "pk"
    form = VendorProfileForm
    list_display = ["name", "status", "commission_rate", "masked_account"]
    readonly_fields = [
        "name",
        "slug",
        "formatted_business_number",
        "status",
        "commission_rate",
        "masked_account",
    ]
    fieldsets = [
        (
            _("Business"),
            {
                "fields": [
                    "name",
                    "slug",
                    "formatted_business_number",
                    "representative_name",
                    "mail_order_report_number",
                    "address",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_email", "contact_phone"]}),
        (
            _("Payout account"),
            {
                "fields": [
                    "payout_bank_name",
                    "payout_account_holder",
                    "masked_account",
                    "payout_account_number",
                ]
            },
        ),
        (_("Terms"), {"fields": ["status", "commission_rate"]}),
    ]
    csv_fields = ["name", "slug", "business_registration_number", "status", "commission_rate"]

    @admin.display(description=_("business registration number"))
    def formatted_business_number(self, obj: Vendor) -> str:
        return obj.formatted_business_number

    @admin.display(description=_("account number"))
    def masked_account(self, obj: Vendor) -> str:
        return obj.masked_account or "-"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipAddForm(forms.ModelForm):
    """Add a member by the e-mail of an existing account: no list of the shop's users."""

    email = forms.EmailField(label=_("e-mail of the member's account"))

    class Meta:
        model = VendorMembership
        fields = ["role", "is_active"]

    def __init__(self, *args: Any, vendor: Vendor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor = vendor

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        user = selectors.find_user_by_email(email)
        if user is None:
            raise forms.ValidationError(
                _("No account uses this e-mail; ask the person to sign up first.")
            )
        if self.vendor and selectors.is_member(vendor=self.vendor, user=user):
            raise forms.ValidationError(_("This account is already a member."))
        self.instance.user = user
        return email


class MembershipChangeForm(forms.ModelForm):
    class Meta:
        model = VendorMembership
        fields = ["role", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        membership = self.instance
        stays_owner = cleaned.get("role") == VendorMembership.Role.OWNER and cleaned.get(
            "is_active"
        )
        if not stays_owner and selectors.is_last_active_owner(membership):
            raise forms.ValidationError(_("A vendor keeps at least one active owner."))
        return cleaned


@admin.register(VendorMembership, site=seller_site)
class MembershipAdmin(VendorScopedModelAdmin):
    """The vendor's members: every member sees them, only owners manage them."""

    list_display = ["user", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    list_select_related = ["user", "vendor"]  # __str__ names both
    readonly_fields = ["user"]
    csv_fields = ["user", "role", "is_active", "created_at"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = MembershipChangeForm if obj is not None else MembershipAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        vendor = current_vendor(request)

        class BoundVendorAddForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, vendor=vendor, **inner)

        return BoundVendorAddForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "role", "is_active"] if obj else ["email", "role", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user"] if obj else []

    def _is_owner(self, request: HttpRequest) -> bool:
        membership = membership_for(request)
        return membership is not None and membership.role == VendorMembership.Role.OWNER

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_owner(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_owner(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and selectors.is_last_active_owner(obj):
            return False
        return self._is_owner(request) and super().has_delete_permission(request, obj)


class ReadOnlyMixin:
    """Vendors read their settlements; only platform staff change them."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SettlementEntryInline(ReadOnlyMixin, VendorScopedTabularInline):
    model = SettlementEntry
    fields = ["occurred_at", "kind", "amount", "order_id", "description"]
    readonly_fields = fields
    extra = 0
    max_num = 0


SETTLEMENT_FIELDS = [
    "period_start",
    "period_end",
    "status",
    "gross",
    "refunds",
    "commission",
    "shipping",
    "adjustments",
    "payout",
    "confirmed_at",
    "paid_at",
    "note",
]


@admin.register(Settlement, site=seller_site)
class SellerSettlementAdmin(ReadOnlyMixin, VendorScopedModelAdmin):
    """The vendor's settlement statements (정산), read-only, with their ledger lines."""

    list_display = ["period_start", "period_end", "status", "gross", "commission", "payout"]
    list_filter = ["status"]
    list_select_related = ["vendor"]  # __str__ names the vendor
    date_hierarchy = "period_start"
    fields = SETTLEMENT_FIELDS
    readonly_fields = SETTLEMENT_FIELDS
    inlines = [SettlementEntryInline]
    csv_fields = SETTLEMENT_FIELDS[:-1]


@admin.register(SettlementEntry, site=seller_site)
class SellerSettlementEntryAdmin(ReadOnlyMixin, VendorScopedModelAdmin):
    """The vendor's ledger, including lines not yet in a statement."""

    list_display = ["occurred_at", "kind", "amount", "order_id", "settlement", "description"]
    list_filter = ["kind"]
    list_select_related = ["settlement__vendor"]
    date_hierarchy = "occurred_at"
    fields = ["occurred_at", "kind", "amount", "order_id", "settlement", "description"]
    readonly_fields = fields
    csv_fields = ["occurred_at", "kind", "amount", "order_id", "settlement", "description"]


register_dashboard_count(
    _("Members"),
    selectors.count_active_members,
    url_name="sellercenter:vendors_vendormembership_changelist",
)
register_dashboard_count(
    _("Draft settlements"),
    selectors.count_draft_settlements,
    url_name="sellercenter:vendors_settlement_changelist",
)
