"""The seller center's coupon pages: a vendor's own coupons, on its own products only.

A vendor coupon is borne by the vendor (its settlement books the sale net of it). The
scoped base class fills in the vendor, limits product choices to the vendor's, and
keeps every other vendor's coupons out of sight.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from promotions import services
from promotions.models import Coupon, new_coupon_code
from vendors.sellercenter import VendorScopedModelAdmin, seller_site

VENDOR_ISSUES = [Coupon.Issue.DOWNLOAD, Coupon.Issue.CODE]


class VendorCouponForm(forms.ModelForm):
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
            "products",
            "categories",
            "waives_remote_surcharge",
            "issue",
            "starts_at",
            "ends_at",
            "usage_limit",
            "per_customer_limit",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issue"].choices = [
            (value, label) for value, label in Coupon.Issue.choices if value in VENDOR_ISSUES
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, problems in services.coupon_errors(cleaned).items():
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)
        return cleaned


@admin.register(Coupon, site=seller_site)
class VendorCouponSellerAdmin(VendorScopedModelAdmin):
    form = VendorCouponForm
    list_display = [
        "name",
        "kind",
        "issue",
        "code",
        "redeemed_count",
        "usage_limit",
        "ends_at",
        "is_active",
    ]
    list_filter = ["kind", "issue", "is_active"]
    readonly_fields = ["code", "redeemed_count"]
    filter_horizontal = ["products", "categories"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*VendorCouponForm.Meta.fields, "code", "redeemed_count"]

    def save_model(self, request: HttpRequest, obj: Coupon, form: Any, change: bool) -> None:
        if obj.issue == Coupon.Issue.CODE and not obj.code:
            obj.code = new_coupon_code()
        super().save_model(request, obj, form, change)
