"""Reactions to reviews and questions.

In process, right after commit: the product page's cache token moves, so the next view
of the page shows the new review, vote, photo or moderation (reviews show on the
product page only, never in listings; questions are loaded per visitor, never kept). In the background, through the outbox (at
least once, so each must be idempotent): the points a review earns, and the Q&A
notifications to the vendor's staff and to the asker.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from catalog.selectors import caching
from notifications.services import notify
from promotions.services import earn_points
from reviews.events import (
    QuestionAnswered,
    QuestionAsked,
    ReviewHidden,
    ReviewPhotoProcessed,
    ReviewPosted,
    ReviewShown,
    ReviewVoted,
)
from reviews.selectors import question_context
from shop.events import listen
from vendors.models import VendorMembership

PageEvent = ReviewPosted | ReviewHidden | ReviewShown | ReviewVoted | ReviewPhotoProcessed


def forget_product_page(event: PageEvent) -> None:
    caching.forget_product_page(event.product_id)


for _event_type in (
    ReviewPosted,
    ReviewHidden,
    ReviewShown,
    ReviewVoted,
    ReviewPhotoProcessed,
):  # questions are not in the kept page: its Q&A part is loaded per visitor
    listen(_event_type, in_process=True)(forget_product_page)


@listen(ReviewPosted)
def grant_review_points(event: ReviewPosted) -> None:
    """Credit the review's points once: the source names the review, so a rerun is a no-op."""
    if event.points <= 0:
        return
    earn_points(
        user=get_user_model().objects.get(pk=event.user_id),
        amount=event.points,
        reason=gettext("Photo review points") if event.photo_count else gettext("Review points"),
        source=f"review:{event.review_id}",
    )


@listen(QuestionAsked)
def tell_vendor_about_question(event: QuestionAsked) -> None:
    """Tell each active member of the product's vendor that a question waits for them."""
    context = question_context(event.question_id, for_vendor=True)
    if context is None:
        return
    members = VendorMembership.objects.filter(
        vendor_id=event.vendor_id, is_active=True
    ).select_related("user")
    for member in members:
        notify(template="qna.question_received", user=member.user, context=context)


@listen(QuestionAnswered)
def tell_asker_about_answer(event: QuestionAnswered) -> None:
    """Tell the asker the vendor answered (only the first answer, not later corrections)."""
    context = question_context(event.question_id, for_vendor=False)
    if context is None or not event.first_answer:
        return
    asker = get_user_model().objects.get(pk=event.user_id)
    notify(template="qna.answered", user=asker, context=context)
