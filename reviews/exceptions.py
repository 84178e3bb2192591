"""Error codes of reviews and product questions."""

from enum import StrEnum


class ReviewErrorCode(StrEnum):
    NOT_REVIEWABLE = "not_reviewable"  # no confirmed purchase of the product on this line
    ALREADY_REVIEWED = "already_reviewed"
    INVALID_REVIEW = "invalid_review"
    INVALID_VOTE = "invalid_vote"
    INVALID_QUESTION = "invalid_question"
