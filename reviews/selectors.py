"""Reads of reviews and questions, with fixed query counts.

``product_reviews`` is what the product page shows: the rating summary and the newest
visible reviews with their ready photos, cached under the product's cache token (which
every review event moves) so a cached page and a fresh render agree. Questions depend on
who looks (a secret one is shown to few), so they are read per request and never cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import router
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.urls import reverse

from catalog.media.models import MediaStatus
from catalog.selectors import caching, compiled
from orders.models import OrderLine
from reviews.models import Question, Review, ReviewPhoto, Visibility
from vendors.models import VendorMembership

PAGE_REVIEWS = 10  # reviews shown on the product page
PAGE_QUESTIONS = 20


@dataclass(frozen=True)
class RatingSummary:
    """Average, count and the number of reviews per star (5 first) of visible reviews."""

    count: int = 0
    average: float = 0.0
    distribution: list[tuple[int, int, int]] = field(default_factory=list)  # star, count, %

    @property
    def average_label(self) -> str:
        return f"{self.average:.1f}"


def _summary_rows(product_id: int) -> QuerySet[Review]:
    per_star = {f"s{star}": Count("pk", filter=Q(rating=star)) for star in range(1, 6)}
    return (
        Review.objects.filter(product_id=product_id, visibility=Visibility.VISIBLE)
        .values("product_id")
        .annotate(count=Count("pk"), average=Avg("rating"), **per_star)
        .order_by()
    )


def rating_summary(product_id: int) -> RatingSummary:
    """One aggregate query over the product's visible reviews (no row: no review yet).

    Compiled once per process (``catalog.selectors.compiled``): building this aggregate
    was a millisecond of an uncached product page, more than running it.
    """
    rows = compiled.fetch_values(
        _summary_rows, "reviews:rating_summary", router.db_for_read(Review), product_id
    )
    row = rows[0] if rows else {}
    count = row.get("count", 0)
    if not count:
        return RatingSummary()
    distribution = [
        (star, row[f"s{star}"], round(100 * row[f"s{star}"] / count)) for star in range(5, 0, -1)
    ]
    return RatingSummary(count=count, average=float(row["average"]), distribution=distribution)


def visible_reviews(product_id: int) -> QuerySet[Review]:
    """The product's visible reviews, newest first, with author and ready photos."""
    ready = ReviewPhoto.objects.filter(status=MediaStatus.READY).order_by("position", "pk")
    return (
        Review.objects.filter(product_id=product_id, visibility=Visibility.VISIBLE)
        .select_related("user")
        .prefetch_related(Prefetch("photos", queryset=ready, to_attr="ready_photos"))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ReviewBlock:
    """The product page's reviews: plain values, safe to cache and to pickle."""

    summary: RatingSummary
    reviews: list[dict[str, Any]]


def author_label(user: Any) -> str:
    """A reviewer shown masked, as Korean shops do: "김***"."""
    name = (getattr(user, "name", "") or user.get_username()).split("@")[0]
    return f"{name[:1]}***"


def review_row(review: Review) -> dict[str, Any]:
    photos = getattr(review, "ready_photos", None)
    if photos is None:
        photos = [photo for photo in review.photos.all() if photo.is_ready]
    return {
        "id": review.pk,
        "rating": review.rating,
        "text": review.text,
        "option_label": review.option_label,
        "author": author_label(review.user),
        "created_at": review.created_at,
        "helpful_count": review.helpful_count,
        "photos": [{"thumb": photo.thumb_url, "src": photo.url(1024)} for photo in photos],
    }


def product_reviews(product_id: int) -> ReviewBlock:
    """Summary and newest reviews of a product (at most three queries cold, none cached)."""

    def build() -> ReviewBlock:
        summary = rating_summary(product_id)
        if not summary.count:  # most products: one query, not two
            return ReviewBlock(summary=summary, reviews=[])
        rows = [review_row(review) for review in visible_reviews(product_id)[:PAGE_REVIEWS]]
        return ReviewBlock(summary=summary, reviews=rows)

    return caching.cached(f"{caching.product_key(product_id)}:reviews", build)


def reviewable_lines(user: Any) -> QuerySet[OrderLine]:
    """The user's confirmed order lines of a product still there and not reviewed yet."""
    return (
        OrderLine.objects.filter(
            order__user_id=user.pk,
            status=OrderLine.Status.PURCHASE_CONFIRMED,
            product__isnull=False,
            review__isnull=True,
        )
        .select_related("order")
        .order_by("-order__placed_at", "pk")
    )


def reviews_of(user: Any) -> QuerySet[Review]:
    """The user's own reviews, hidden ones too (with the reason), newest first."""
    return (
        Review.objects.filter(user_id=user.pk)
        .select_related("product", "user")
        .prefetch_related("photos")
        .order_by("-created_at", "-pk")
    )


# --- Questions ------------------------------------------------------------------------------


def sees_every_question(user: Any, vendor_id: int) -> bool:
    """Platform staff and the product vendor's active members see secret questions."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    return VendorMembership.objects.filter(
        user_id=user.pk, vendor_id=vendor_id, is_active=True
    ).exists()


def can_see(question: Question, user: Any, *, privileged: bool) -> bool:
    return not question.is_secret or privileged or question.user_id == getattr(user, "pk", None)


@dataclass(frozen=True)
class QuestionRow:
    """A question as ``viewer`` may see it: a secret one of someone else has no text."""

    id: int
    masked: bool
    is_secret: bool
    text: str
    answer: str
    is_answered: bool
    author: str
    created_at: Any
    answered_at: Any
    is_mine: bool


def question_row(question: Question, viewer: Any, *, privileged: bool) -> QuestionRow:
    visible = can_see(question, viewer, privileged=privileged)
    return QuestionRow(
        id=question.pk,
        masked=not visible,
        is_secret=question.is_secret,
        text=question.text if visible else "",
        answer=question.answer if visible else "",
        is_answered=question.is_answered,
        author=author_label(question.user),
        created_at=question.created_at,
        answered_at=question.answered_at,
        is_mine=question.user_id == getattr(viewer, "pk", None),
    )


def product_questions(*, product_id: int, vendor_id: int, viewer: Any) -> list[QuestionRow]:
    """The product's newest questions as ``viewer`` may see them (one or two queries)."""
    privileged = sees_every_question(viewer, vendor_id)
    rows = (
        Question.objects.filter(product_id=product_id)
        .select_related("user")
        .order_by("-created_at", "-pk")[:PAGE_QUESTIONS]
    )
    return [question_row(question, viewer, privileged=privileged) for question in rows]


def question_context(question_id: int, *, for_vendor: bool) -> dict[str, Any] | None:
    """The variables of the Q&A notifications: ``product``, ``question``, ``answer``, ``link``.

    Only the question's readers get them (its vendor's staff, the asker), so a secret
    question's text may be in the e-mail; the SMS and 알림톡 templates leave it out.
    The link leads the vendor to the seller center's answer form, the asker to the page.
    """
    question = Question.objects.select_related("product").filter(pk=question_id).first()
    if question is None:
        return None
    product = question.product
    if for_vendor:
        link = reverse("sellercenter:reviews_question_change", args=[question.pk])
    else:
        link = reverse("catalog:product", args=[product.pk, product.slug]) + "#qna"
    return {
        "product": product.name,
        "question": question.text,
        "answer": question.answer,
        "is_secret": question.is_secret,
        "link": settings.SITE_URL.rstrip("/") + link,
    }
