"""A member wishes a product, asks to hear when a sold-out option is back, and gets one
KakaoTalk 알림톡 (through the SENS emulator's inbox) when the merchant restocks it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalog import services as catalog
from notifications.emulators import state
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.e2e.test_catalog import sign_in

pytestmark = pytest.mark.browser


def test_a_member_wishes_waits_for_a_restock_and_gets_one_kakaotalk(
    page, live_server, screenshot, page_errors, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SENS_BASE_URL = f"{live_server.url}/sandbox/sens"
    settings.NOTIFICATIONS_CHANNELS = ["email", "alimtalk", "sms"]
    state.reset()
    member = UserFactory(name="최위시", phone="010-5555-6666")
    sold_out = VariantFactory(stock=0, label="네이비 / XL")
    VariantFactory(product=sold_out.product, stock=4, label="네이비 / M")
    product = sold_out.product
    product_path = f"/p/{product.pk}/{product.slug}/"

    sign_in(page, member.email, "/my/wishlist/")
    page.goto(product_path)
    heart = page.locator("form.wish-toggle button")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(page.locator("form.wish-toggle button")).to_have_attribute("aria-pressed", "true")
    page.locator(f"form[action='/restock/{sold_out.pk}/'] button").click()
    screenshot(page, "product")

    page.goto("/")  # the listing's card heart is filled for this member only
    card_heart = page.locator(f".product-card__wish[data-product='{product.pk}']")
    expect(card_heart).to_have_attribute("aria-pressed", "true")

    page.goto("/my/wishlist/")
    expect(page.locator(f"#wish-{product.pk}")).to_be_visible()
    expect(page.locator(".restock-alert")).to_have_count(1)
    screenshot(page, "my-wishlist")

    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=sold_out.pk, delta=3, reason="입고")

    page.goto("/sandbox/sens/inbox/")
    talks = page.locator("li", has_text="RESTOCK")
    expect(talks).to_have_count(1)
    expect(talks).to_contain_text("네이비 / XL")
    expect(talks).to_contain_text("01055556666")
    screenshot(page, "kakaotalk-inbox")
    assert page_errors == []
