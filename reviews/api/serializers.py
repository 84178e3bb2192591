"""Shapes of the reviews API: plain output built from selector rows, strict input."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from reviews.models import Review
from reviews.selectors import QuestionRow, RatingSummary, review_row
from shop.api import StrictInputSerializer


class PhotoSerializer(serializers.Serializer):
    thumb = serializers.CharField(help_text="A 320 px wide WebP rendition.")
    src = serializers.CharField(help_text="A rendition at most 1024 px wide.")


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(help_text="As typed: plain text, escape it when shown.")
    option_label = serializers.CharField()
    author = serializers.CharField(help_text="Masked, e.g. 김***.")
    created_at = serializers.DateTimeField()
    helpful_count = serializers.IntegerField()
    photos = PhotoSerializer(many=True, help_text="Ready photos only.")

    @staticmethod
    def represent(review: Review) -> dict[str, Any]:
        row = review_row(review)
        row["created_at"] = serializers.DateTimeField().to_representation(row["created_at"])
        return row


class MyReviewSerializer(ReviewSerializer):
    product_id = serializers.IntegerField()
    order_line_id = serializers.IntegerField()
    visibility = serializers.ChoiceField(choices=Review.Visibility.choices)
    hidden_reason = serializers.CharField()

    @staticmethod
    def represent(review: Review) -> dict[str, Any]:
        return {
            **ReviewSerializer.represent(review),
            "product_id": review.product_id,
            "order_line_id": review.order_line_id,
            "visibility": review.visibility,
            "hidden_reason": review.hidden_reason,
        }


class RatingSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(help_text="0 when there is no review.")
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text='Reviews per star: {"5": 12, ..., "1": 0}.'
    )

    @staticmethod
    def represent(summary: RatingSummary) -> dict[str, Any]:
        per_star = {str(star): 0 for star in range(5, 0, -1)}
        per_star.update({str(star): count for star, count, _percent in summary.distribution})
        return {
            "count": summary.count,
            "average": round(summary.average, 2),
            "distribution": per_star,
        }


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_secret = serializers.BooleanField()
    masked = serializers.BooleanField(help_text="A secret question you may not read: no text.")
    text = serializers.CharField()
    answer = serializers.CharField()
    is_answered = serializers.BooleanField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    is_mine = serializers.BooleanField()

    @staticmethod
    def represent(row: QuestionRow) -> dict[str, Any]:
        stamp = serializers.DateTimeField()
        return {
            "id": row.id,
            "is_secret": row.is_secret,
            "masked": row.masked,
            "text": row.text,
            "answer": row.answer,
            "is_answered": row.is_answered,
            "author": row.author,
            "created_at": stamp.to_representation(row.created_at),
            "answered_at": stamp.to_representation(row.answered_at) if row.answered_at else None,
            "is_mine": row.is_mine,
        }


class ReviewableLineSerializer(serializers.Serializer):
    order_line_id = serializers.IntegerField()
    order_number = serializers.CharField()
    product_id = serializers.IntegerField()
    product_name = serializers.CharField()
    option_label = serializers.CharField()


class WriteReviewSerializer(StrictInputSerializer):
    order_line = serializers.IntegerField(help_text="A confirmed line of your order.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=settings.REVIEWS_MAX_TEXT_LENGTH)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="Images, multipart."
    )


class AskQuestionSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=settings.REVIEWS_MAX_QUESTION_LENGTH)
    is_secret = serializers.BooleanField(required=False, default=False)
