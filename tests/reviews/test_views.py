"""Storefront pages: reviews on the product page, Q&A per visitor, votes, my reviews."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.media.models import MediaStatus
from reviews import services
from reviews.models import Question, Review, ReviewPhoto, Visibility
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.catalog.media_files import HTML_PRETENDING_TO_BE_PNG
from tests.catalog.test_views import queries
from tests.reviews.factories import QuestionFactory, ReviewFactory, confirmed_line, photo
from tests.vendors.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The product page's own queries (tests/catalog/test_views.py: 9 + 1 for the rating
# summary) plus, once there are reviews, the newest ones with authors and their photos.
PRODUCT_PAGE_QUERIES = 10 + 2
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_of(product) -> str:
    return reverse("catalog:product", args=[product.pk, product.slug])


def body(response) -> str:
    return response.content.decode()


def ready_photo(review: Review) -> ReviewPhoto:
    return ReviewPhoto.objects.create(
        review=review,
        original="reviews/originals/x.jpg",
        status=MediaStatus.READY,
        renditions={"webp": {"320": f"r/{review.pk}/320.webp", "640": f"r/{review.pk}/640.webp"}},
    )


def test_the_product_page_shows_the_rating_summary_and_escaped_reviews(client) -> None:
    product = ProductFactory()
    VariantFactory(product=product)
    ReviewFactory(product=product, rating=5, text=XSS)
    ReviewFactory(product=product, rating=3, text="보통이에요")
    ReviewFactory(product=product, rating=1, text="숨긴 리뷰", visibility=Visibility.HIDDEN)
    html = body(client.get(page_of(product)))
    assert "<strong>4.0</strong> / 5" in html  # (5 + 3) / 2: the hidden review counts nowhere
    assert "(2)" in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "보통이에요" in html
    assert "숨긴 리뷰" not in html
    assert 'value="50"' in html  # one of the two visible reviews has 5 stars


def test_the_product_page_query_count_is_the_same_for_1_or_10_reviews_with_photos(client) -> None:
    one, many = ProductFactory(slug="one"), ProductFactory(slug="many")
    for product, count in ((one, 1), (many, 10)):
        VariantFactory(product=product)
        for _ in range(count):
            ready_photo(ReviewFactory(product=product))
    small, big = queries(client, page_of(one)), queries(client, page_of(many))
    assert small == big == PRODUCT_PAGE_QUERIES


def test_a_new_review_shows_on_the_next_request_of_the_kept_page(
    client, user, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CATALOG_CACHE_PAGES = True
    line = confirmed_line(user)
    VariantFactory(product=line.product)
    first = client.get(page_of(line.product))
    assert first["X-Page-Cache"] == "miss"
    assert client.get(page_of(line.product))["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.write_review(user=user, order_line_id=line.pk, rating=4, text="새 리뷰입니다")
    again = client.get(page_of(line.product))
    assert again["X-Page-Cache"] == "miss"
    assert "새 리뷰입니다" in body(again)


# --- Q&A ------------------------------------------------------------------------------------


def questions_seen_by(client, product, viewer) -> str:
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(
        reverse("reviews:product_questions", args=[product.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    client.logout()
    return body(response)


def test_a_secret_question_is_read_only_by_its_asker_the_vendor_and_staff(
    client, user, other_user, staff_user
) -> None:
    product = ProductFactory()
    QuestionFactory(product=product, text="공개 질문")
    secret = QuestionFactory(
        product=product, user=user, text="비밀 주소 알려드려요", is_secret=True
    )
    secret.answer = "비밀 답변"
    secret.save()
    member = MembershipFactory(vendor=product.vendor).user
    other_vendor_member = MembershipFactory().user
    for viewer in (user, member, staff_user):
        html = questions_seen_by(client, product, viewer)
        assert "비밀 주소 알려드려요" in html, viewer
        assert "비밀 답변" in html, viewer
    for viewer in (None, other_user, other_vendor_member):
        html = questions_seen_by(client, product, viewer)
        assert "공개 질문" in html
        assert "비밀 주소" not in html, viewer
        assert "비밀 답변" not in html, viewer
        assert "question--secret" in html


def test_a_signed_in_shopper_asks_and_html_is_escaped(client, user) -> None:
    product = ProductFactory()
    client.force_login(user)
    response = client.post(
        reverse("reviews:ask", args=[product.pk]),
        {"text": XSS, "is_secret": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    question = Question.objects.get()
    assert (question.user, question.is_secret, question.text) == (user, True, XSS)
    assert "&lt;script&gt;" in body(response)
    assert "<script>alert" not in body(response)


def test_asking_needs_a_login_and_a_text(client, user) -> None:
    product = ProductFactory()
    url = reverse("reviews:ask", args=[product.pk])
    assert client.post(url, {"text": "질문"}).status_code == 302
    assert not Question.objects.exists()
    client.force_login(user)
    response = client.post(url, {"text": " "})
    assert response.status_code == 400
    assert not Question.objects.exists()
    hidden = ProductFactory(status="hidden")
    assert (
        client.post(reverse("reviews:ask", args=[hidden.pk]), {"text": "질문"}).status_code == 404
    )


# --- Votes ----------------------------------------------------------------------------------


def test_a_vote_counts_once_and_not_for_ones_own_review(client, other_user) -> None:
    review = ReviewFactory()
    url = reverse("reviews:vote", args=[review.pk])
    assert client.post(url).status_code == 302
    assert review.votes.count() == 0
    client.force_login(other_user)
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert ">1</span>" in body(response)
    again = client.post(url, headers={"HX-Request": "true"})
    assert again.status_code == 400
    assert 'role="alert"' in body(again)
    client.force_login(review.user)
    own = client.post(url)
    assert own.status_code == 302
    review.refresh_from_db()
    assert review.helpful_count == 1


# --- My reviews -----------------------------------------------------------------------------


def test_my_page_lists_my_reviews_and_the_purchases_left_to_review(
    client, user, other_user
) -> None:
    to_review = confirmed_line(user)
    confirmed_line(user, status="ordered")  # not confirmed: nothing to review yet
    mine = ReviewFactory(user=user, visibility=Visibility.HIDDEN, hidden_reason="광고성 글")
    ReviewFactory(user=other_user, text="남의 리뷰")
    client.force_login(user)
    html = body(client.get(reverse("reviews:my_reviews")))
    assert reverse("reviews:write", args=[to_review.pk]) in html
    assert html.count("/my/reviews/write/") == 1
    assert mine.text in html
    assert "광고성 글" in html
    assert "남의 리뷰" not in html


def test_writing_a_review_with_a_photo_from_my_page(
    client, user, django_capture_on_commit_callbacks
):
    line = confirmed_line(user)
    url = reverse("reviews:write", args=[line.pk])
    client.force_login(user)
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {"rating": "5", "text": "좋아요", "photos": [photo("x.png", HTML_PRETENDING_TO_BE_PNG)]},
    )
    assert bad.status_code == 400
    assert "x.png" in body(bad)
    assert not Review.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"rating": "5", "text": "좋아요", "photos": [photo(), photo("b.jpg")]}
        )
    assert done.status_code == 302
    review = Review.objects.get()
    assert review.photos.filter(status=MediaStatus.READY).count() == 2
    assert client.get(url).status_code == 302  # reviewed already: back to my reviews


def test_another_shoppers_line_has_no_review_form(client, user, other_user) -> None:
    line = confirmed_line(other_user)
    client.force_login(user)
    assert client.get(reverse("reviews:write", args=[line.pk])).status_code == 404
    response = client.post(reverse("reviews:write", args=[line.pk]), {"rating": "5", "text": "x"})
    assert response.status_code == 404
    assert not Review.objects.exists()


def count_queries(client, url: str, headers: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers or {}).status_code == 200
    return len(captured.captured_queries)


def test_the_questions_part_costs_the_same_for_1_or_20_questions(
    client, user, django_assert_max_num_queries
) -> None:
    few, many = ProductFactory(), ProductFactory()
    QuestionFactory(product=few)
    for _ in range(20):
        QuestionFactory(product=many, is_secret=True)
    client.force_login(user)
    urls = [reverse("reviews:product_questions", args=[product.pk]) for product in (few, many)]
    counts = [count_queries(client, url, {"HX-Request": "true"}) for url in urls]
    assert counts[0] == counts[1]
    # session, user, product, "is the viewer the vendor's", questions with their askers
    with django_assert_max_num_queries(5):
        client.get(urls[1], headers={"HX-Request": "true"})


def test_my_reviews_cost_the_same_for_1_or_10_reviews(
    client, user, django_assert_max_num_queries
) -> None:
    url = reverse("reviews:my_reviews")
    client.force_login(user)
    ready_photo(ReviewFactory(user=user))
    confirmed_line(user)
    one = count_queries(client, url)
    for _ in range(9):
        ready_photo(ReviewFactory(user=user))
        confirmed_line(user)
    assert count_queries(client, url) == one
    # session, user, lines to review with orders, reviews with products, their photos
    with django_assert_max_num_queries(5):
        client.get(url)


def test_questions_are_rate_limited_per_member(client, user, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "product_question": "2/h/user"}
    product = ProductFactory()
    url = reverse("reviews:ask", args=[product.pk])
    client.force_login(user)
    assert [client.post(url, {"text": f"질문 {n}"}).status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert Question.objects.count() == 2


def test_no_question_is_in_the_kept_product_page_only_in_the_per_visitor_part(
    client, user, settings
) -> None:
    settings.CATALOG_CACHE_PAGES = True
    product = ProductFactory()
    VariantFactory(product=product)
    QuestionFactory(product=product, user=user, text="비밀 질문 내용", is_secret=True)
    anonymous = body(client.get(page_of(product)))  # the copy kept for every visitor
    client.force_login(user)
    served = client.get(page_of(product))
    assert served["X-Page-Cache"] == "hit"
    for html in (anonymous, body(served)):
        assert "비밀 질문 내용" not in html
        assert reverse("reviews:product_questions", args=[product.pk]) in html
