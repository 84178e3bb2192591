"""The pip-installed example plugin in the browser: a guest pays with Toss Payments.

``make test`` installs ``examples/shop-tosspayments`` with pip; the shop's own code knows
nothing of it. A guest on a phone sees 토스페이먼츠 and the plugin's block at checkout,
is sent to Toss's payment window (the plugin's emulator on the live server, reached by
base URL only, as the real one would be), presses 결제하기 and lands on the complete page
with the order paid; the plugin's listener kept the receipt.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from shop_tosspayments import emulator
from shop_tosspayments.models import TossReceipt

from orders.models import Order
from payments.models import IntentStatus, PaymentIntent
from tests.e2e.test_orders import add_to_cart, from_the_top, product_with_options
from tests.e2e.test_payment_kakaopay import SEOUL_POSTCODE, korean
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.browser


@pytest.mark.postgres
def test_guest_pays_with_the_toss_plugin_through_its_window(
    page, live_server, screenshot, page_errors, settings, transactional_db
) -> None:
    shot = from_the_top(screenshot)
    settings.SITE_URL = live_server.url  # an empty Toss base URL: the emulator under SITE_URL
    emulator.reset()
    vendor = VendorFactory(name="서울마켓")
    ShippingPolicyFactory(vendor=vendor, base_fee=Decimal(3000), free_threshold=Decimal(50000))
    shirt = product_with_options(
        vendor, name="린넨 셔츠", slug="linen-shirt", price=39000, groups={"사이즈": ["M", "L"]}
    )
    add_to_cart(
        page,
        shirt,
        ["M"],
        quantity=1,
        price="39,000원",
        total="39,000원",
        before_adding=lambda: None,
    )
    page.goto("/checkout/")

    page.locator("#id_orderer_name").fill("김주문")
    page.locator("#id_orderer_email").fill("guest@example.com")
    page.locator("#id_orderer_phone").fill("010-1234-5678")
    page.locator("#id_recipient_name").fill("이수령")
    page.locator("#id_recipient_phone").fill("010-8765-4321")
    page.locator("#id_postcode").fill(SEOUL_POSTCODE)
    page.locator("#id_road_address").fill("서울특별시 강남구 테헤란로 152")
    page.locator("#id_detail_address").fill("12층")
    expect(page.locator("[data-plugin=tosspayments]")).to_contain_text("토스페이먼츠")
    page.locator("input[name=payment_method][value=tosspayments]").check()
    shot(page, "checkout-toss")
    page.locator("button[name=action][value=place]").click()

    # Toss's payment window (the plugin's emulator), with the server's amount.
    expect(page).to_have_url(re.compile(r"/sandbox/tosspayments/window\?"))
    expect(page.locator("[data-testid=amount]")).to_have_text("42000원")
    shot(page, "toss-window")
    page.get_by_role("button", name="결제하기").click()

    order = Order.objects.get()
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))
    expect(page.locator("p.notice")).to_have_text(korean("Your payment is confirmed."))
    shot(page, "complete")
    assert page_errors == []
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_method == "tosspayments"
    intent = PaymentIntent.objects.get(order=order)
    assert intent.status == IntentStatus.PAID
    assert intent.captured_amount == Decimal(42000)
    assert emulator.calls("confirm") == 1
    assert TossReceipt.objects.get().order_id == order.pk
