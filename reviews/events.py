"""Events of reviews and product questions.

In-process listeners move the product page's cache token on each (a review, a vote or
a question shows there); background listeners grant review points and send the Q&A
notifications. JSON values only; add fields with defaults, never rename or remove.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class ReviewPosted(Event):
    """A buyer reviewed a confirmed order line; ``points`` is the reward it earns."""

    subject_model = "reviews.Review"
    subject_field = "review_id"

    review_id: int
    product_id: int
    vendor_id: int
    user_id: int
    order_line_id: int
    rating: int
    photo_count: int
    points: int


@dataclass(frozen=True, kw_only=True)
class ReviewHidden(Event):
    """The vendor or staff hid a review from the storefront, saying why."""

    subject_model = "reviews.Review"
    subject_field = "review_id"

    review_id: int
    product_id: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReviewShown(Event):
    """A hidden review is shown again; ``previous_reason`` is why it had been hidden."""

    subject_model = "reviews.Review"
    subject_field = "review_id"

    review_id: int
    product_id: int
    previous_reason: str


@dataclass(frozen=True, kw_only=True)
class ReviewVoted(Event):
    """A shopper found a review helpful."""

    subject_model = "reviews.Review"
    subject_field = "review_id"

    review_id: int
    product_id: int
    helpful_count: int


@dataclass(frozen=True, kw_only=True)
class ReviewPhotoProcessed(Event):
    """A review photo's renditions are ready (or it failed: ``failure_reason``)."""

    subject_model = "reviews.Review"
    subject_field = "review_id"

    photo_id: int
    review_id: int
    product_id: int
    status: str
    failure_reason: str = ""


@dataclass(frozen=True, kw_only=True)
class QuestionAsked(Event):
    """A shopper asked about a product; its vendor's staff are told."""

    subject_model = "reviews.Question"
    subject_field = "question_id"

    question_id: int
    product_id: int
    vendor_id: int
    user_id: int
    is_secret: bool


@dataclass(frozen=True, kw_only=True)
class QuestionAnswered(Event):
    """The vendor answered (or changed the answer to) a question; the asker is told."""

    subject_model = "reviews.Question"
    subject_field = "question_id"

    question_id: int
    product_id: int
    vendor_id: int
    user_id: int
    first_answer: bool
