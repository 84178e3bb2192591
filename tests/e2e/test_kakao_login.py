"""Signing up with Kakao in Chromium, through the Kakao Login emulator's consent page.

A visitor on a phone presses Kakao on the login page, agrees on Kakao's consent page
(the sandbox emulator on the live server, reached by base URL only, as the real one),
comes back to the shop's signup form with the e-mail Kakao verified, agrees to the terms
and the privacy policy, and lands signed in; my page shows the linked Kakao account.
"""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.browser


def korean(text: str) -> str:
    with translation.override("ko"):
        return translation.gettext(text)


@pytest.fixture
def emulators_here(live_server, settings):
    settings.SITE_URL = live_server.url  # the providers' base URLs: /sandbox/ of this server


def sign_up_with_kakao(page, email: str, screenshot=None) -> None:
    page.goto("/accounts/login/")
    if screenshot:
        screenshot(page, "login")
    page.locator('a[href*="/accounts/kakao/login/"]').first.click()
    # allauth asks to confirm with a POST (no login on a plain GET link).
    page.locator("#content form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/sandbox/kakao/kauth/oauth/authorize\?"))
    page.fill("#email", email)
    page.fill("#nickname", "브라우저친구")
    if screenshot:
        screenshot(page, "kakao-consent")
    page.get_by_role("button", name="동의하고 계속하기").click()

    expect(page).to_have_url(re.compile(r"/accounts/3rdparty/signup/"))
    page.fill('input[name="name"]', "김카카오")
    page.check('input[name="agree_terms"]')
    page.check('input[name="agree_privacy"]')
    if screenshot:
        screenshot(page, "signup")
    page.locator("#content form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/signup/"))


def test_a_visitor_signs_up_with_kakao(page, emulators_here, screenshot, page_errors):
    sign_up_with_kakao(page, "kakao-e2e@example.com", screenshot)

    page.goto("/my/")
    expect(page.get_by_text("kakao-e2e@example.com")).to_be_visible()
    screenshot(page, "my-page")
    user = User.objects.get(email="kakao-e2e@example.com")
    assert user.name == "김카카오"
    assert user.terms_agreed_at is not None
    assert SocialAccount.objects.get(user=user).provider == "kakao"
    assert page_errors == []


def test_a_visitor_who_cancels_at_kakao_is_not_signed_in(page, emulators_here, screenshot):
    page.goto("/accounts/kakao/login/")
    page.locator("#content form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/sandbox/kakao/kauth/oauth/authorize\?"))

    page.get_by_role("button", name="취소").click()

    screenshot(page, "cancelled")
    page.goto("/my/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert not SocialAccount.objects.exists()


def test_a_kakao_member_verifies_their_age_and_may_then_buy_a_19_plus_product(
    page, emulators_here, screenshot, page_errors
):
    from tests.orders.helpers import variant_of

    variant = variant_of(adult_only=True, name="전통 소주 세트")
    product_url = reverse("catalog:product", args=[variant.product_id, variant.product.slug])
    sign_up_with_kakao(page, "adult-e2e@example.com")

    page.goto(product_url)
    gate = page.get_by_test_id("adult-gate")
    expect(gate).to_be_visible()
    expect(page.locator("#buy-form")).to_have_count(0)
    screenshot(page, "gate")
    gate.locator("a").click()
    page.locator('form[action="/my/identity/"] button[type=submit]').click()

    expect(page).to_have_url(re.compile(r"/sandbox/portone/identity-verifications/.+/window"))
    page.fill("#name", "김카카오")
    page.fill("#birth_date", "1990-05-17")
    page.fill("#phone", "01012345678")
    page.get_by_role("button", name="인증번호 받기").click()
    code = page.get_by_test_id("sandbox-code").inner_text()
    page.fill("#otp", code)
    screenshot(page, "verification-window")
    page.get_by_role("button", name="확인").click()

    expect(page).to_have_url(re.compile(re.escape(product_url)))
    expect(page.locator("#buy-form")).to_be_visible()
    screenshot(page, "buy-box")
    assert page_errors == []
