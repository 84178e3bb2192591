"""A buyer writes a photo review from my page, sees its points arrive and the review on the
product page, and asks a secret question there (the Q&A part is loaded per visitor with htmx)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.catalog import media_files
from tests.catalog.factories import VariantFactory
from tests.e2e.test_catalog import serve_media, sign_in
from tests.reviews.factories import confirmed_line

pytestmark = pytest.mark.browser


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_buyer_writes_a_photo_review_and_asks_a_secret_question(
    page, live_server, media_root, tmp_path, screenshot, page_errors, settings
) -> None:
    settings.REVIEWS_PHOTO_POINTS = 500
    buyer = UserFactory(name="박구매")
    line = confirmed_line(buyer)
    VariantFactory(product=line.product, stock=5)
    photo = tmp_path / "my-photo.jpg"
    photo.write_bytes(media_files.image_bytes(1200, 900))
    serve_media(page, live_server.url, media_root)

    sign_in(page, buyer.email, "/my/reviews/")
    screenshot(page, "my-reviews")
    page.locator(f"a[href='/my/reviews/write/{line.pk}/']").click()
    page.locator("input[name=rating][value='4']").check()
    page.locator("textarea[name=text]").fill("색이 예뻐요 <b>강추</b>")
    page.locator("input[name=photos]").set_input_files(str(photo))
    screenshot(page, "write")
    page.locator("form.review-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/my/reviews/")
    expect(page.locator(".review__text")).to_have_text("색이 예뻐요 <b>강추</b>")  # shown as typed
    page.goto("/my/points/")  # the photo review's points, granted through the outbox
    expect(page.locator(".points-balance strong")).to_have_text("500")
    screenshot(page, "points")

    page.goto(f"/p/{line.product.pk}/{line.product.slug}/")
    review = page.locator(".reviews .review").first
    expect(review.locator(".review__text")).to_have_text("색이 예뻐요 <b>강추</b>")
    expect(review.locator(".review__photos img")).to_have_count(1)
    assert review.locator(".review__photos img").evaluate("img => img.naturalWidth") > 0
    expect(page.locator(".rating-summary__average strong")).to_have_text("4.0")

    form = page.locator("form.question-form")  # loaded by htmx into #qna-body
    form.locator("textarea[name=text]").fill("사이즈가 정사이즈인가요?")
    form.locator("input[name=is_secret]").check()
    form.locator("button[type=submit]").click()
    asked = page.locator("#qna-body .question").first
    expect(asked.locator(".question__text")).to_have_text("사이즈가 정사이즈인가요?")
    screenshot(page, "product")
    assert page_errors == []
