"""The demo shows reviews (one with a photo) and questions (one answered, one secret)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.media.models import MediaStatus
from reviews.models import Question, Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_shopper_reviewed_two_purchases_and_asked_two_questions(
    client, django_capture_on_commit_callbacks
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=out)
    assert "reviews: 2 reviews, 2 questions" in out.getvalue()
    reviews = Review.objects.order_by("pk")
    assert [review.order_line.status for review in reviews] == ["purchase_confirmed"] * 2
    assert reviews[0].photos.get().status == MediaStatus.READY
    assert sorted(Question.objects.values_list("is_secret", "answer")) == [
        (False, "다음 주 수요일 입고 예정입니다."),
        (True, ""),
    ]
    product = reviews[0].product
    page = client.get(reverse("catalog:product", args=[product.pk, product.slug]))
    assert reviews[0].text[:10] in page.content.decode()
