"""Moderation and answers: the vendor in the seller center (own products only), staff in /admin/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from reviews.models import Question, Review, Visibility
from shop.models import AuditEvent
from tests.reviews.factories import QuestionFactory, ReviewFactory
from tests.vendors.factories import MembershipFactory
from vendors.sellercenter import dashboard_counts

pytestmark = pytest.mark.django_db


def seller(vendor):
    return MembershipFactory(vendor=vendor).user


def change_url(site: str, obj) -> str:
    return reverse(f"{site}:reviews_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_vendor_hides_its_products_review_with_a_reason_and_it_is_audited(client) -> None:
    review = ReviewFactory()
    client.force_login(seller(review.product.vendor))
    url = change_url("sellercenter", review)
    assert client.get(url).status_code == 200
    missing_reason = client.post(url, {"visibility": "hidden", "hidden_reason": ""})
    assert missing_reason.status_code == 200  # the form again, with the error
    review.refresh_from_db()
    assert review.is_visible
    assert (
        client.post(url, {"visibility": "hidden", "hidden_reason": "개인정보 노출"}).status_code
        == 302
    )
    review.refresh_from_db()
    assert (review.visibility, review.hidden_reason) == (Visibility.HIDDEN, "개인정보 노출")
    event = AuditEvent.objects.get(event_type="reviews.ReviewHidden")
    assert event.actor_vendor_id == review.product.vendor_id
    assert event.payload["reason"] == "개인정보 노출"


def test_another_vendor_neither_lists_nor_moderates_the_review(client) -> None:
    review = ReviewFactory(text="남의 상품 리뷰")
    mine = ReviewFactory(text="우리 상품 리뷰")
    client.force_login(seller(mine.product.vendor))
    listing = client.get(reverse("sellercenter:reviews_review_changelist")).content.decode()
    assert "우리 상품 리뷰" in listing
    assert "남의 상품 리뷰" not in listing
    client.post(change_url("sellercenter", review), {"visibility": "hidden", "hidden_reason": "x"})
    review.refresh_from_db()
    assert review.is_visible
    assert not AuditEvent.objects.filter(event_type="reviews.ReviewHidden").exists()


def test_the_vendor_answers_a_secret_question_on_its_product(client, user) -> None:
    question = QuestionFactory(user=user, is_secret=True, text="비밀 문의")
    member = seller(question.product.vendor)
    client.force_login(member)
    listing = client.get(reverse("sellercenter:reviews_question_changelist")).content.decode()
    assert "비밀 문의" in listing
    assert (
        client.post(change_url("sellercenter", question), {"answer": "답변입니다"}).status_code
        == 302
    )
    question.refresh_from_db()
    assert (question.answer, question.answered_by, question.is_answered) == (
        "답변입니다",
        member,
        True,
    )
    assert AuditEvent.objects.filter(event_type="reviews.QuestionAnswered").count() == 1


def test_another_vendor_cannot_answer(client) -> None:
    question = QuestionFactory()
    client.force_login(seller(MembershipFactory().vendor))
    client.post(change_url("sellercenter", question), {"answer": "가짜 답변"})
    question.refresh_from_db()
    assert question.answer == ""


def test_staff_moderate_any_review_and_nothing_is_added_or_deleted_here(client, staff_user) -> None:
    review = ReviewFactory()
    client.force_login(staff_user)
    url = change_url("admin", review)
    assert client.post(url, {"visibility": "hidden", "hidden_reason": "광고"}).status_code == 302
    review.refresh_from_db()
    assert not review.is_visible
    assert client.post(url, {"visibility": "visible", "hidden_reason": ""}).status_code == 302
    review.refresh_from_db()
    assert review.is_visible
    assert AuditEvent.objects.filter(event_type="reviews.ReviewShown").count() == 1
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Review.objects.count() == 1
    assert Question.objects.count() == 0


def test_the_dashboard_counts_questions_waiting_for_an_answer() -> None:
    question = QuestionFactory()
    QuestionFactory(product=question.product, answer="완료", answered_at="2026-01-01T00:00:00Z")
    QuestionFactory()  # another vendor's
    with translation.override("en"):
        counts = {str(row["label"]): row for row in dashboard_counts(question.product.vendor)}
    assert counts["Questions to answer"]["count"] == 1
    assert counts["Questions to answer"]["url"] == reverse(
        "sellercenter:reviews_question_changelist"
    )
