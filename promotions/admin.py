"""Staff pages of promotions: coupons with their redemptions, wallets, and points with adjustments.

Points change only through ``promotions.services`` (an adjustment needs a reason and
is one ledger entry with its event); ledger rows are never edited or deleted here.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from promotions import services
from promotions.exceptions import PromotionError
from promotions.models import (
    Coupon,
    CouponRedemption,
    PointAccount,
    PointEntry,
    UserCoupon,
    new_coupon_code,
)
from promotions.seller_admin import VendorCouponSellerAdmin  # noqa: F401  (registers it)
from shop.admin import AuditedModelAdmin


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = [
            "name",
            "description",
            "kind",
            "amount",
            "percent",
            "max_discount",
            "min_order_amount",
            "vendor",
            "products",
            "categories",
            "vendors",
            "waives_remote_surcharge",
            "issue",
            "starts_at",
            "ends_at",
            "usage_limit",
            "per_customer_limit",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, problems in services.coupon_errors(cleaned).items():
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)
        return cleaned


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RedemptionInline(ReadOnlyInline):
    model = CouponRedemption
    fields = ["order_id", "user_coupon", "amount", "redeemed_at", "released_at"]
    readonly_fields = fields


@admin.register(Coupon)
class CouponAdmin(AuditedModelAdmin):
    form = CouponForm
    list_display = [
        "name",
        "kind",
        "vendor",
        "issue",
        "code",
        "redeemed_count",
        "usage_limit",
        "starts_at",
        "ends_at",
        "is_active",
    ]
    list_filter = ["kind", "issue", "is_active", "vendor"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "redeemed_count", "created_at"]
    filter_horizontal = ["products", "categories", "vendors"]
    inlines = [RedemptionInline]

    def save_model(self, request: HttpRequest, obj: Coupon, form: Any, change: bool) -> None:
        if obj.issue == Coupon.Issue.CODE and not obj.code:
            obj.code = new_coupon_code()  # unguessable, shown to staff to hand out
        super().save_model(request, obj, form, change)


class IssueForm(forms.ModelForm):
    class Meta:
        model = UserCoupon
        fields = ["coupon", "user"]


@admin.register(UserCoupon)
class UserCouponAdmin(AuditedModelAdmin):
    """Coupons in members' wallets; staff issue one here (the per-customer limit holds)."""

    form = IssueForm
    list_display = ["coupon", "user", "source", "issued_at", "used_at", "order_id"]
    list_filter = ["coupon"]
    search_fields = ["user__email", "coupon__name"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: UserCoupon, form: Any, change: bool) -> None:
        copy = services.issue_coupon(
            coupon=obj.coupon, user=obj.user, source=f"staff:{uuid.uuid4().hex[:12]}"
        )
        obj.pk = copy.pk

    def add_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().add_view(request, *args, **kwargs)
        except PromotionError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.path)


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(AuditedModelAdmin):
    list_display = ["coupon", "order_id", "amount", "redeemed_at", "released_at"]
    list_filter = ["coupon"]
    search_fields = ["coupon__name", "order_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdjustForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Points"), help_text=_("Positive adds points, negative takes them off.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


@admin.register(PointAccount)
class PointAccountAdmin(AuditedModelAdmin):
    """Members' points: the ledger per member and staff adjustments with a reason."""

    list_display = ["user", "balance", "updated_at"]
    search_fields = ["user__email", "user__name"]
    readonly_fields = ["user", "balance", "updated_at"]
    change_form_template = "admin/promotions/pointaccount/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        return [
            path(
                "<path:object_id>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="promotions_pointaccount_adjust",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        account = self.get_object(request, object_id)
        entries = PointEntry.objects.filter(user_id=account.user_id)[:100] if account else []
        extra = {"entries": entries, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def adjust_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("promotions.add_pointentry"):
            raise PermissionDenied
        account = get_object_or_404(PointAccount, pk=object_id)
        form = AdjustForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.adjust_points(
                    user=account.user,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    staff=request.user,
                )
            except PromotionError as error:
                for name, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(request, _("The points were adjusted."))
                return HttpResponseRedirect(
                    reverse("admin:promotions_pointaccount_change", args=[account.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust points of %(user)s") % {"user": account.user},
            "form": form,
            "account": account,
            "opts": self.model._meta,
        }
        return render(request, "admin/promotions/pointaccount/adjust.html", context)


@admin.register(PointEntry)
class PointEntryAdmin(AuditedModelAdmin):
    """The ledger, read only: every movement of every member's points."""

    list_display = ["created_at", "user", "kind", "amount", "balance_after", "reason", "source"]
    list_filter = ["kind"]
    search_fields = ["user__email", "source", "reason"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
