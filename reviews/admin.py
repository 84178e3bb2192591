"""Moderating reviews and answering questions: staff in ``/admin/``, each vendor in the seller
center for its own products only.

The pages are thin: a review's form edits only its visibility and the reason, a
question's form only the answer, and saving calls the service (with the member's vendor
on the seller center, so another vendor's row is "not found" even there), which
publishes the audit event. Nothing is added or deleted here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from reviews import services
from reviews.models import Question, Review, Visibility
from shop.admin import AuditedModelAdmin
from shop.exceptions import ShopError
from vendors.sellercenter import (
    VendorScopedModelAdmin,
    current_vendor,
    register_dashboard_count,
    seller_site,
)


class ModerationForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["visibility", "hidden_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("visibility") == Visibility.HIDDEN
            and not data.get("hidden_reason", "").strip()
        ):
            self.add_error("hidden_reason", _("Say why the review is hidden."))
        return data


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}

    def clean_answer(self) -> str:
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Write the answer."))
        return answer


class ReviewAdminMixin:
    form = ModerationForm
    list_display = ["product", "rating", "short_text", "visibility", "helpful_count", "created_at"]
    list_filter = ["visibility", "rating"]
    search_fields = ["text", "product__name"]
    list_select_related = ["product"]
    readonly_fields = ["product", "rating", "option_label", "text", "photo_list", "helpful_count"]
    fields = [*readonly_fields, "visibility", "hidden_reason"]

    @admin.display(description=_("review"))
    def short_text(self, review: Review) -> str:
        return review.text[:60]

    @admin.display(description=_("photos"))
    def photo_list(self, review: Review) -> str:
        photos = [photo for photo in review.photos.all() if photo.is_ready]
        return format_html_join(
            " ", '<img src="{}" alt="" width="120">', ((p.thumb_url,) for p in photos)
        )

    def vendor_id(self, request: HttpRequest) -> int | None:
        return None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Review, form: Any, change: bool) -> None:
        try:
            if obj.visibility == Visibility.HIDDEN:
                services.hide_review(
                    review_id=obj.pk, reason=obj.hidden_reason, vendor_id=self.vendor_id(request)
                )
            else:
                services.show_review(review_id=obj.pk, vendor_id=self.vendor_id(request))
        except ShopError as exc:
            raise PermissionDenied(exc.message) from exc


class QuestionAdminMixin:
    form = AnswerForm
    list_display = ["product", "short_text", "is_secret", "answered", "created_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "is_secret"]
    search_fields = ["text", "product__name"]
    list_select_related = ["product"]
    readonly_fields = ["product", "is_secret", "text", "created_at", "answered_at"]
    fields = [*readonly_fields, "answer"]

    @admin.display(description=_("question"))
    def short_text(self, question: Question) -> str:
        return question.text[:60]

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, question: Question) -> bool:
        return question.is_answered

    def vendor_id(self, request: HttpRequest) -> int | None:
        return None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        try:
            services.answer_question(
                question_id=obj.pk,
                answer=obj.answer,
                user=request.user,
                vendor_id=self.vendor_id(request),
            )
        except ShopError as exc:
            raise PermissionDenied(exc.message) from exc


@admin.register(Review)
class ReviewAdmin(ReviewAdminMixin, AuditedModelAdmin):
    """Every review, for platform staff."""

    list_display = [*ReviewAdminMixin.list_display, "user"]
    list_select_related = ["product", "user"]
    readonly_fields = [*ReviewAdminMixin.readonly_fields, "user", "order_line"]
    fields = [*readonly_fields, "visibility", "hidden_reason"]


@admin.register(Question)
class QuestionAdmin(QuestionAdminMixin, AuditedModelAdmin):
    """Every product question, for platform staff (who may answer for a vendor)."""

    readonly_fields = [*QuestionAdminMixin.readonly_fields, "user"]
    fields = [*readonly_fields, "answer"]


@admin.register(Review, site=seller_site)
class ReviewSellerAdmin(ReviewAdminMixin, VendorScopedModelAdmin):
    """Reviews of the vendor's own products: hide or show them, with a reason."""

    vendor_field = "product__vendor"
    # The export names no shopper: the vendor sees reviews, not its reviewers' accounts.
    csv_fields = ["id", "product", "rating", "text", "visibility", "hidden_reason", "created_at"]

    def vendor_id(self, request: HttpRequest) -> int | None:
        return current_vendor(request).pk


@admin.register(Question, site=seller_site)
class QuestionSellerAdmin(QuestionAdminMixin, VendorScopedModelAdmin):
    """Questions on the vendor's own products, secret ones included: answer them."""

    vendor_field = "product__vendor"
    csv_fields = ["id", "product", "is_secret", "text", "answer", "answered_at", "created_at"]

    def vendor_id(self, request: HttpRequest) -> int | None:
        return current_vendor(request).pk


register_dashboard_count(
    _("Questions to answer"),
    lambda vendor: Question.objects.filter(
        product__vendor=vendor, answered_at__isnull=True
    ).count(),
    url_name="sellercenter:reviews_question_changelist",
)
