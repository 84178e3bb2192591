"""Coupons, grade discount and points at checkout: stacking, reasons, amounts, tax-free part."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.models import MemberGrade
from orders.exceptions import OrderError, OrderErrorCode
from orders.models import Order
from promotions import services as promotions
from promotions.models import Coupon, CouponRedemption, PointAccount, UserCoupon
from tests.catalog.factories import CategoryFactory
from tests.orders.helpers import vendor_with_policy
from tests.promotions.factories import CouponFactory, UserCouponFactory
from tests.promotions.helpers import give_points, member_cart, place_member, priced, review

pytestmark = pytest.mark.django_db

FREE = {"base_fee": Decimal(0)}


def wallet(user, **coupon) -> UserCoupon:
    return UserCouponFactory(user=user, coupon=CouponFactory(**coupon))


def test_a_fixed_coupon_comes_off_the_total_and_is_used_once(user) -> None:
    variant = priced(20000, vendor=vendor_with_policy(**FREE))
    held = wallet(user, amount=Decimal(3000))
    cart = member_cart(user, (variant, 1))

    order = place_member(cart, user, coupon=held.pk).order

    assert order.discount_amount == order.coupon_discount_amount == Decimal(3000)
    assert order.total_amount == Decimal(17000)
    assert order.coupon_bearer == "platform"
    line = order.lines.get()
    assert line.discount_amount == Decimal(3000)
    assert line.vendor_discount_amount == 0
    held.refresh_from_db()
    assert held.order_id == order.pk
    assert Coupon.objects.get(pk=held.coupon_id).redeemed_count == 1
    assert CouponRedemption.objects.get(order_id=order.pk).amount == Decimal(3000)
    from shop.models import AuditEvent

    placed = AuditEvent.objects.get(event_type="orders.OrderPlaced").payload
    assert (placed["discount_amount"], placed["user_coupon_id"]) == ("3000", held.pk)


def test_a_percent_coupon_is_capped(user) -> None:
    variant = priced(100000, vendor=vendor_with_policy(**FREE))
    held = wallet(user, kind=Coupon.Kind.PERCENT, percent=Decimal(10), max_discount=Decimal(5000))
    view = review(member_cart(user, (variant, 1)), user, coupon=held.pk)
    assert view.coupon_discount_amount == Decimal(5000)
    assert view.total_amount == Decimal(95000)


def test_the_minimum_order_gives_a_reason_and_placing_is_refused(user) -> None:
    variant = priced(9000, vendor=vendor_with_policy(**FREE))
    held = wallet(user, min_order_amount=Decimal(10000))
    cart = member_cart(user, (variant, 1))

    view = review(cart, user, coupon=held.pk)
    assert view.coupon is None
    assert "1,000원" in view.coupon_problem
    assert view.total_amount == Decimal(9000)
    with pytest.raises(OrderError) as error:
        place_member(cart, user, coupon=held.pk)
    assert error.value.code == OrderErrorCode.INVALID_DISCOUNT
    assert "coupon" in error.value.fields
    assert not Order.objects.exists()


def test_scope_by_product_category_and_vendor(user) -> None:
    seller = vendor_with_policy(**FREE)
    covered = priced(10000, vendor=seller)
    other = priced(10000, vendor=vendor_with_policy(**FREE))
    category = CategoryFactory()
    covered.product.categories.add(category)
    cart = member_cart(user, (covered, 1), (other, 1))

    by_product = wallet(user, amount=Decimal(20000))
    by_product.coupon.products.add(covered.product)
    by_category = wallet(user, amount=Decimal(20000))
    by_category.coupon.categories.add(category)
    by_vendor = wallet(user, amount=Decimal(20000))
    by_vendor.coupon.vendors.add(seller)

    for held in (by_product, by_category, by_vendor):
        view = review(cart, user, coupon=held.pk)
        assert view.coupon_discount_amount == Decimal(10000), held  # never more than covered
        shares = {line.line_id: view.discounts.line_discount(line.line_id) for line in view.lines}
        assert shares[view.lines[1].line_id] == 0


def test_a_coupon_covering_nothing_says_so(user) -> None:
    variant = priced(10000)
    held = wallet(user)
    held.coupon.products.add(priced(5000).product)
    view = review(member_cart(user, (variant, 1)), user, coupon=held.pk)
    assert view.coupon is None
    assert view.coupon_problem


def test_a_vendor_coupon_is_borne_by_the_vendor(user) -> None:
    seller = vendor_with_policy(**FREE)
    variant = priced(20000, vendor=seller)
    held = wallet(user, vendor=seller, amount=Decimal(2000))
    order = place_member(member_cart(user, (variant, 1)), user, coupon=held.pk).order
    assert order.coupon_bearer == "vendor"
    shipment = order.shipments.get()
    assert shipment.vendor_discount_amount == Decimal(2000)
    assert order.lines.get().vendor_discount_amount == Decimal(2000)


def test_expired_not_started_and_used_up_coupons_are_refused(user) -> None:
    variant = priced(10000)
    cart = member_cart(user, (variant, 1))
    now = timezone.now()
    expired = wallet(user, ends_at=now - timedelta(minutes=1), starts_at=now - timedelta(days=2))
    later = wallet(user, starts_at=now + timedelta(days=1))
    used_up = wallet(user, usage_limit=1)
    Coupon.objects.filter(pk=used_up.coupon_id).update(redeemed_count=1)
    for held in (expired, later, used_up):
        assert review(cart, user, coupon=held.pk).coupon_problem


def test_another_members_coupon_is_not_yours(user, other_user) -> None:
    held = wallet(other_user)
    view = review(member_cart(user, (priced(10000), 1)), user, coupon=held.pk)
    assert view.coupon is None
    assert view.coupon_problem


def test_free_shipping_keeps_the_remote_surcharge_unless_configured(user) -> None:
    seller = vendor_with_policy(base_fee=Decimal(3000), jeju_surcharge=Decimal(3000))
    variant = priced(10000, vendor=seller)
    cart = member_cart(user, (variant, 1))
    keeps = wallet(user, kind=Coupon.Kind.FREE_SHIPPING)
    waives = wallet(user, kind=Coupon.Kind.FREE_SHIPPING, waives_remote_surcharge=True)

    jeju = "63000"
    kept = review(cart, user, coupon=keeps.pk, postcode=jeju)
    waived = review(cart, user, coupon=waives.pk, postcode=jeju)

    assert kept.shipping_amount == Decimal(6000)
    assert kept.coupon_discount_amount == Decimal(3000)
    assert waived.coupon_discount_amount == Decimal(6000)
    order = place_member(cart, user, coupon=keeps.pk, postcode=jeju).order
    assert order.total_amount == Decimal(13000)
    assert order.shipments.get().shipping_discount == Decimal(3000)


def test_grade_discount_then_coupon_then_points(user) -> None:
    grade = MemberGrade.objects.create(
        code="vip-test", name="VIP", position=90, discount_rate=Decimal("0.05")
    )
    user.grade = grade
    user.save(update_fields=["grade"])
    variant = priced(100000, vendor=vendor_with_policy(**FREE))
    held = wallet(user, kind=Coupon.Kind.PERCENT, percent=Decimal(10))
    give_points(user, 5000)
    cart = member_cart(user, (variant, 1))

    order = place_member(cart, user, coupon=held.pk, points=5000).order

    assert order.grade_discount_amount == Decimal(5000)  # 5% of 100,000
    assert order.coupon_discount_amount == Decimal(9500)  # 10% of 95,000
    assert order.points_amount == Decimal(5000)
    assert order.total_amount == Decimal(80500)
    assert PointAccount.objects.get(user=user).balance == 0


@override_settings(PROMOTIONS_POINTS_MIN_BALANCE=1000, PROMOTIONS_POINTS_MAX_SHARE_PERCENT=50)
def test_points_limits_give_reasons(user) -> None:
    cart = member_cart(user, (priced(10000, vendor=vendor_with_policy(**FREE)), 1))
    give_points(user, 900)
    assert "1,000" in review(cart, user, points=500).points_problem
    give_points(user, 9100, source="more")
    assert "5,000" in review(cart, user, points=6000).points_problem
    assert review(cart, user, points="abc").points_problem
    view = review(cart, user, points=5000)
    assert view.points_problem == ""
    assert view.total_amount == Decimal(5000)


def test_guests_cannot_use_coupons_or_points() -> None:
    from tests.orders.helpers import guest_cart

    cart = guest_cart("g-1")
    from orders import services

    services.add_to_cart(cart=cart, variant_id=priced(10000).pk, quantity=1)
    view = review(cart, None, coupon="1", points=100)
    assert view.coupon_problem
    assert view.points_problem
    assert view.discount_amount == 0


def test_discounts_reduce_the_tax_free_part_in_proportion(user) -> None:
    seller = vendor_with_policy(**FREE)
    taxed = priced(30000, vendor=seller)
    tax_free = priced(10000, vendor=seller, is_tax_free=True)
    held = wallet(user, amount=Decimal(4000))
    give_points(user, 2000)
    cart = member_cart(user, (taxed, 1), (tax_free, 1))

    order = place_member(cart, user, coupon=held.pk, points=2000).order

    # Coupon 4,000 → 3,000 / 1,000; points 2,000 over 27,000 / 9,000 → 1,500 / 500.
    assert order.total_amount == Decimal(34000)
    assert order.tax_free_amount == Decimal(8500)
    assert order.vat_amount == Decimal(2318)  # (34,000 - 8,500) / 11, rounded half up
    assert sum(line.live_paid_amount for line in order.lines.all()) == order.total_amount


def test_a_coupon_used_by_another_order_meanwhile_refuses_the_second(user) -> None:
    variant = priced(10000, stock=5)
    held = wallet(user)
    cart = member_cart(user, (variant, 1))
    token = review(cart, user, coupon=held.pk).token
    place_member(cart, user, coupon=held.pk)
    cart = member_cart(user, (variant, 1))
    from orders import services
    from tests.orders.helpers import DETAILS

    with pytest.raises(OrderError) as error:
        services.place_order(
            cart=cart, details={**DETAILS, "coupon": held.pk}, cart_token=token, user=user
        )
    assert "coupon" in error.value.fields


def test_download_zone_issue_once_and_per_customer_limit(user) -> None:
    coupon = CouponFactory(per_customer_limit=1)
    promotions.download_coupon(coupon_id=coupon.pk, user=user)
    with pytest.raises(promotions.coupons.PromotionError):
        promotions.download_coupon(coupon_id=coupon.pk, user=user)
    assert UserCoupon.objects.filter(user=user, coupon=coupon).count() == 1


def test_the_payment_asks_the_provider_for_the_discounted_total(user) -> None:
    from payments.providers.registry import get_provider
    from payments.services.intents import amounts_for

    seller = vendor_with_policy(**FREE)
    held = wallet(user, amount=Decimal(4000))
    give_points(user, 2000)
    cart = member_cart(
        user, (priced(30000, vendor=seller), 1), (priced(10000, vendor=seller, is_tax_free=True), 1)
    )
    order = place_member(cart, user, coupon=held.pk, points=2000, payment_method="kakaopay").order

    amounts = amounts_for(order, get_provider("kakaopay"))

    assert amounts["amount"] == Decimal(34000) == order.total_amount
    assert amounts["tax_free_amount"] == Decimal(8500)
    assert amounts["vat_amount"] == Decimal(2318)
