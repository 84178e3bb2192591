"""An order from two vendors, from the guest's cart to the guest's 구매확정.

A guest on a phone buys from two vendors (options with extra prices), checks out to a
Jeju postcode and sees the 제주 surcharge of each vendor appear, pays by bank transfer
(무통장입금); staff confirm the deposit in the admin; each vendor's owner ships their
part from the seller center with a carrier and waybill number and one marks it delivered;
the guest follows the order link of the complete page, sees both parcels with their
tracking numbers and confirms the delivered one.

Texts of the order pages are still being translated, so the steps find buttons by what
they post (form actions, names) and check amounts, numbers and status classes.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.models import Variant
from catalog.services.options import generate_variants
from orders.models import Order, VendorShipment
from shipping.models import RemoteArea
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import OptionGroupFactory, OptionValueFactory, ProductFactory
from tests.e2e.conftest import DESKTOP, _new_page
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's
BANK_ACCOUNT = "국민은행 123456-01-234567 (주)테스트샵"
JEJU_POSTCODE = "63100"  # 제주시


@pytest.fixture
def seller_page(browser, live_server):
    """A second desktop window (own cookies) for the first vendor's owner."""
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def other_seller_page(browser, live_server):
    """A third desktop window for the second vendor's owner."""
    yield from _new_page(browser, live_server, DESKTOP)


def sign_in(page, email: str, start: str) -> None:
    page.goto(start)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form:has(#id_login) button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(start) + "$"))


def product_with_options(vendor, *, name: str, slug: str, price: int, groups: dict[str, list[str]]):
    """A product on sale with its option groups and every combination as a variant."""
    product = ProductFactory(vendor=vendor, name=name, slug=slug, price=Decimal(price))
    for position, (group_name, values) in enumerate(groups.items()):
        group = OptionGroupFactory(product=product, name=group_name, position=position)
        for index, value in enumerate(values):
            OptionValueFactory(group=group, value=value, position=index)
    generate_variants(product_id=product.pk, stock=10)
    return product


def set_variant(product, label: str, *, extra: int, stock: int) -> Variant:
    variant = product.variants.get(label=label)
    variant.extra_price = Decimal(extra)
    variant.stock = stock
    variant.save(update_fields=["extra_price", "stock"])
    return variant


def add_to_cart(
    page, product, choices: list[str], *, quantity: int, price: str, total: str, before_adding
) -> None:
    """Pick the options on the product page, set the quantity and add to the cart."""
    page.goto(f"/p/{product.pk}/{product.slug}/")
    expect(page.locator("h1.product__name")).to_have_text(product.name)
    for index, choice in enumerate(choices):
        page.locator(".option-select").nth(index).select_option(label=choice)
    expect(page.locator("#product-price")).to_have_text(price)
    page.locator("#quantity-input").fill(str(quantity))
    expect(page.locator("#product-total")).to_have_text(total)
    expect(page.locator("#add-to-cart")).to_be_enabled()
    before_adding()
    page.locator("#add-to-cart").click()
    expect(page.locator(".messages .message--success")).to_be_visible()


def ship_part(page, order_number: str, carrier: str, tracking_number: str) -> None:
    """Open the order's part from the seller center's list and ship it with a waybill."""
    page.goto("/seller/orders/vendorshipment/")
    page.locator("#result_list").get_by_role("link", name=order_number).click()
    transitions = page.locator("#shipment-transitions")
    transitions.locator("select[name=carrier]").select_option(carrier)
    transitions.locator("input[name=tracking_number]").fill(tracking_number)
    transitions.locator("form[action$='/do/ship/'] button").click()
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    expect(page.locator(".field-tracking")).to_contain_text(tracking_number)


def from_the_top(screenshot):
    """Return ``screenshot`` taken scrolled to the top: a full-page shot draws the sticky
    header where the page is scrolled to, over the middle of the page."""

    def shot(page, step: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, step)

    return shot


@pytest.mark.postgres
def test_guest_order_from_two_vendors_to_purchase_confirmation(
    page,
    desktop_page,
    seller_page,
    other_seller_page,
    live_server,
    screenshot,
    page_errors,
    settings,
    transactional_db,
) -> None:
    shot = from_the_top(screenshot)
    # The order link of the complete page is absolute: make it point at this server.
    settings.SITE_URL = live_server.url
    settings.ORDERS_BANK_ACCOUNT = BANK_ACCOUNT
    # The migration seeds the Jeju range; a transactional test run before may have
    # flushed it, so it is put back for this one.
    if not RemoteArea.objects.filter(kind=RemoteArea.Kind.JEJU).exists():
        RemoteArea.objects.create(
            name="제주특별자치도",
            kind=RemoteArea.Kind.JEJU,
            postcode_from="63000",
            postcode_to="63644",
        )
    staff = UserFactory(email="md@shop.example", is_staff=True, is_superuser=True)
    seoul, busan = VendorFactory(name="서울마켓"), VendorFactory(name="부산상회")
    # 서울마켓: 3,000원, free from 50,000원; 부산상회: a fixed 3,500원; both +3,000원 to Jeju.
    ShippingPolicyFactory(
        vendor=seoul,
        name="5만원 이상 무료배송",
        base_fee=Decimal(3000),
        free_threshold=Decimal(50000),
        jeju_surcharge=Decimal(3000),
    )
    ShippingPolicyFactory(
        vendor=busan,
        name="부산상회 기본 배송",
        fee_type="fixed",
        base_fee=Decimal(3500),
        free_threshold=None,
        jeju_surcharge=Decimal(3000),
    )
    seoul_owner = MembershipFactory(vendor=seoul, user=UserFactory(email="owner@seoul.example"))
    busan_owner = MembershipFactory(vendor=busan, user=UserFactory(email="owner@busan.example"))
    shirt = product_with_options(
        seoul,
        name="린넨 셔츠",
        slug="linen-shirt",
        price=39000,
        groups={"색상": ["블랙", "화이트"], "사이즈": ["M", "L"]},
    )
    black_large = set_variant(shirt, "블랙 / L", extra=2000, stock=5)
    tumbler = product_with_options(
        busan, name="보온 텀블러", slug="tumbler", price=18000, groups={"용량": ["350ml", "500ml"]}
    )
    large_tumbler = set_variant(tumbler, "500ml", extra=3000, stock=4)

    # 1. The guest adds one shirt (39,000 + 2,000) and two tumblers (2 x (18,000 + 3,000)).
    guest = page
    add_to_cart(
        guest,
        shirt,
        ["블랙", "L"],
        quantity=1,
        price="41,000원",
        total="41,000원",
        before_adding=lambda: shot(guest, "product-shirt"),
    )
    add_to_cart(
        guest,
        tumbler,
        ["500ml"],
        quantity=2,
        price="21,000원",
        total="42,000원",
        before_adding=lambda: shot(guest, "product-tumbler"),
    )
    expect(guest.locator("#cart-count")).to_have_text("2")

    # 2. The cart: one group per vendor with its shipping fee, mainland quote.
    guest.goto("/cart/")
    groups = guest.locator("section.cart-group")
    expect(groups.locator(".cart-group__vendor")).to_have_text(["서울마켓", "부산상회"])
    seoul_group = groups.filter(has_text="서울마켓")
    busan_group = groups.filter(has_text="부산상회")
    expect(seoul_group.locator(".parcel__fee strong")).to_have_text("3,000원")
    expect(seoul_group.locator(".group-shipping__total strong")).to_have_text("44,000원")
    expect(busan_group.locator(".parcel__fee strong")).to_have_text("3,500원")
    expect(busan_group.locator(".group-shipping__total strong")).to_have_text("45,500원")
    expect(guest.locator("#order-total")).to_have_text("89,500원")
    shot(guest, "cart")
    guest.locator("a.cart-totals__order").click()

    # Checkout: orderer and recipient; the Jeju postcode re-quotes the summary (htmx).
    expect(guest).to_have_url(re.compile(r"/checkout/$"))
    expect(guest.locator("#order-total")).to_have_text("89,500원")
    expect(guest.locator(".breakdown--jeju_surcharge")).to_have_count(0)
    guest.locator("#id_orderer_name").fill("김주문")
    guest.locator("#id_orderer_email").fill("guest@example.com")
    guest.locator("#id_orderer_phone").fill("010-1234-5678")
    guest.locator("#id_recipient_name").fill("이수령")
    guest.locator("#id_recipient_phone").fill("010-8765-4321")
    guest.locator("#id_postcode").fill(JEJU_POSTCODE)
    guest.locator("#id_postcode").press("Tab")  # "change" fires: the summary is asked again
    summary = guest.locator("#checkout-summary")
    expect(summary.locator(".summary__where")).to_contain_text(JEJU_POSTCODE)
    surcharges = summary.locator(".breakdown--jeju_surcharge")
    expect(surcharges).to_have_count(2)  # one per vendor
    expect(surcharges.first).to_contain_text("제주")
    expect(surcharges.first).to_contain_text("3,000원")
    expect(guest.locator("#order-total")).to_have_text("95,500원")  # 89,500 + 2 x 3,000
    guest.locator("#id_road_address").fill("제주특별자치도 제주시 첨단로 242")
    guest.locator("#id_detail_address").fill("2층")
    guest.locator("#id_delivery_memo").fill("경비실에 맡겨 주세요")
    guest.locator("input[name=payment_method][value=bank_transfer]").check()
    guest.locator("#id_depositor_name").fill("김주문")
    shot(guest, "checkout-jeju")
    guest.locator("button[name=action][value=place]").click()

    # The complete page: amount, account and deadline to deposit, the order link.
    expect(guest).to_have_url(re.compile(r"/orders/[^/]+/complete/$"))
    order = Order.objects.get()
    expect(guest.locator(".order-number strong")).to_have_text(order.number)
    bank = guest.locator(".bank-box")
    expect(bank).to_contain_text("95,500원")
    expect(bank).to_contain_text(BANK_ACCOUNT)
    deadline = timezone.localtime(order.deposit_deadline).strftime("%Y-%m-%d %H:%M")
    expect(bank.locator("time")).to_have_text(deadline)
    lookup_link = guest.locator("#lookup-url").input_value()
    assert lookup_link.startswith(f"{live_server.url}/orders/lookup/{order.number}/")
    shot(guest, "complete")
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.total_amount == Decimal(95500)
    assert order.postcode == JEJU_POSTCODE

    # 3. Staff confirm the deposit on the order page of the admin.
    admin = desktop_page
    sign_in(admin, staff.email, "/admin/")
    admin.goto("/admin/orders/order/")
    admin.locator("#result_list").get_by_role("link", name=order.number).click()
    transitions = admin.locator("#order-transitions")
    expect(transitions).to_contain_text("95,500원")
    shot(admin, "admin-order-pending")
    transitions.locator("form[action$='/do/deposit/'] button").click()
    expect(admin.locator("ul.messagelist .success")).to_contain_text(order.number)
    expect(admin.locator("form[action$='/do/deposit/']")).to_have_count(0)
    shot(admin, "admin-order-paid")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    # 4. Each vendor's owner ships their own part; 서울마켓's parcel is then delivered.
    sign_in(seller_page, seoul_owner.user.email, "/seller/")
    ship_part(seller_page, order.number, "cj", "123456789012")
    expect(seller_page.locator("body")).not_to_contain_text("보온 텀블러")  # not theirs
    shot(seller_page, "seller-shipped")
    seller_page.locator("#shipment-transitions form[action$='/do/deliver/'] button").click()
    expect(seller_page.locator("ul.messagelist .success")).to_be_visible()
    expect(seller_page.locator("#shipment-transitions")).to_have_count(0)  # nothing left to do
    shot(seller_page, "seller-delivered")

    sign_in(other_seller_page, busan_owner.user.email, "/seller/")
    ship_part(other_seller_page, order.number, "hanjin", "987654321098")
    expect(other_seller_page.locator("body")).not_to_contain_text("린넨 셔츠")
    shot(other_seller_page, "other-seller-shipped")

    # 5. The guest follows the order link: both parcels with their waybills.
    guest.goto(lookup_link)
    expect(guest).to_have_url(re.compile(rf"/orders/guest/{order.number}/$"))  # token dropped
    parts = guest.locator("section.order-part")
    seoul_part = parts.filter(has_text="서울마켓")
    busan_part = parts.filter(has_text="부산상회")
    expect(seoul_part.locator("h2 .status")).to_have_class(re.compile(r"status--delivered"))
    expect(seoul_part.locator(".tracking")).to_contain_text("123456789012")
    expect(seoul_part.locator(".tracking")).to_contain_text("CJ")
    expect(busan_part.locator("h2 .status")).to_have_class(re.compile(r"status--shipped"))
    expect(busan_part.locator(".tracking")).to_contain_text("987654321098")
    expect(busan_part.locator("form[action$='/confirm/']")).to_have_count(0)  # not delivered
    shot(guest, "guest-order-delivered")
    seoul_part.locator("form[action$='/confirm/'] button").click()
    expect(guest.locator(".messages .message--success")).to_be_visible()
    expect(seoul_part.locator("h2 .status")).to_have_class(
        re.compile(r"status--purchase_confirmed")
    )
    expect(seoul_part.locator("form[action$='/confirm/']")).to_have_count(0)
    shot(guest, "guest-purchase-confirmed")

    assert page_errors == []
    assert admin.page_errors == []
    assert seller_page.page_errors == []
    assert other_seller_page.page_errors == []

    # What the database holds at the end.
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED  # its least advanced part
    shipments = {part.vendor_id: part for part in order.shipments.all()}
    seoul_shipment, busan_shipment = shipments[seoul.pk], shipments[busan.pk]
    assert seoul_shipment.status == VendorShipment.Status.PURCHASE_CONFIRMED
    assert (seoul_shipment.carrier, seoul_shipment.tracking_number) == ("cj", "123456789012")
    assert seoul_shipment.shipping_fee == Decimal(6000)  # 3,000 + 3,000 to Jeju
    assert busan_shipment.status == VendorShipment.Status.SHIPPED
    assert (busan_shipment.carrier, busan_shipment.tracking_number) == ("hanjin", "987654321098")
    assert busan_shipment.shipping_fee == Decimal(6500)  # 3,500 + 3,000 to Jeju
    black_large.refresh_from_db()
    large_tumbler.refresh_from_db()
    assert (black_large.stock, large_tumbler.stock) == (4, 2)
    confirmed = AuditEvent.objects.filter(event_type="orders.PurchaseConfirmed")
    assert confirmed.count() == 1
    assert confirmed.get().payload["vendor_id"] == seoul.pk
    assert confirmed.get().payload["gross_amount"] == "41000"
