"""What an impatient or hostile shopper does in a real browser (security.md 5.18).

E2E-01: after paying, the guest refreshes the return page and goes back and forth; one
order, one KakaoPay approve. E2E-02: the order button is double-clicked; one order, one
KakaoPay ready. E2E-03: a product page whose description, name and vendor name hold
XSS payloads runs none of them: no dialog opens and no marker is set. E2E-04: the cart and
checkout load scripts and frames from this shop only. The merchant admin and the seller
center print the same hostile product as text. E2E-05: a buyer who cancels at KakaoPay is
charged nothing and pays the same order again.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Order
from payments.emulators import state
from payments.models import IntentStatus, PaymentIntent
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.e2e.test_orders import add_to_cart, product_with_options, sign_in
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import MembershipFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

SEOUL_POSTCODE = "06236"


@pytest.fixture
def kakaopay_on_live_server(settings, live_server):
    # An empty base URL sends the client to the emulator under SITE_URL: this live server.
    settings.SITE_URL = live_server.url
    settings.KAKAOPAY_BASE_URL = ""
    state.reset("kakaopay")


def guest_at_checkout(page) -> None:
    """Put one shirt in a fresh guest's cart and fill the checkout form for KakaoPay."""
    vendor = VendorFactory(name="서울마켓")
    ShippingPolicyFactory(
        vendor=vendor, fee_type="fixed", base_fee=Decimal(3000), free_threshold=None
    )
    shirt = product_with_options(
        vendor, name="린넨 셔츠", slug="linen-shirt", price=39000, groups={"사이즈": ["M"]}
    )
    add_to_cart(
        page, shirt, ["M"], quantity=1, price="39,000원", total="39,000원", before_adding=list
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
    page.locator("input[name=payment_method][value=kakaopay]").check()


def test_refreshing_and_going_back_after_paying_pays_once(
    page, kakaopay_on_live_server, transactional_db
):
    guest_at_checkout(page)
    page.locator("button[name=action][value=place]").click()
    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))
    page.get_by_role("button", name="결제하기").click()
    order = Order.objects.get()
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))

    for _round in range(3):
        page.reload()
        expect(page.locator(".order-number strong")).to_have_text(order.number)
        page.go_back()
        page.go_forward()
    assert page.page_errors == []

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Order.objects.count() == 1
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.status, intent.captured_amount) == (IntentStatus.PAID, Decimal(42000))
    assert state.calls("kakaopay", "approve") == 1
    assert AuditEvent.objects.filter(event_type="orders.OrderPaid").count() == 1


def test_a_double_click_on_the_order_button_places_one_order(
    page, kakaopay_on_live_server, transactional_db
):
    guest_at_checkout(page)

    page.locator("button[name=action][value=place]").dblclick()

    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))
    assert Order.objects.count() == 1
    assert state.calls("kakaopay", "ready") == 1
    assert PaymentIntent.objects.count() == 1


PAYLOADS = [
    "<img src=x onerror=\"window.__xss=1;alert('img')\">",
    "<svg onload=\"window.__xss=2;alert('svg')\"></svg>",
    "<a href=\"javascript:window.__xss=3;alert('link')\">click</a>",
    "<iframe srcdoc=\"<script>parent.__xss=4;alert('srcdoc')</script>\"></iframe>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__xss=5;alert('mxss')>\">",
    '<div style="background:url(javascript:window.__xss=6)">styled</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=7;alert('m')>",
]


def test_xss_payloads_in_a_product_page_never_run(page, live_server, transactional_db):
    hostile = "".join(PAYLOADS)
    vendor = VendorFactory(name="<img src=x onerror=window.__xss=8;alert('vendor')>")
    # Written around the services, as a migration or a raw import would: the page must
    # still print it sanitised.
    product = ProductFactory(vendor=vendor, name="<svg onload=alert(9)>", description=hostile)
    VariantFactory(product=product, stock=3)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(f"/p/{product.pk}/{product.slug}/")
    expect(page.locator("h1.product__name")).to_have_text("<svg onload=alert(9)>")
    page.wait_for_timeout(500)  # let any late onerror/onload fire before looking

    assert dialogs == []
    assert page.evaluate("window.__xss === undefined")
    assert page.page_errors == []


def test_cart_and_checkout_load_scripts_and_frames_from_this_shop_only(
    page, live_server, transactional_db
):
    """E2E-04: no third-party script or frame on the pages that take the buyer's details."""
    loaded: list[tuple[str, str]] = []
    page.on("request", lambda request: loaded.append((request.resource_type, request.url)))
    vendor = VendorFactory()
    ShippingPolicyFactory(vendor=vendor, fee_type="fixed", base_fee=Decimal(3000))
    shirt = product_with_options(
        vendor, name="셔츠", slug="shirt", price=10000, groups={"사이즈": ["M"]}
    )
    add_to_cart(
        page, shirt, ["M"], quantity=1, price="10,000원", total="10,000원", before_adding=list
    )
    loaded.clear()  # only what the cart and checkout pages load

    for path in ("/cart/", "/checkout/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        frames = [frame.url for frame in page.frames if frame.url not in {"", "about:blank"}]
        assert all(url.startswith(live_server.url) for url in frames), frames

    active = [(kind, url) for kind, url in loaded if kind in {"script", "document", "xhr", "fetch"}]
    assert active, "the pages loaded nothing: the capture is broken"
    foreign = [(kind, url) for kind, url in active if not url.startswith(live_server.url + "/")]
    assert foreign == []


def test_xss_payloads_never_run_in_the_merchant_admin_or_the_seller_center(
    page, live_server, transactional_db
):
    """INP-01: the same hostile product, opened by staff and by its own vendor."""
    vendor = VendorFactory(name="<img src=x onerror=window.__xss=8;alert('vendor')>")
    product = ProductFactory(
        vendor=vendor, name="<svg onload=window.__xss=9;alert(9)>", description="".join(PAYLOADS)
    )
    VariantFactory(product=product, stock=3)
    staff = UserFactory(is_staff=True, is_superuser=True)
    seller = MembershipFactory(vendor=vendor).user
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = {
        staff: ["/admin/catalog/product/", f"/admin/catalog/product/{product.pk}/change/"],
        seller: ["/seller/catalog/product/", f"/seller/catalog/product/{product.pk}/change/"],
    }

    for user, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, user.email, paths[0])
        for path in paths:
            page.goto(path)
            expect(page.locator("body")).to_contain_text("svg onload")  # shown as text
            page.wait_for_timeout(300)  # let any late onerror/onload fire
            assert page.evaluate("window.__xss === undefined"), path

    assert dialogs == []


def test_cancelling_in_the_kakaopay_window_charges_nothing_and_the_guest_can_pay_again(
    page, live_server, kakaopay_on_live_server, transactional_db
):
    """E2E-05: the buyer presses 취소 at KakaoPay; nothing is charged, the order waits."""
    guest_at_checkout(page)
    page.locator("button[name=action][value=place]").click()
    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))

    page.get_by_role("button", name="취소").click()

    order = Order.objects.get()
    expect(page).to_have_url(re.compile(rf"/payments/orders/{order.number}/pay/"))
    assert state.calls("kakaopay", "approve") == 0
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert PaymentIntent.objects.get(order=order).status == IntentStatus.CANCELLED

    page.locator("main form button[type=submit]").click()  # pay again, same order
    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))
    page.get_by_role("button", name="결제하기").click()

    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Order.objects.count() == 1
    assert state.calls("kakaopay", "approve") == 1
    statuses = sorted(PaymentIntent.objects.filter(order=order).values_list("status", flat=True))
    assert statuses == sorted([IntentStatus.CANCELLED, IntentStatus.PAID])
