"""An order shipped abroad, paid with PayPal in the browser through the emulator's page.

A guest on a phone buys from a vendor that ships overseas, picks the United States at
checkout (htmx re-renders the form: address lines, an international phone, PayPal as
the only method, the zone's fee), is told first that another vendor's item cannot go
there, removes it, places the order and pays on PayPal's page (the sandbox emulator on
the live server) in dollars at the configured rate, and lands on the complete page.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from orders.models import Order
from payments.emulators import state
from payments.models import IntentStatus, PaymentIntent
from shop.money import quantize
from tests.e2e.test_orders import add_to_cart, from_the_top, product_with_options
from tests.shipping.factories import OverseasRateFactory, OverseasZoneFactory, ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.browser


def korean(text: str) -> str:
    with translation.override("ko"):
        return translation.gettext(text)


@pytest.mark.postgres
def test_guest_abroad_pays_with_paypal_after_removing_what_cannot_ship(
    page, live_server, screenshot, page_errors, settings, transactional_db
) -> None:
    shot = from_the_top(screenshot)
    settings.SITE_URL = live_server.url
    settings.PAYPAL_BASE_URL = ""  # sandbox mode: the emulator under SITE_URL
    settings.PAYPAL_FX_RATE_URL = ""
    settings.PAYPAL_FX_RATE = "1400"
    state.reset("paypal")
    global_goods = VendorFactory(name="글로벌굿즈")
    policy = ShippingPolicyFactory(
        vendor=global_goods, fee_type="fixed", base_fee=Decimal(3500), ships_overseas=True
    )
    zone = OverseasZoneFactory(policy=policy, name="북미", countries=["US", "CA"])
    OverseasRateFactory(zone=zone, max_weight_grams=2000, fee=Decimal(18000))
    seoul = VendorFactory(name="서울마켓")
    ShippingPolicyFactory(vendor=seoul, base_fee=Decimal(3000))
    scarf = product_with_options(
        global_goods, name="실크 스카프", slug="silk-scarf", price=52000, groups={"색상": ["남색"]}
    )
    kimchi = product_with_options(
        seoul, name="포기김치", slug="kimchi", price=15000, groups={"용량": ["1kg"]}
    )
    guest = page
    for product, choice, price in ((scarf, "남색", "52,000원"), (kimchi, "1kg", "15,000원")):
        add_to_cart(
            guest, product, [choice], quantity=1, price=price, total=price, before_adding=lambda: 0
        )

    # 1. Checkout starts in Korea: the Korean methods and bank transfer.
    guest.goto("/checkout/")
    expect(guest.locator("#id_country")).to_have_value("KR")
    expect(guest.locator("input[name=payment_method][value=kakaopay]")).to_have_count(1)
    expect(guest.locator("input[name=payment_method][value=paypal]")).to_have_count(0)

    # 2. The United States: the form is re-rendered for it; the kimchi cannot go.
    guest.locator("#id_country").select_option("US")
    expect(guest.locator("input[name=payment_method][value=paypal]")).to_have_count(1)
    expect(guest.locator("input[name=payment_method][value=kakaopay]")).to_have_count(0)
    expect(guest.locator("input[name=depositor_name]")).to_have_count(0)
    unshippable = guest.locator(".summary__unshippable")
    expect(unshippable).to_contain_text("서울마켓")
    expect(guest.locator("#order-total")).to_have_count(0)
    shot(guest, "checkout-abroad-unshippable")

    guest.goto("/cart/")
    guest.locator("section.cart-group").filter(has_text="서울마켓").get_by_role(
        "button", name=re.compile(korean("Remove"))
    ).click()
    expect(guest.locator("section.cart-group")).to_have_count(1)
    guest.goto("/checkout/")
    guest.locator("#id_country").select_option("US")
    expect(guest.locator(".summary__unshippable")).to_have_count(0)
    expect(guest.locator(".breakdown--overseas")).to_contain_text("18,000원")
    expect(guest.locator("#order-total")).to_have_text("70,000원")  # 52,000 + 18,000

    # 3. The details as written in the US, PayPal checked for the buyer.
    guest.locator("#id_orderer_name").fill("Jane Doe")
    guest.locator("#id_orderer_email").fill("jane@example.com")
    guest.locator("#id_orderer_phone").fill("+1 415 555 0100")
    guest.locator("#id_recipient_name").fill("Jane Doe")
    guest.locator("#id_recipient_phone").fill("+1 415 555 0100")
    guest.locator("#id_postcode").fill("94105")
    guest.locator("#id_road_address").fill("500 Howard St, San Francisco, CA")
    guest.locator("#id_detail_address").fill("Suite 300")
    expect(guest.locator("input[name=payment_method][value=paypal]")).to_be_checked()
    shot(guest, "checkout-abroad-paypal")
    guest.locator("button[name=action][value=place]").click()

    # 4. PayPal's page, in dollars at the configured rate.
    expect(guest).to_have_url(re.compile(r"/sandbox/paypal/checkoutnow\?token="))
    order = Order.objects.get()
    assert (order.country, order.payment_method, order.total_amount) == (
        "US",
        "paypal",
        Decimal(70000),
    )
    usd = quantize(Decimal(70000) / Decimal(1400), "USD")
    expect(guest.locator("[data-testid=paypal-amount]")).to_have_text(f"{usd} USD")
    shot(guest, "paypal-page")
    guest.locator("[data-testid=paypal-pay]").click()

    # 5. Back at the shop: the complete page says the payment is confirmed.
    expect(guest).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))
    expect(guest.locator("p.notice")).to_have_text(korean("Your payment is confirmed."))
    shot(guest, "complete")
    assert page_errors == []
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.status, intent.currency, intent.amount) == (IntentStatus.PAID, "USD", usd)
    assert state.calls("paypal", "capture") == 1
