"""Vendor staff edit their shipping policy in the seller center and see only their own."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's


def sign_in(page, email: str) -> None:
    page.goto("/seller/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # the one rate-limited sign-in
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form:has(#id_login) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/seller/$"))


def test_vendor_staff_edit_their_shipping_policy_and_see_only_their_own(
    desktop_page, live_server, screenshot, transactional_db
) -> None:
    page = desktop_page
    vendor_a, vendor_b = VendorFactory(name="서울마켓"), VendorFactory(name="부산상회")
    own = ShippingPolicyFactory(vendor=vendor_a, name="5만원 이상 무료배송")
    other = ShippingPolicyFactory(vendor=vendor_b, name="부산상회 전용 정책")
    member = MembershipFactory(vendor=vendor_a, user=UserFactory(email="staff@seoul.example"))

    sign_in(page, member.user.email)
    expect(page.locator("#site-name")).to_contain_text("서울마켓")
    screenshot(page, "dashboard")

    page.goto("/seller/shipping/shippingpolicy/")
    expect(page.get_by_role("link", name=own.name)).to_be_visible()
    expect(page.get_by_text(other.name)).to_have_count(0)
    screenshot(page, "policy-list")

    page.get_by_role("link", name=own.name).click()
    page.locator("#id_free_threshold").fill("70000")
    screenshot(page, "policy-edit")
    page.locator("input[name=_save]").click()

    expect(page.locator("ul.messagelist")).to_contain_text(own.name)
    own.refresh_from_db()
    assert own.free_threshold == Decimal(70000)
    page.locator("#result_list").get_by_role("link", name=own.name).click()
    expect(page.locator("#id_free_threshold")).to_have_value("70000")
    expect(page.locator(".shipping-quote-preview")).to_contain_text("70,000원")
    screenshot(page, "policy-saved")

    page.goto(f"/seller/shipping/shippingpolicy/{other.pk}/change/")
    expect(page).to_have_url(re.compile(r"/seller/$"))
    expect(page.locator("body")).not_to_contain_text(other.name)
    expect(page.locator("#id_free_threshold")).to_have_count(0)
    screenshot(page, "other-vendor-policy")
    other.refresh_from_db()
    assert other.free_threshold == Decimal(50000)
