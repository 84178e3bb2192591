"""The reviews API: public reads (secret questions masked), the shopper's own writes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from reviews.models import Question, Review, Visibility
from tests.catalog.factories import ProductFactory
from tests.catalog.media_files import HTML_PRETENDING_TO_BE_PNG
from tests.reviews.factories import QuestionFactory, ReviewFactory, confirmed_line, photo
from tests.vendors.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_products_reviews_and_rating_are_public_and_hidden_ones_left_out(api_client) -> None:
    product = ProductFactory()
    shown = ReviewFactory(product=product, rating=4, text="<b>좋아요</b>")
    ReviewFactory(product=product, rating=2)
    ReviewFactory(product=product, rating=1, visibility=Visibility.HIDDEN, hidden_reason="광고")
    listing = api_client.get(f"/api/v1/products/{product.pk}/reviews/").json()
    assert [row["rating"] for row in listing["results"]] == [2, 4]
    by_id = {row["id"]: row for row in listing["results"]}
    assert by_id[shown.pk]["text"] == "<b>좋아요</b>"  # as typed: JSON is not HTML
    assert by_id[shown.pk]["author"].endswith("***")
    rating = api_client.get(f"/api/v1/products/{product.pk}/rating/").json()
    assert rating == {
        "count": 2,
        "average": 3.0,
        "distribution": {"5": 0, "4": 1, "3": 0, "2": 1, "1": 0},
    }
    hidden_product = ProductFactory(status="draft")
    assert api_client.get(f"/api/v1/products/{hidden_product.pk}/reviews/").status_code == 404


def test_secret_questions_are_masked_for_everyone_but_asker_vendor_and_staff(
    api_client, user, other_user, staff_user
) -> None:
    product = ProductFactory()
    QuestionFactory(product=product, user=user, text="비밀", is_secret=True, answer="답")
    url = f"/api/v1/products/{product.pk}/questions/"
    masked = api_client.get(url).json()[0]
    assert (masked["masked"], masked["text"], masked["answer"]) == (True, "", "")
    for viewer in (other_user, MembershipFactory().user):
        assert client_of(viewer).get(url).json()[0]["text"] == ""
    for viewer in (user, staff_user, MembershipFactory(vendor=product.vendor).user):
        row = client_of(viewer).get(url).json()[0]
        assert (row["masked"], row["text"], row["answer"]) == (False, "비밀", "답")


def test_asking_needs_a_sign_in_and_refuses_unknown_fields(api_client, user, user_client) -> None:
    product = ProductFactory()
    url = f"/api/v1/products/{product.pk}/questions/"
    assert api_client.post(url, {"text": "질문"}, format="json").status_code == 403
    forged = user_client.post(url, {"text": "질문", "user": 99}, format="json")
    assert forged.status_code == 400
    assert "user" in forged.json()["fields"]
    created = user_client.post(url, {"text": "질문", "is_secret": True}, format="json")
    assert created.status_code == 201
    assert created.json()["is_secret"] is True
    assert created.json()["is_mine"] is True
    assert Question.objects.get().user == user
    mine = user_client.get("/api/v1/me/questions/").json()
    assert [row["text"] for row in mine] == ["질문"]


def test_a_review_is_written_for_ones_own_confirmed_line_only(
    user, other_user, user_client
) -> None:
    own, others = confirmed_line(user), confirmed_line(other_user)
    lines = user_client.get("/api/v1/me/reviewable-lines/").json()
    assert [row["order_line_id"] for row in lines] == [own.pk]
    refused = user_client.post(
        "/api/v1/me/reviews/", {"order_line": others.pk, "rating": 5, "text": "x"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_reviewable"
    assert "order_line" in refused.json()["fields"]
    not_image = user_client.post(
        "/api/v1/me/reviews/",
        {
            "order_line": own.pk,
            "rating": 5,
            "text": "x",
            "photos": [photo("a.png", HTML_PRETENDING_TO_BE_PNG)],
        },
        format="multipart",
    )
    assert not_image.status_code == 400
    assert "photos" in not_image.json()["fields"]
    created = user_client.post(
        "/api/v1/me/reviews/",
        {"order_line": own.pk, "rating": 5, "text": "좋아요", "photos": [photo()]},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["order_line_id"] == own.pk
    assert Review.objects.get().photos.count() == 1
    assert [row["id"] for row in user_client.get("/api/v1/me/reviews/").json()["results"]] == [
        created.json()["id"]
    ]
    assert client_of(other_user).get("/api/v1/me/reviews/").json()["results"] == []


def test_helpful_votes_over_the_api(user_client, user) -> None:
    review = ReviewFactory()
    url = f"/api/v1/reviews/{review.pk}/helpful/"
    assert user_client.post(url).json()["helpful_count"] == 1
    again = user_client.post(url)
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_vote"
    own = client_of(review.user).post(url)
    assert own.status_code == 400
    assert user_client.post("/api/v1/reviews/999999/helpful/").status_code == 404


def test_the_schema_documents_the_reviews_endpoints(api_client) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/products/{product_id}/reviews/",
        "/api/v1/products/{product_id}/rating/",
        "/api/v1/products/{product_id}/questions/",
        "/api/v1/me/reviews/",
        "/api/v1/reviews/{review_id}/helpful/",
    ):
        assert path in schema["paths"], path
    assert (
        "multipart/form-data"
        in schema["paths"]["/api/v1/me/reviews/"]["post"]["requestBody"]["content"]
    )


def test_asking_over_the_api_is_rate_limited_too(user_client, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "product_question": "1/h/user"}
    url = f"/api/v1/products/{ProductFactory().pk}/questions/"
    assert user_client.post(url, {"text": "하나"}, format="json").status_code == 201
    limited = user_client.post(url, {"text": "둘"}, format="json")
    assert limited.status_code == 429
    assert limited.json()["code"] == "throttled"
    assert Question.objects.count() == 1
