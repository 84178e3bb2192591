"""Brand pay in the browser: a member saves KakaoPay in my page, then pays in one click.

The member signs in, presses "Add KakaoPay" in my page and approves the zero-won
registration on the KakaoPay emulator's sheet (the stand-in for KakaoPay's own site),
comes back to my page with the method listed by its masked label, buys a product, picks
the saved method at checkout and lands on the order complete page without seeing
KakaoPay again.

The pages are in Korean (the browser's locale): steps find elements by what they post
(form actions, values) and check amounts, numbers and labels.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Order
from payments.emulators import state
from payments.models import PaymentIntent, StoredPaymentMethod
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.e2e.test_orders import from_the_top, sign_in
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.browser

CARD_LABEL = "카카오페이 수협은행 6216****"


@pytest.mark.postgres
def test_a_member_saves_kakaopay_and_pays_in_one_click(
    page, live_server, screenshot, page_errors, settings, transactional_db
) -> None:
    shot = from_the_top(screenshot)
    # Return URLs and the emulator's address are absolute: make them point at this server.
    settings.SITE_URL = live_server.url
    settings.KAKAOPAY_BASE_URL = ""
    state.reset("kakaopay")
    member = UserFactory(email="regular@example.com", name="김단골")
    vendor = VendorFactory(name="서울마켓")
    ShippingPolicyFactory(
        vendor=vendor, fee_type="fixed", base_fee=Decimal(3000), free_threshold=None
    )
    product = ProductFactory(
        vendor=vendor, name="핸드드립 원두", slug="beans", price=Decimal(18000)
    )
    VariantFactory(product=product, stock=10)

    # 1. My page: no saved method yet; "Add KakaoPay" goes to KakaoPay's sheet.
    sign_in(page, member.email, "/payments/methods/")
    expect(page.locator(".saved-method")).to_have_count(0)
    shot(page, "methods-empty")
    page.locator("button[data-provider=kakaopay]").click()

    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/T\d+/$"))
    expect(page.locator("[data-testid=amount]")).to_have_text("0원")  # nothing is charged
    page.locator("input[name=method][value=CARD]").check()
    shot(page, "kakaopay-registration-sheet")
    page.locator("button.approve").click()

    # 2. Back in my page, the method is listed by its masked label only.
    expect(page).to_have_url(re.compile(r"/payments/methods/$"))
    expect(page.locator(".messages .message--success")).to_be_visible()
    expect(page.locator(".saved-method")).to_have_count(1)
    expect(page.locator(".saved-method strong")).to_have_text(CARD_LABEL)
    shot(page, "methods-saved")
    method = StoredPaymentMethod.objects.get()
    assert method.user_id == member.pk

    # 3. Buy the product; checkout offers the saved method: one click pays.
    page.goto(f"/p/{product.pk}/{product.slug}/")
    page.locator("#add-to-cart").click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    page.goto("/checkout/")
    expect(page.locator("#order-total")).to_have_text("21,000원")
    page.locator("#id_orderer_name").fill("김단골")
    page.locator("#id_orderer_email").fill(member.email)
    page.locator("#id_orderer_phone").fill("010-1234-5678")
    page.locator("#id_recipient_name").fill("김단골")
    page.locator("#id_recipient_phone").fill("010-1234-5678")
    page.locator("#id_postcode").fill("06236")
    page.locator("#id_road_address").fill("서울특별시 강남구 테헤란로 152")
    page.locator("#id_detail_address").fill("12층")
    one_click = page.locator(f"input[name=payment_method][value='brandpay:{method.pk}']")
    expect(page.locator("label.pay-method", has=one_click)).to_contain_text(CARD_LABEL)
    one_click.check()
    shot(page, "checkout-one-click")
    page.locator("button[name=action][value=place]").click()

    # 4. No KakaoPay page this time: straight to the order complete page, paid.
    expect(page).to_have_url(re.compile(r"/orders/[^/]+/complete/$"))
    order = Order.objects.get()
    expect(page.locator(".order-number strong")).to_have_text(order.number)
    expect(page.locator("body")).to_contain_text("21,000원")
    shot(page, "complete")
    assert page_errors == []

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.user_id == member.pk
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.flow, intent.status, intent.stored_method_id) == ("stored", "paid", method.pk)
    assert intent.captured_amount == Decimal(21000)
    assert state.calls("kakaopay", "subscription") == 1
    assert state.calls("kakaopay", "ready") == 1  # the registration's only
