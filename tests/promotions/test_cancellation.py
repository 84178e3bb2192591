"""Cancellation gives coupons and points back exactly once; refunds are what was paid;
confirmation earns points at the grade rate and books the vendor's discount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import MemberGrade
from orders import services
from orders.events import PurchaseConfirmed
from orders.exceptions import TransitionError
from orders.listeners import earn_points_on_confirmation
from orders.models import Order, Refund
from promotions.models import Coupon, CouponRedemption, PointAccount, PointEntry, UserCoupon
from shop.models import AuditEvent
from tests.orders.helpers import vendor_with_policy
from tests.promotions.factories import CouponFactory, UserCouponFactory
from tests.promotions.helpers import give_points, member_cart, place_member, priced
from vendors import services as vendor_services
from vendors.models import SettlementEntry

pytestmark = pytest.mark.django_db

FREE = {"base_fee": Decimal(0)}


def balance(user) -> int:
    return PointAccount.objects.get(user=user).balance


def ledger(user) -> int:
    return sum(PointEntry.objects.filter(user=user).values_list("amount", flat=True))


def order_with_discounts(
    user, *, quantity=1, price=10000, coupon_amount=3000, points=1500, **coupon
):
    variant = priced(price, vendor=vendor_with_policy(**FREE), stock=10)
    held = UserCouponFactory(
        user=user, coupon=CouponFactory(amount=Decimal(coupon_amount), **coupon)
    )
    give_points(user, 5000)
    order = place_member(
        member_cart(user, (variant, quantity)), user, coupon=held.pk, points=points
    ).order
    return order, held


def assert_coupon_free(held: UserCoupon) -> None:
    held.refresh_from_db()
    assert held.used_at is None
    assert held.order_id is None
    assert Coupon.objects.get(pk=held.coupon_id).redeemed_count == 0


def test_cancelling_an_unpaid_order_gives_back_coupon_and_points_once(user) -> None:
    order, held = order_with_discounts(user)
    assert balance(user) == 3500

    services.cancel_order(order_id=order.pk, shopper=user)
    with pytest.raises(TransitionError):
        services.cancel_order(order_id=order.pk, shopper=user)

    assert_coupon_free(held)
    assert CouponRedemption.objects.get(order_id=order.pk).released_at is not None
    assert balance(user) == 5000 == ledger(user)
    assert PointEntry.objects.filter(user=user, kind=PointEntry.Kind.RESTORE).count() == 1


def test_an_expired_unpaid_order_gives_them_back_too(user) -> None:
    order, held = order_with_discounts(user)
    Order.objects.filter(pk=order.pk).update(payment_expires_at=order.placed_at)

    services.expire_order(order_id=order.pk)

    assert_coupon_free(held)
    assert balance(user) == 5000


def test_cancelling_a_paid_order_refunds_the_money_paid_and_returns_the_points(user) -> None:
    order, held = order_with_discounts(user)
    assert order.total_amount == Decimal(5500)
    services.mark_deposit_confirmed(order_id=order.pk)

    services.cancel_order(order_id=order.pk)

    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal(5500)  # the money paid, not the list price
    assert refund.points_amount == Decimal(1500)
    assert refund.items_amount == Decimal(7000)
    assert_coupon_free(held)
    assert balance(user) == 5000 == ledger(user)


def test_partial_cancellation_gives_back_shares_in_proportion_and_the_rest_last(user) -> None:
    # 3 x 10,000, coupon 3,000 and 1,500 points on the one line: 1,000 and 500 per item.
    order, held = order_with_discounts(user, quantity=3, coupon_amount=3000, points=1500)
    services.mark_deposit_confirmed(order_id=order.pk)
    line = order.lines.get()

    services.partial_cancel(order_id=order.pk, quantities={line.pk: 1})
    first = Refund.objects.get(order=order)
    assert (first.items_amount, first.points_amount, first.amount) == (9000, 500, 8500)
    held.refresh_from_db()
    assert held.order_id == order.pk  # a partial cancellation keeps the coupon used

    services.partial_cancel(order_id=order.pk, quantities={line.pk: 2})
    refunds = Refund.objects.filter(order=order)
    assert sum(r.amount for r in refunds) == order.total_amount
    assert sum(r.points_amount for r in refunds) == order.points_amount
    assert balance(user) == 3500 + 1500 == ledger(user)
    assert_coupon_free(held)  # the whole order ended cancelled


def test_partial_cancellation_of_an_unpaid_order_shrinks_every_amount(user) -> None:
    order, _held = order_with_discounts(user, quantity=3, coupon_amount=3000, points=1500)
    line = order.lines.get()

    services.partial_cancel(order_id=order.pk, quantities={line.pk: 1})

    order.refresh_from_db()
    assert order.discount_amount == Decimal(2000)
    assert order.points_amount == Decimal(1000)
    assert order.total_amount == Decimal(20000 - 2000 - 1000)
    assert balance(user) == 3500 + 500 == ledger(user)


def confirm(order):
    shipment = order.shipments.get()
    services.mark_deposit_confirmed(order_id=order.pk)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="1234567890")
    services.mark_delivered(shipment_id=shipment.pk)
    services.confirm_purchase(shipment_id=shipment.pk)
    row = AuditEvent.objects.filter(event_type=PurchaseConfirmed.name).latest("pk")
    return PurchaseConfirmed(**row.payload)


def test_confirmation_earns_points_at_the_grade_rate_once(user) -> None:
    user.grade = MemberGrade.objects.create(
        code="gold-test", name="GOLD", position=80, point_rate=Decimal("0.02")
    )
    user.save(update_fields=["grade"])
    order, _held = order_with_discounts(user, quantity=1, price=20000, coupon_amount=2000, points=0)
    event = confirm(order)
    assert event.paid_amount == "18000"

    earn_points_on_confirmation(event)
    earn_points_on_confirmation(event)  # the outbox may deliver twice

    earned = PointEntry.objects.get(
        user=user, kind=PointEntry.Kind.EARN, source__startswith="purchase"
    )
    assert earned.amount == 360  # 2% of 18,000


def test_a_vendor_coupon_lowers_the_vendors_sale_a_platform_coupon_does_not(user) -> None:
    seller = vendor_with_policy(**FREE)
    variant = priced(20000, vendor=seller)
    vendor_coupon = UserCouponFactory(
        user=user, coupon=CouponFactory(vendor=seller, amount=Decimal(2000))
    )
    order = place_member(member_cart(user, (variant, 1)), user, coupon=vendor_coupon.pk).order
    event = confirm(order)
    vendor_services.record_purchase_confirmed(
        order_id=event.order_id,
        order_line_ids=event.order_line_ids,
        vendor_id=event.vendor_id,
        gross_amount=event.gross_amount,
        shipping_amount=event.shipping_amount,
        confirmed_at=event.confirmed_at,
        vendor_discount_amount=event.vendor_discount_amount,
    )
    sale = SettlementEntry.objects.get(order_id=order.pk, kind=SettlementEntry.Kind.SALE)
    assert sale.amount == Decimal(18000)
    assert "2,000" in sale.description

    other = priced(20000, vendor=seller)
    platform = UserCouponFactory(user=user, coupon=CouponFactory(amount=Decimal(2000)))
    second = place_member(member_cart(user, (other, 1)), user, coupon=platform.pk).order
    event = confirm(second)
    assert event.gross_amount == "20000"
    assert event.paid_amount == "18000"


def test_a_return_refunds_its_share_less_the_return_fee_and_returns_its_points(user) -> None:
    # 2 x 10,000 with the vendor's coupon of 2,000 and 1,000 points; the return fee is 3,000.
    seller = vendor_with_policy(base_fee=Decimal(0), return_fee=Decimal(3000))
    variant = priced(10000, vendor=seller)
    held = UserCouponFactory(user=user, coupon=CouponFactory(vendor=seller, amount=Decimal(2000)))
    give_points(user, 5000)
    order = place_member(member_cart(user, (variant, 2)), user, coupon=held.pk, points=1000).order
    shipment = order.shipments.get()
    services.mark_deposit_confirmed(order_id=order.pk)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="1234567890")
    services.mark_delivered(shipment_id=shipment.pk)
    line = order.lines.get()

    claim = services.request_claim(
        shipment_id=shipment.pk, kind="return", quantities={line.pk: 1}, reason="변심", shopper=user
    )
    services.mark_returned(claim_id=claim.pk)

    refund = Refund.objects.get(order=order)
    assert refund.items_amount == Decimal(9000)  # 10,000 less its 1,000 of the coupon
    assert refund.points_amount == Decimal(500)
    assert refund.deduction_amount == Decimal(3000)
    assert refund.amount == Decimal(9000 - 500 - 3000)
    assert refund.vendor_parts[str(seller.pk)]["amount"] == "9000"  # the vendor bore it
    assert balance(user) == 5000 - 1000 + 500 == ledger(user)
