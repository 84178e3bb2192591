"""Reviews API: a product's reviews, rating and questions (public; secret questions masked
unless you may read them), and the shopper's own reviews and questions.

Writes call one service with ``user=request.user``: a review is accepted only for a
confirmed line of the caller's own order, so another shopper's line is refused like a
line never bought.
"""

from __future__ import annotations

from typing import Any

from allauth.core import ratelimit
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import validated
from catalog.models import Product
from reviews import selectors, services
from reviews.api.serializers import (
    AskQuestionSerializer,
    MyReviewSerializer,
    QuestionSerializer,
    RatingSummarySerializer,
    ReviewableLineSerializer,
    ReviewSerializer,
    WriteReviewSerializer,
)
from reviews.models import Question, Review
from shop.api import INVALID_CURSOR, CursorPagination, ErrorSerializer, ThrottledErrorSerializer
from shop.exceptions import NotFoundError
from vendors.models import Vendor

TAG = "reviews"


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


NOT_FOUND = {404: error("No such product on the storefront.")}
SIGNED_IN = {403: error("Not signed in, or no CSRF token with session auth.")}


def shown_product(product_id: int) -> Product:
    product = (
        Product.objects.filter(
            pk=product_id,
            status__in=services.SHOWN_STATUSES,
            vendor__status=Vendor.Status.APPROVED,
        )
        .only("id", "vendor_id")
        .first()
    )
    if product is None:
        raise NotFoundError()
    return product


class ProductReviewListView(generics.ListAPIView):
    """A product's visible reviews, newest first, in keyset pages."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    pagination_class = CursorPagination
    serializer_class = ReviewSerializer

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no product
            return Review.objects.none()
        shown_product(self.kwargs["product_id"])
        return selectors.visible_reviews(self.kwargs["product_id"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([ReviewSerializer.represent(row) for row in rows])

    @extend_schema(tags=[TAG], responses={200: ReviewSerializer(many=True), **NOT_FOUND})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProductRatingView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        responses={200: RatingSummarySerializer, **NOT_FOUND},
        description="Average rating, count and reviews per star of the visible reviews.",
    )
    def get(self, request: Request, product_id: int) -> Response:
        shown_product(product_id)
        summary = selectors.product_reviews(product_id).summary
        return Response(RatingSummarySerializer.represent(summary))


class ProductQuestionsView(APIView):
    """Read for everyone (a secret question masked unless it is yours, or you are the
    product vendor's staff or platform staff); ask when signed in."""

    parser_classes = [JSONParser]

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(
        tags=[TAG],
        responses={200: QuestionSerializer(many=True), **NOT_FOUND},
        description="The newest questions (at most 20) as the caller may see them.",
    )
    def get(self, request: Request, product_id: int) -> Response:
        product = shown_product(product_id)
        rows = selectors.product_questions(
            product_id=product.pk, vendor_id=product.vendor_id, viewer=request.user
        )
        return Response([QuestionSerializer.represent(row) for row in rows])

    @extend_schema(
        tags=[TAG],
        request=AskQuestionSerializer,
        responses={
            201: QuestionSerializer,
            400: error("Invalid or unknown fields, named."),
            **SIGNED_IN,
            **NOT_FOUND,
            429: OpenApiResponse(
                ThrottledErrorSerializer,
                description="Too many questions in a short time (SHOP_PRODUCT_QUESTION_RATE_LIMIT).",
            ),
        },
        description="Ask the product's vendor; a secret question only you, the vendor and staff read.",
    )
    def post(self, request: Request, product_id: int) -> Response:
        data = validated(AskQuestionSerializer, request.data)
        if not ratelimit.consume(request._request, action="product_question", user=request.user):
            raise exceptions.Throttled()
        question = services.ask_question(
            user=request.user, product_id=product_id, text=data["text"], is_secret=data["is_secret"]
        )
        row = selectors.question_row(question, request.user, privileged=True)
        return Response(QuestionSerializer.represent(row), status=status.HTTP_201_CREATED)


class MyReviewsView(generics.ListAPIView):
    """The caller's own reviews (hidden ones with the reason), and writing one."""

    pagination_class = CursorPagination
    serializer_class = MyReviewSerializer
    parser_classes = [MultiPartParser, JSONParser]

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.reviews_of(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([MyReviewSerializer.represent(row) for row in rows])

    @extend_schema(
        tags=[TAG], responses={200: MyReviewSerializer(many=True), **SIGNED_IN, **INVALID_CURSOR}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        request={
            "multipart/form-data": WriteReviewSerializer,
            "application/json": WriteReviewSerializer,
        },
        responses={
            201: MyReviewSerializer,
            400: error(
                "Invalid fields, named: order_line (not a confirmed purchase of yours, or "
                "already reviewed), rating, text, photos (not an image, too many)."
            ),
            **SIGNED_IN,
        },
        description="Review a confirmed purchase (one review per order line), with photos.",
    )
    def post(self, request: Request) -> Response:
        data = validated(WriteReviewSerializer, request.data)
        review = services.write_review(
            user=request.user,
            order_line_id=data["order_line"],
            rating=data["rating"],
            text=data["text"],
            photos=data["photos"],
        )
        review = selectors.reviews_of(request.user).get(pk=review.pk)
        return Response(MyReviewSerializer.represent(review), status=status.HTTP_201_CREATED)


class ReviewableLinesView(APIView):
    @extend_schema(
        tags=[TAG],
        responses={200: ReviewableLineSerializer(many=True), **SIGNED_IN},
        description="Your confirmed order lines not reviewed yet (at most 50).",
    )
    def get(self, request: Request) -> Response:
        lines = selectors.reviewable_lines(request.user)[:50]
        return Response(
            [
                {
                    "order_line_id": line.pk,
                    "order_number": line.order.number,
                    "product_id": line.product_id,
                    "product_name": line.product_name,
                    "option_label": line.option_label,
                }
                for line in lines
            ]
        )


class MyQuestionsView(APIView):
    @extend_schema(
        tags=[TAG],
        responses={200: QuestionSerializer(many=True), **SIGNED_IN},
        description="Your own questions with their answers, newest first (at most 50).",
    )
    def get(self, request: Request) -> Response:
        questions = Question.objects.filter(user=request.user).select_related("user")[:50]
        return Response(
            [
                QuestionSerializer.represent(
                    selectors.question_row(q, request.user, privileged=True)
                )
                for q in questions
            ]
        )


class HelpfulVoteView(APIView):
    @extend_schema(
        tags=[TAG],
        request=None,
        responses={
            200: ReviewSerializer,
            400: error("Your own review, or you voted for it already (field review)."),
            **SIGNED_IN,
            404: error("No such visible review."),
        },
        description="Count the review as helpful to you: once, and not for your own.",
    )
    def post(self, request: Request, review_id: int) -> Response:
        services.vote_helpful(review_id=review_id, user=request.user)
        review = Review.objects.select_related("user").prefetch_related("photos").get(pk=review_id)
        return Response(ReviewSerializer.represent(review))
