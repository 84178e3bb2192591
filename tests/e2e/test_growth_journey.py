"""A new shopper's whole journey through the growth features, in Chromium on a phone.

The visitor signs up with Kakao (the Kakao Login emulator on the live server), downloads
a coupon in the coupon zone, buys with the coupon and points and pays with KakaoPay (its
emulator, asked for the discounted total), confirms the purchase once the parcel has
arrived, writes a review with a photo, and sees the points of the purchase and of the
review arrive in my page. Only what staff and the vendor do between those steps (give
the welcome points, ship, deliver) is done through the services.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts.models import User
from accounts.selectors import member_benefits
from orders import services as order_services
from orders.models import Order
from payments.emulators import state
from promotions.models import Coupon, PointEntry, UserCoupon
from promotions.services import adjust_points
from tests.accounts.factories import MemberGradeFactory, UserFactory
from tests.catalog import media_files
from tests.e2e.test_catalog import serve_media
from tests.e2e.test_orders import add_to_cart, from_the_top, product_with_options
from tests.promotions.factories import CouponFactory
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

WELCOME_POINTS = 3000
POINTS_USED = 2000
PRICE = 30000


@pytest.fixture
def shop_here(live_server, settings, tmp_path):
    """Every provider's emulator is /sandbox/ of this live server; media under tmp."""
    settings.SITE_URL = live_server.url
    settings.KAKAOPAY_BASE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    state.reset("kakaopay")
    return settings.MEDIA_ROOT


def sign_up_with_kakao(page, shot, email: str) -> User:
    page.goto("/accounts/login/")
    page.locator('a[href*="/accounts/kakao/login/"]').first.click()
    # allauth asks to confirm with a POST (no login on a plain GET link).
    page.locator("form[method=post]:not(.language-switch) button[type=submit]").click()
    page.wait_for_url(lambda url: "/sandbox/kakao/kauth/oauth/authorize" in url)
    page.fill("#email", email)
    page.fill("#nickname", "여정친구")
    shot(page, "kakao-consent")
    page.get_by_role("button", name="동의하고 계속하기").click()
    page.wait_for_url(lambda url: "/accounts/3rdparty/signup/" in url)
    page.fill('input[name="name"]', "김여정")
    page.check('input[name="agree_terms"]')
    page.check('input[name="agree_privacy"]')
    page.locator("form[method=post]:has(input[name=agree_terms]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/signup/" not in url)
    return User.objects.get(email=email)


def balance_shown(page) -> int:
    page.goto("/my/points/")
    return int(page.locator(".points-balance strong").inner_text().replace(",", ""))


def test_a_kakao_shopper_buys_with_a_coupon_and_points_and_is_rewarded_for_a_photo_review(
    page, shop_here, screenshot, page_errors, tmp_path, live_server, transactional_db
) -> None:
    shot = from_the_top(screenshot)
    vendor = VendorFactory(name="서울마켓")
    ShippingPolicyFactory(vendor=vendor, fee_type="fixed", base_fee=Decimal(3000))
    shirt = product_with_options(
        vendor, name="린넨 셔츠", slug="linen-shirt", price=PRICE, groups={"사이즈": ["M"]}
    )
    coupon = CouponFactory(
        name="첫 구매 10% 할인", kind=Coupon.Kind.PERCENT, percent=Decimal(10), amount=0
    )
    MemberGradeFactory(
        code="basic", name="일반", discount_rate=Decimal("0.01"), point_rate=Decimal("0.02")
    )
    staff = UserFactory(email="md@shop.example", is_staff=True, is_superuser=True)

    # 1. Sign up with Kakao; staff give the welcome points.
    shopper = sign_up_with_kakao(page, shot, "journey@example.com")
    adjust_points(user=shopper, amount=WELCOME_POINTS, reason="가입 축하", staff=staff)
    assert balance_shown(page) == WELCOME_POINTS

    # 2. Download the coupon in the coupon zone.
    page.goto("/coupons/")
    card = page.locator(f"#coupon-{coupon.pk}")
    card.get_by_role("button").click()
    expect(page.locator(f"#coupon-{coupon.pk} .badge")).to_be_visible()  # in the wallet
    shot(page, "coupon-zone")
    held = UserCoupon.objects.get(user=shopper, coupon=coupon)

    # 3. Buy with the coupon and points; pay the rest with KakaoPay.
    add_to_cart(
        page,
        shirt,
        ["M"],
        quantity=1,
        price="30,000원",
        total="30,000원",
        before_adding=lambda: shot(page, "product"),
    )
    page.goto("/checkout/")
    page.locator("#id_orderer_phone").fill("010-1234-5678")
    page.locator("#id_recipient_name").fill("김여정")
    page.locator("#id_recipient_phone").fill("010-1234-5678")
    page.locator("#id_postcode").fill("06236")
    page.locator("#id_road_address").fill("서울특별시 강남구 테헤란로 152")
    page.locator("#id_detail_address").fill("12층")
    page.locator("#id_coupon").select_option(str(held.pk))
    page.locator("#id_points").fill(str(POINTS_USED))
    page.locator(".checkout__discounts button[value=recalculate]").click()  # review the total
    expect(page.locator(".amounts").first).to_contain_text(f"{POINTS_USED:,}원")
    page.locator("input[name=payment_method][value=kakaopay]").check()
    shot(page, "checkout")
    page.locator("button[name=action][value=place]").click()

    expect(page).to_have_url(re.compile(r"/sandbox/kakaopay/pay/[^/]+/$"))
    order = Order.objects.get()
    grade_discount = (PRICE * member_benefits(shopper).discount_rate).quantize(Decimal(1))
    assert order.points_amount == POINTS_USED
    assert order.coupon_discount_amount == ((PRICE - grade_discount) / 10).quantize(Decimal(1))
    assert order.total_amount == (
        PRICE + 3000 - grade_discount - order.coupon_discount_amount - POINTS_USED
    )
    expect(page.locator("[data-testid=amount]")).to_have_text(f"{order.total_amount:,}원")
    shot(page, "kakaopay-sheet")
    page.get_by_role("button", name="결제하기").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.number}/complete/$"))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert balance_shown(page) == WELCOME_POINTS - POINTS_USED

    # 4. The vendor ships, the parcel arrives; the shopper confirms the purchase.
    shipment = order.shipments.get()
    order_services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="123456789012")
    order_services.mark_delivered(shipment_id=shipment.pk)
    page.goto(f"/my/orders/{order.number}/")
    page.locator("form[action$='/confirm/'] button").click()
    expect(page.locator(".messages .message--success")).to_be_visible()
    shot(page, "purchase-confirmed")
    purchase_points = PointEntry.objects.get(user=shopper, source__startswith="purchase:")
    # 2 % of what was paid for the line, rounded down to a point.
    assert purchase_points.amount == int(order.total_amount - 3000) * 2 // 100
    assert balance_shown(page) == WELCOME_POINTS - POINTS_USED + purchase_points.amount

    # 5. A review with a photo; its points arrive.
    photo = tmp_path / "shirt.jpg"
    photo.write_bytes(media_files.image_bytes(1200, 900))
    serve_media(page, live_server.url, shop_here)
    page.goto("/my/reviews/")
    page.locator("a[href^='/my/reviews/write/']").first.click()
    page.locator("input[name=rating][value='5']").check()
    page.locator("textarea[name=text]").fill("핏이 좋아요")
    page.locator("input[name=photos]").set_input_files(str(photo))
    page.locator("form.review-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/my/reviews/")

    page.goto("/my/points/")
    expect(page.locator(".points-ledger")).to_contain_text(
        str(django_settings.REVIEWS_PHOTO_POINTS)
    )
    shot(page, "points")
    assert balance_shown(page) == (
        WELCOME_POINTS - POINTS_USED + purchase_points.amount + django_settings.REVIEWS_PHOTO_POINTS
    )
    assert page_errors == []
