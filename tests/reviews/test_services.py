"""The rules of reviews: who may write one, what it may carry, moderation and votes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from catalog.media.models import MediaStatus
from catalog.selectors import caching
from orders.models import OrderLine
from reviews import services
from reviews.models import Review, ReviewPhoto, Visibility
from shop.exceptions import NotFoundError, ShopError
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.catalog.media_files import HTML_PRETENDING_TO_BE_PNG, truncated_jpeg
from tests.reviews.factories import ReviewFactory, confirmed_line, photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def refused(exc: pytest.ExceptionInfo, code: str, field: str) -> None:
    assert exc.value.code == code
    assert field in exc.value.fields


def test_a_buyer_reviews_a_confirmed_line_once_and_the_event_carries_the_points(
    user, settings
) -> None:
    settings.REVIEWS_TEXT_POINTS = 150
    line = confirmed_line(user)
    review = services.write_review(user=user, order_line_id=line.pk, rating="4", text="  좋아요 ")
    assert (review.product_id, review.rating, review.text) == (line.product_id, 4, "좋아요")
    assert review.option_label == line.option_label
    event = AuditEvent.objects.get(event_type="reviews.ReviewPosted")
    assert event.payload["points"] == 150
    assert event.payload["photo_count"] == 0
    assert event.payload["vendor_id"] == line.vendor_id
    with pytest.raises(ShopError) as exc:
        services.write_review(user=user, order_line_id=line.pk, rating=5, text="또 씀")
    refused(exc, "already_reviewed", "order_line")
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [OrderLine.Status.ORDERED, OrderLine.Status.RETURN_REQUESTED, OrderLine.Status.REFUNDED],
)
def test_a_line_not_confirmed_cannot_be_reviewed(user, status) -> None:
    line = confirmed_line(user, status=status)
    with pytest.raises(ShopError) as exc:
        services.write_review(user=user, order_line_id=line.pk, rating=5, text="좋아요")
    refused(exc, "not_reviewable", "order_line")


def test_a_product_not_bought_cannot_be_reviewed(user, other_user) -> None:
    someone_elses = confirmed_line(other_user)
    with pytest.raises(ShopError) as exc:
        services.write_review(user=user, order_line_id=someone_elses.pk, rating=5, text="좋아요")
    refused(exc, "not_reviewable", "order_line")
    with pytest.raises(ShopError):
        services.write_review(user=user, order_line_id=999999, rating=5, text="좋아요")
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("rating", "text", "field"),
    [
        (0, "좋아요", "rating"),
        (6, "좋아요", "rating"),
        ("x", "좋아요", "rating"),
        (5, "  ", "text"),
    ],
)
def test_rating_and_text_are_checked(user, rating, text, field) -> None:
    line = confirmed_line(user)
    with pytest.raises(ShopError) as exc:
        services.write_review(user=user, order_line_id=line.pk, rating=rating, text=text)
    refused(exc, "invalid_review", field)


def test_text_longer_than_the_limit_is_refused(user, settings) -> None:
    settings.REVIEWS_MAX_TEXT_LENGTH = 10
    line = confirmed_line(user)
    with pytest.raises(ShopError) as exc:
        services.write_review(user=user, order_line_id=line.pk, rating=5, text="가" * 11)
    refused(exc, "invalid_review", "text")


@pytest.mark.parametrize(
    "data",
    [HTML_PRETENDING_TO_BE_PNG, truncated_jpeg(), b"just some text"],
    ids=["html", "cut", "txt"],
)
def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_stored(
    user, media_root, data
) -> None:
    line = confirmed_line(user)
    with pytest.raises(ShopError) as exc:
        services.write_review(
            user=user, order_line_id=line.pk, rating=5, text="좋아요", photos=[photo("x.png", data)]
        )
    refused(exc, "invalid_media_file", "photos")
    assert '"x.png"' in exc.value.fields["photos"][0]
    assert not Review.objects.exists()
    assert not media_root.exists() or stored_files(media_root) == []


def test_more_photos_than_allowed_are_refused(user, settings) -> None:
    settings.REVIEWS_MAX_PHOTOS = 1
    line = confirmed_line(user)
    with pytest.raises(ShopError) as exc:
        services.write_review(
            user=user, order_line_id=line.pk, rating=5, text="좋아요", photos=[photo(), photo()]
        )
    refused(exc, "invalid_review", "photos")


def test_photos_get_renditions_through_the_catalog_pipeline_and_earn_more_points(
    user, settings, media_root, django_capture_on_commit_callbacks
) -> None:
    settings.REVIEWS_PHOTO_POINTS = 500
    line = confirmed_line(user)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.write_review(
            user=user,
            order_line_id=line.pk,
            rating=5,
            text="좋아요",
            photos=[photo(), photo("b.jpg")],
        )
    photos = list(ReviewPhoto.objects.filter(review=review).order_by("position"))
    assert [item.original_name for item in photos] == ["photo.jpg", "b.jpg"]
    for item in photos:
        assert item.status == MediaStatus.READY, item.failure_reason
        assert (item.width, item.height) == (800, 600)
        assert sorted(item.renditions["webp"]) == ["320", "640"]
        assert item.renditions["webp"]["320"].startswith(f"reviews/renditions/{item.pk}/")
        assert item.thumb_url.endswith("/320.webp")
        assert (media_root / item.renditions["webp"]["640"]).exists()
    posted = AuditEvent.objects.get(event_type="reviews.ReviewPosted")
    assert (posted.payload["photo_count"], posted.payload["points"]) == (2, 500)
    assert AuditEvent.objects.filter(event_type="reviews.ReviewPhotoProcessed").count() == 2


def test_a_photo_that_breaks_in_processing_fails_with_the_reason(user, media_root) -> None:
    review = ReviewFactory(user=user)
    bad = ReviewPhoto.objects.create(
        review=review, original="reviews/originals/gone.jpg", original_name="gone.jpg"
    )
    (media_root / "reviews/originals").mkdir(parents=True)
    (media_root / "reviews/originals/gone.jpg").write_bytes(b"not an image")
    result = services.process_photo(photo_id=bad.pk)
    assert result.status == MediaStatus.FAILED
    assert "gone.jpg" in result.failure_reason
    assert result.url() == ""


def test_a_new_review_moves_the_product_page_token_only(
    user, settings, django_capture_on_commit_callbacks
) -> None:
    line = confirmed_line(user)
    page_token = caching.PRODUCT_GENERATION.format(line.product_id)
    before = caching.product_key(line.product_id)
    listing = cache.get(caching.LISTING_GENERATION)
    with django_capture_on_commit_callbacks(execute=True):
        services.write_review(user=user, order_line_id=line.pk, rating=5, text="좋아요")
    assert caching.product_key(line.product_id) != before
    assert cache.get(page_token)
    assert cache.get(caching.LISTING_GENERATION) == listing


# --- Moderation -----------------------------------------------------------------------------


def test_the_vendor_hides_and_shows_a_review_of_its_own_product_with_a_reason() -> None:
    review = ReviewFactory()
    vendor_id = review.product.vendor_id
    hidden = services.hide_review(review_id=review.pk, reason="욕설", vendor_id=vendor_id)
    assert (hidden.visibility, hidden.hidden_reason) == (Visibility.HIDDEN, "욕설")
    shown = services.show_review(review_id=review.pk, vendor_id=vendor_id)
    assert (shown.visibility, shown.hidden_reason) == (Visibility.VISIBLE, "")
    events = list(
        AuditEvent.objects.filter(subject_type="reviews.Review", subject_id=str(review.pk))
        .exclude(event_type="reviews.ReviewPosted")
        .order_by("pk")
        .values_list("event_type", "payload")
    )
    assert [name for name, _ in events] == ["reviews.ReviewHidden", "reviews.ReviewShown"]
    assert events[0][1]["reason"] == "욕설"
    assert events[1][1]["previous_reason"] == "욕설"


def test_another_vendor_cannot_moderate_and_a_reason_is_required() -> None:
    review = ReviewFactory()
    other = ProductFactory().vendor
    with pytest.raises(NotFoundError):
        services.hide_review(review_id=review.pk, reason="x", vendor_id=other.pk)
    with pytest.raises(ShopError) as exc:
        services.hide_review(review_id=review.pk, reason=" ")
    refused(exc, "invalid_review", "reason")
    review.refresh_from_db()
    assert review.is_visible


# --- Helpful votes --------------------------------------------------------------------------


def test_a_helpful_vote_counts_once_per_user_and_never_for_ones_own_review(other_user) -> None:
    review = ReviewFactory()
    assert services.vote_helpful(review_id=review.pk, user=other_user).helpful_count == 1
    with pytest.raises(ShopError) as exc:
        services.vote_helpful(review_id=review.pk, user=other_user)
    refused(exc, "invalid_vote", "review")
    with pytest.raises(ShopError) as exc:
        services.vote_helpful(review_id=review.pk, user=review.user)
    refused(exc, "invalid_vote", "review")
    third = UserFactory()
    assert services.vote_helpful(review_id=review.pk, user=third).helpful_count == 2
    review.refresh_from_db()
    assert review.helpful_count == review.votes.count() == 2


def test_a_hidden_review_cannot_be_voted_for(other_user) -> None:
    review = ReviewFactory(visibility=Visibility.HIDDEN, hidden_reason="광고")
    with pytest.raises(NotFoundError):
        services.vote_helpful(review_id=review.pk, user=other_user)
