"""Use cases of reviews and product questions: every write, each in its own transaction
with one audit event.

Reviews come only from the buyer of an order line whose purchase is confirmed (구매확정),
one per line. Photos are checked by the catalog's image validation in the request and
turned into renditions by its pipeline on the ``media`` queue. Text is stored as typed
and always rendered escaped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.media import services as media_services
from catalog.media import validation
from catalog.media.models import MediaStatus
from catalog.models import Product
from orders.models import OrderLine
from reviews.events import (
    QuestionAnswered,
    QuestionAsked,
    ReviewHidden,
    ReviewPhotoProcessed,
    ReviewPosted,
    ReviewShown,
    ReviewVoted,
)
from reviews.exceptions import ReviewErrorCode
from reviews.models import HelpfulVote, Question, Review, ReviewPhoto, Visibility
from shop.events import publish
from shop.exceptions import NotFoundError, ShopError
from vendors.models import Vendor

ORIGINALS_DIR = "reviews/originals"
RENDITIONS_DIR = "reviews/renditions"
# The products whose page the storefront shows (a sold-out one too): questions are asked there.
SHOWN_STATUSES = (Product.Status.ON_SALE, Product.Status.SOLD_OUT)


def _invalid(code: str, field: str, message: str) -> ShopError:
    return ShopError(code, message, fields={field: [message]})


def clean_text(value: Any, *, field: str, limit: int) -> str:
    """Return the stripped text, or raise naming ``field`` when empty or too long."""
    text = str(value or "").strip()
    if not text:
        raise _invalid(ReviewErrorCode.INVALID_REVIEW, field, _("This field is required."))
    if len(text) > limit:
        message = _("Write at most %(limit)s characters.") % {"limit": limit}
        raise _invalid(ReviewErrorCode.INVALID_REVIEW, field, message)
    return text


def clean_rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        message = _("Choose a rating from 1 to 5.")
        raise _invalid(ReviewErrorCode.INVALID_REVIEW, "rating", message)
    return rating


def check_photos(photos: Sequence[File]) -> list[str]:
    """Return each photo's true extension, or raise naming ``photos`` (not an image, too big)."""
    if len(photos) > settings.REVIEWS_MAX_PHOTOS:
        message = _("Attach at most %(limit)s photos.") % {"limit": settings.REVIEWS_MAX_PHOTOS}
        raise _invalid(ReviewErrorCode.INVALID_REVIEW, "photos", message)
    extensions = []
    for photo in photos:
        name = Path(photo.name or "photo").name
        try:
            info = validation.validate_image(photo, name=name, size=getattr(photo, "size", None))
        except validation.InvalidMediaError as exc:
            raise _invalid(exc.code, "photos", exc.message) from exc
        extensions.append(info.extension)
    return extensions


def reward_for(photo_count: int) -> int:
    """Points a review earns: more with photos (amounts in settings)."""
    return settings.REVIEWS_PHOTO_POINTS if photo_count else settings.REVIEWS_TEXT_POINTS


# --- Reviews --------------------------------------------------------------------------------


def _reviewable_line(user: Any, order_line_id: Any, *, lock: bool = False) -> OrderLine:
    lines = OrderLine.objects.filter(
        pk=order_line_id,
        order__user_id=getattr(user, "pk", None),
        status=OrderLine.Status.PURCHASE_CONFIRMED,
        product__isnull=False,
    )
    line = (lines.select_for_update(of=("self",)) if lock else lines).first()
    if line is None:
        message = _("Only a purchase you confirmed can be reviewed.")
        raise _invalid(ReviewErrorCode.NOT_REVIEWABLE, "order_line", message)
    return line


def write_review(
    *, user: Any, order_line_id: int, rating: Any, text: Any, photos: Sequence[File] = ()
) -> Review:
    """Review the product of one confirmed order line of ``user``, with optional photos."""
    rating = clean_rating(rating)
    text = clean_text(text, field="text", limit=settings.REVIEWS_MAX_TEXT_LENGTH)
    photos = list(photos)
    extensions = check_photos(photos)
    _reviewable_line(user, order_line_id)  # refuse before anything is stored
    # Stored before the transaction (object storage is slow); removed if no row is made.
    stored = []
    for photo, extension in zip(photos, extensions, strict=True):
        photo.seek(0)
        stored.append(
            default_storage.save(f"{ORIGINALS_DIR}/{uuid.uuid4().hex}.{extension}", photo)
        )
    try:
        with transaction.atomic():
            review = _create_review(user, order_line_id, rating, text, photos, stored)
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return review


def _create_review(
    user: Any, order_line_id: int, rating: int, text: str, photos: list[File], stored: list[str]
) -> Review:
    line = _reviewable_line(user, order_line_id, lock=True)  # two submits of one line queue here
    if Review.objects.filter(order_line=line).exists():
        message = _("You have already reviewed this purchase.")
        raise _invalid(ReviewErrorCode.ALREADY_REVIEWED, "order_line", message)
    review = Review.objects.create(
        product_id=line.product_id,
        order_line=line,
        user=user,
        rating=rating,
        text=text,
        option_label=line.option_label,
    )
    rows = ReviewPhoto.objects.bulk_create(
        ReviewPhoto(
            review=review,
            original=path,
            original_name=Path(photo.name or "photo").name[:255],
            position=position,
        )
        for position, (photo, path) in enumerate(zip(photos, stored, strict=True))
    )
    publish(
        ReviewPosted(
            review_id=review.pk,
            product_id=review.product_id,
            vendor_id=line.vendor_id,
            user_id=user.pk,
            order_line_id=line.pk,
            rating=rating,
            photo_count=len(rows),
            points=reward_for(len(rows)),
        ),
        subject=review,
    )
    from reviews import tasks  # tasks import this module

    for row in rows:
        tasks.process_review_photo.delay_on_commit(row.pk)
    return review


def _lock_review(review_id: Any, vendor_id: int | None) -> Review:
    reviews = Review.objects.select_for_update().filter(pk=review_id)
    if vendor_id is not None:  # a vendor moderates reviews of its own products only
        reviews = reviews.filter(product__vendor_id=vendor_id)
    review = reviews.first()
    if review is None:
        raise NotFoundError(_("Review not found."))
    return review


def hide_review(*, review_id: int, reason: Any, vendor_id: int | None = None) -> Review:
    """Hide a review from the storefront with a reason (vendor: own products only)."""
    reason = clean_text(reason, field="reason", limit=200)
    with transaction.atomic():
        review = _lock_review(review_id, vendor_id)
        if not review.is_visible:
            return review
        review.visibility, review.hidden_reason = Visibility.HIDDEN, reason
        review.save(update_fields=["visibility", "hidden_reason", "updated_at"])
        publish(
            ReviewHidden(review_id=review.pk, product_id=review.product_id, reason=reason),
            subject=review,
        )
    return review


def show_review(*, review_id: int, vendor_id: int | None = None) -> Review:
    """Show a hidden review again."""
    with transaction.atomic():
        review = _lock_review(review_id, vendor_id)
        if review.is_visible:
            return review
        previous = review.hidden_reason
        review.visibility, review.hidden_reason = Visibility.VISIBLE, ""
        review.save(update_fields=["visibility", "hidden_reason", "updated_at"])
        publish(
            ReviewShown(
                review_id=review.pk, product_id=review.product_id, previous_reason=previous
            ),
            subject=review,
        )
    return review


def vote_helpful(*, review_id: int, user: Any) -> Review:
    """Count ``user`` as finding a visible review helpful: once, and never their own."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .filter(pk=review_id, visibility=Visibility.VISIBLE)
            .first()
        )
        if review is None:
            raise NotFoundError(_("Review not found."))
        if review.user_id == user.pk:
            message = _("You cannot vote for your own review.")
            raise _invalid(ReviewErrorCode.INVALID_VOTE, "review", message)
        try:
            with transaction.atomic():  # a savepoint: the duplicate leaves the lock held
                HelpfulVote.objects.create(review=review, user=user)
        except IntegrityError:
            message = _("You have already found this review helpful.")
            raise _invalid(ReviewErrorCode.INVALID_VOTE, "review", message) from None
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
        review.refresh_from_db(fields=["helpful_count"])
        publish(
            ReviewVoted(
                review_id=review.pk,
                product_id=review.product_id,
                helpful_count=review.helpful_count,
            ),
            subject=review,
        )
    return review


def process_photo(*, photo_id: int) -> ReviewPhoto:
    """Make a review photo's renditions with the catalog's pipeline; mark it ready or failed.

    Repeatable: a ready photo is left alone. Storage errors (``OSError``) propagate so the
    task retries; a file that cannot be decoded fails for good with the reason.
    """
    photo = ReviewPhoto.objects.select_related("review").get(pk=photo_id)
    if photo.is_ready:
        return photo
    try:
        outcome = media_services.render_image(
            original=photo.original.name,
            name=photo.original_name,
            directory=f"{RENDITIONS_DIR}/{photo.pk}",
        )
    except media_services.MediaProcessingError as exc:
        return _finish_photo(photo_id, status=MediaStatus.FAILED, reason=str(exc))
    return _finish_photo(photo_id, status=MediaStatus.READY, outcome=outcome)


def _finish_photo(
    photo_id: int, *, status: str, outcome: Any = None, reason: str = ""
) -> ReviewPhoto:
    with transaction.atomic():
        photo = ReviewPhoto.objects.select_for_update().select_related("review").get(pk=photo_id)
        if photo.is_ready:
            return photo  # another run finished first
        photo.status, photo.failure_reason = status, reason
        if outcome is not None:
            photo.renditions, photo.width, photo.height = (
                outcome.renditions,
                outcome.width,
                outcome.height,
            )
        photo.save()
        publish(
            ReviewPhotoProcessed(
                photo_id=photo.pk,
                review_id=photo.review_id,
                product_id=photo.review.product_id,
                status=status,
                failure_reason=reason,
            ),
            subject=photo.review,
        )
    return photo


# --- Questions ------------------------------------------------------------------------------


def ask_question(*, user: Any, product_id: Any, text: Any, is_secret: bool = False) -> Question:
    """Ask the vendor of a product on sale a question, public or secret."""
    text = clean_text(text, field="text", limit=settings.REVIEWS_MAX_QUESTION_LENGTH)
    with transaction.atomic():
        product = Product.objects.filter(
            pk=product_id, status__in=SHOWN_STATUSES, vendor__status=Vendor.Status.APPROVED
        ).first()
        if product is None:
            raise NotFoundError(_("Product not found."))
        question = Question.objects.create(
            product=product, user=user, text=text, is_secret=bool(is_secret)
        )
        publish(
            QuestionAsked(
                question_id=question.pk,
                product_id=product.pk,
                vendor_id=product.vendor_id,
                user_id=user.pk,
                is_secret=question.is_secret,
            ),
            subject=question,
        )
    return question


def answer_question(
    *, question_id: int, answer: Any, user: Any, vendor_id: int | None = None
) -> Question:
    """Answer a question, or change the answer (vendor: questions on its own products)."""
    answer = clean_text(answer, field="answer", limit=settings.REVIEWS_MAX_QUESTION_LENGTH)
    with transaction.atomic():
        questions = Question.objects.select_for_update(of=("self",)).select_related("product")
        if vendor_id is not None:
            questions = questions.filter(product__vendor_id=vendor_id)
        question = questions.filter(pk=question_id).first()
        if question is None:
            raise NotFoundError(_("Question not found."))
        first = not question.is_answered
        question.answer, question.answered_by = answer, user
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
        publish(
            QuestionAnswered(
                question_id=question.pk,
                product_id=question.product_id,
                vendor_id=question.product.vendor_id,
                user_id=question.user_id,
                first_answer=first,
            ),
            subject=question,
        )
    return question
