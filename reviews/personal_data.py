"""The reviews part of a member's data: reviews and questions they wrote.

They stay published on deletion, as the shop's terms say, under the closed account,
which no longer carries a name or an e-mail address.
"""

from __future__ import annotations

from typing import Any

from accounts.personal_data import PersonalDataSection, register_section
from reviews.models import Question, Review


def export(user: Any) -> dict[str, Any]:
    return {
        "reviews": [
            {
                "product": review.product.name,
                "rating": review.rating,
                "text": review.text,
                "written_at": review.created_at.isoformat(),
            }
            for review in Review.objects.filter(user=user).select_related("product")
        ],
        "questions": [
            {
                "product": question.product.name,
                "text": question.text,
                "answer": question.answer,
                "asked_at": question.created_at.isoformat(),
            }
            for question in Question.objects.filter(user=user).select_related("product")
        ],
    }


register_section(PersonalDataSection(name="reviews", export=export))
