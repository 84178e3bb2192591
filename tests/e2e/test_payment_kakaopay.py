"""A two-vendor order paid with KakaoPay in the browser, through the emulator's payment sheet.

A guest on a phone buys from two vendors, chooses KakaoPay at checkout and is sent to
KakaoPay's sheet (the sandbox emulator on the live server, the same way the real one is
reached: by base URL only); the guest presses 결제하기 and lands on the order complete page,
which says the payment is confirmed. Staff then find the payment in the admin with its
ledger: the ready and approve calls and the capture.

Texts of the shop are translated into Korean by another helper, so the expected words
are looked up in the Korean catalogue (the English source when not translated yet).
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from orders.models import Order
from payments.emulators import state
from payments.models import IntentStatus, PaymentEvent, PaymentIntent
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.e2e.conftest import DESKTOP, _new_page
from tests.e2e.test_orders import add_to_cart, from_the_top, product_with_options, sign_in
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.browser

SEOUL_POSTCODE = "06236"


def korean(text: str) -> str:
    with translation.override("ko"):
        return translation.gettext(text)


@pytest.fixture
def admin_page(browser, live_server):
    """A desktop window (own cookies) for staff."""
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.mark.postgres
def test_guest_pays_a_two_vendor_order_with_kakaopay(
    page, admin_page, live_server, screenshot, page_errors, settings, transactional_db
) -> None:
    shot = from_the_top(screenshot)
    # KakaoPay's base URL is left empty: in sandbox mode the client then talks to the
    # emulator under SITE_URL, which is this live server.
    settings.SITE_URL = live_server.url
    settings.KAKAOPAY_BASE_URL = ""
    state.reset("kakaopay")
    staff = UserFactory(email="md@shop.example", is_staff=True, is_superuser=True)
    seoul, busan = VendorFactory(name="서울마켓"), VendorFactory(name="부산상회")
    ShippingPolicyFactory(vendor=seoul, base_fee=Decimal(3000), free_threshold=Decimal(50000))
    ShippingPolicyFactory(
        vendor=busan, fee_type="fixed", base_fee=Decimal(3500), free_threshold=None
    )
    shirt = product_with_options(
        seoul, name="린넨 셔츠", slug="linen-shirt", price=39000, groups={"사이즈": ["M", "L"]}
    )
    tumbler = product_with_options(
        busan, name="보온 텀블러", slug="tumbler", price=18000, groups={"용량": ["350ml"]}
    )

    # 1. The guest puts one item of each vendor in the cart.
    guest = page
    add_to_cart(
        guest,
        shirt,
        ["L"],
        quantity=1,
        price="39,000원",
        total="39,000원",
        before_adding=lambda: shot(guest, "product-shirt"),
    )
    add_to_cart(
        guest,
        tumbler,
        ["350ml"],
        quantity=2,
        price="18,000원",
        total="36,000원",
        before_adding=lambda: shot(guest, "product-tumbler"),
    )
    guest.goto("/cart/")
    groups = guest.locator("section.cart-group")
    expect(groups.locator(".cart-group__vendor")).to_have_text(["서울마켓", "부산상회"])
    expect(guest.locator("#order-total")).to_have_text("81,500원")  # 39,000+3,000+36,000+3,500
    shot(guest, "cart")
    guest.locator("a.cart-totals__order").click()

    # 2. Checkout: the details, KakaoPay as the payment method.
    expect(guest).to_have_url(re.compile(r"/checkout/$"))
    guest.locator("#id_orderer_name").fill("김주문")
    guest.locator("#id_orderer_email").fill("guest@example.com")
    guest.locator("#id_orderer_phone").fill("010-1234-5678")
    guest.locator("#id_recipient_name").fill("이수령")
    guest.locator("#id_recipient_phone").fill("010-8765-4321")
    guest.locator("#id_postcode").fill(SEOUL_POSTCODE)
    guest.locator("#id_road_address").fill("서울특별시 강남구 테헤란로 152")
    guest.locator("#id_detail_address").fill("12층")
    guest.locator("input[name=payment_method][value=kakaopay]").check()
    expect(guest.locator("#order-total")).to_have_text("81,500원")
    shot(guest, "checkout-kakaopay")
    guest.locator("button[name=action][value=place]").click()

    # 3. KakaoPay's payment sheet (the emulator), with the server's amount.
    expect(guest).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.payment_method == "kakaopay"
    assert order.total_amount == Decimal(81500)
    assert order.shipments.count() == 2
    expect(guest.locator("[data-testid=amount]")).to_have_text("81,500원")
    shot(guest, "kakaopay-sheet")
    guest.get_by_role("button", name="결제하기").click()

    # 4. Back at the shop: the complete page says the payment is confirmed.
    expect(guest).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))
    expect(guest.locator(".order-number strong")).to_have_text(order.number)
    expect(guest.locator("p.notice")).to_have_text(korean("Your payment is confirmed."))
    expect(guest.locator(".notice--warning")).to_have_count(0)  # no "still waiting" / Pay now
    shot(guest, "complete")
    assert page_errors == []

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get(order=order)
    assert intent.status == IntentStatus.PAID
    assert intent.amount == intent.captured_amount == Decimal(81500)
    assert state.calls("kakaopay", "approve") == 1
    assert AuditEvent.objects.filter(event_type="orders.OrderPaid").count() == 1
    calls = intent.events.filter(kind=PaymentEvent.Kind.CALL)
    assert list(calls.values_list("operation", flat=True)) == ["ready", "approve"]

    # 5. Staff find the payment in the admin, with its ledger.
    admin = admin_page
    sign_in(admin, staff.email, "/admin/")
    admin.goto("/admin/payments/paymentintent/")
    rows = admin.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(order.number)
    expect(rows.first).to_contain_text("81,500")
    shot(admin, "admin-payments")
    rows.first.get_by_role("link", name=str(intent.public_id)[:8]).click()
    expect(admin).to_have_url(re.compile(rf"/admin/payments/paymentintent/{intent.pk}/change/$"))
    with translation.override("ko"):
        paid = str(IntentStatus.PAID.label)
    expect(admin.locator(".field-status .readonly")).to_have_text(paid)
    ledger = admin.locator(".inline-group tbody tr:has(td)")
    expect(ledger.filter(has_text="approve")).to_have_count(1)
    expect(ledger.filter(has_text="ready")).to_have_count(1)
    # The capture: the money line noted with KakaoPay's tid.
    capture = ledger.filter(has=admin.locator("td.field-note", has_text=intent.provider_payment_id))
    expect(capture.locator("td.field-event_amount")).to_have_text("81,500원")
    expect(admin.locator(".field-captured_display .readonly")).to_contain_text("81,500")
    shot(admin, "admin-payment-ledger")
    assert admin.page_errors == []
