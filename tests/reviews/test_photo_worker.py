"""Review photos through the real path: commit -> Redis -> a Celery worker on the media queue."""

from __future__ import annotations

import time

import pytest

from reviews import services
from reviews.models import ReviewPhoto
from shop.celery import app as celery_app
from tests.accounts.factories import UserFactory
from tests.reviews.factories import confirmed_line, photo

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def settled(photo_id: int, seconds: float = 60.0) -> ReviewPhoto:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = ReviewPhoto.objects.get(pk=photo_id)
        if row.status in {"ready", "failed"}:
            return row
        time.sleep(0.2)
    return row


def test_review_photo_tasks_go_to_the_media_queue() -> None:
    route = celery_app.amqp.router.route({}, "reviews.tasks.process_review_photo")
    assert route["queue"].name == "media"


def test_a_review_photo_reaches_ready_through_the_worker(celery_worker) -> None:
    user = UserFactory()
    line = confirmed_line(user)
    review = services.write_review(
        user=user, order_line_id=line.pk, rating=5, text="좋아요", photos=[photo()]
    )
    row = settled(review.photos.get().pk)
    assert (row.status, row.failure_reason) == ("ready", "")
    assert sorted(row.renditions["webp"], key=int) == ["320", "640"]
