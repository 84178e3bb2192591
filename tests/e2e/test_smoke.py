"""First browser walk: the home page in Korean, the switch to English, a staff sign-in."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_switches_language_and_staff_signs_in_to_admin(
    page, live_server, staff_user, screenshot, page_errors
) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#new-products")).to_have_text("새로 나온 상품")
    screenshot(page, "home-ko")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#new-products")).to_have_text("New arrivals")
    screenshot(page, "home-en")

    page.goto("/admin/login/")  # sends staff to the shop's one rate-limited sign-in page
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("#id_login").fill(staff_user.email)
    page.locator("#id_password").fill("correct-horse-battery")
    screenshot(page, "admin-login")
    page.get_by_role("button", name=re.compile("sign in", re.IGNORECASE)).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools")).to_contain_text(staff_user.name or staff_user.email)
    screenshot(page, "admin-index")
    assert page_errors == []


def test_home_page_htmx_loads_and_has_no_javascript_errors(page, live_server, page_errors) -> None:
    page.goto("/")

    assert page.evaluate("typeof htmx !== 'undefined' && htmx.version.startsWith('2.')")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page_errors == []
