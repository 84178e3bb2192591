"""What follows a review or a question once it commits: points, notifications, the page token."""

from __future__ import annotations

import pytest

from notifications.models import Message
from promotions.models import PointEntry
from reviews import services
from reviews.events import ReviewPosted
from reviews.listeners import grant_review_points
from shop.models import AuditEvent
from tests.catalog.factories import ProductFactory
from tests.reviews.factories import confirmed_line, photo
from tests.vendors.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_review_earns_its_points_once_more_with_photos(
    user, settings, django_capture_on_commit_callbacks
) -> None:
    settings.REVIEWS_TEXT_POINTS, settings.REVIEWS_PHOTO_POINTS = 100, 500
    plain, with_photo = confirmed_line(user), confirmed_line(user)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.write_review(user=user, order_line_id=plain.pk, rating=5, text="좋아요")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.write_review(
            user=user, order_line_id=with_photo.pk, rating=4, text="사진", photos=[photo()]
        )
    entries = dict(PointEntry.objects.filter(user=user).values_list("source", "amount"))
    assert entries == {f"review:{first.pk}": 100, f"review:{second.pk}": 500}
    # Delivered again (the outbox is at least once): nothing more is granted.
    payload = AuditEvent.objects.get(event_type="reviews.ReviewPosted", subject_id=str(first.pk))
    grant_review_points(ReviewPosted(**payload.payload))
    assert PointEntry.objects.filter(user=user).count() == 2


def test_the_vendor_staff_hear_of_a_question_and_the_asker_of_the_answer(
    user, django_capture_on_commit_callbacks
) -> None:
    product = ProductFactory()
    owner = MembershipFactory(vendor=product.vendor).user
    MembershipFactory(vendor=product.vendor, is_active=False)  # left: not told
    MembershipFactory()  # another vendor's: not told
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.ask_question(
            user=user, product_id=product.pk, text="<b>재입고</b> 언제?", is_secret=True
        )
    received = Message.objects.filter(template_code="qna.question_received")
    assert {message.user_id for message in received} == {owner.pk}
    email = received.get(channel="email")
    assert "<b>재입고</b> 언제?" in email.body
    assert f"/seller/reviews/question/{asked.pk}/change/" in email.body
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(question_id=asked.pk, answer="다음 주요", user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_question(question_id=asked.pk, answer="다음 주 월요일", user=owner)
    answered = Message.objects.filter(template_code="qna.answered", channel="email")
    assert [message.user_id for message in answered] == [user.pk]  # the correction is not sent
    assert "다음 주요" in answered.get().body
    assert "#qna" in answered.get().body
