"""The order's transitions: each allowed one, refused ones change nothing, stock returns once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from catalog.models import Variant
from orders import services, tasks
from orders.exceptions import OrderError, TransitionError
from orders.models import Order, OrderLine, Refund, VendorShipment
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.orders.helpers import (
    guest_cart,
    paid_order,
    place,
    placed_order,
    variant_of,
    vendor_with_policy,
)

pytestmark = pytest.mark.django_db


def events(name: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True))


def shipment_of(order: Order) -> VendorShipment:
    return VendorShipment.objects.get(order=order)


def test_deposit_confirmation_pays_the_order_once():
    order, _variant = placed_order()
    services.mark_deposit_confirmed(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert shipment_of(order).status == VendorShipment.Status.PAID
    with pytest.raises(TransitionError):
        services.mark_deposit_confirmed(order_id=order.pk)
    assert len(events("orders.OrderPaid")) == 1


def test_payment_with_another_amount_never_marks_paid():
    order, _variant = placed_order()
    with pytest.raises(OrderError):
        services.mark_paid(order_id=order.pk, amount=order.total_amount - 1)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_full_happy_path_to_purchase_confirmed_with_the_settlement_event():
    order, _variant = paid_order(quantity=2)
    shipment = shipment_of(order)
    services.start_preparing(shipment_id=shipment.pk)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="6123-4567-8901")
    shipment.refresh_from_db()
    assert shipment.tracking_number == "612345678901"
    assert "612345678901" in shipment.tracking_url
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    services.mark_delivered(shipment_id=shipment.pk)
    services.confirm_purchase(shipment_id=shipment.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.PURCHASE_CONFIRMED
    assert set(OrderLine.objects.values_list("status", flat=True)) == {"purchase_confirmed"}
    [confirmed] = events("orders.PurchaseConfirmed")
    assert confirmed["gross_amount"] == "20000"
    assert confirmed["shipping_amount"] == "3000"
    assert confirmed["vendor_id"] == shipment.vendor_id
    assert len(events("orders.OrderShipped")) == 1


@pytest.mark.parametrize(
    "action",
    [
        lambda s: services.ship(shipment_id=s.pk, carrier="cj", tracking_number="123456789"),
        lambda s: services.start_preparing(shipment_id=s.pk),
        lambda s: services.mark_delivered(shipment_id=s.pk),
        lambda s: services.confirm_purchase(shipment_id=s.pk),
    ],
)
def test_an_unpaid_order_cannot_move_on(action):
    order, _variant = placed_order()
    with pytest.raises(TransitionError):
        action(shipment_of(order))
    assert shipment_of(order).status == VendorShipment.Status.PENDING_PAYMENT


def test_a_cancelled_order_cannot_be_shipped_or_paid():
    order, _variant = placed_order()
    services.cancel_order(order_id=order.pk, reason="변심")
    shipment = shipment_of(order)
    with pytest.raises(TransitionError) as refused, translation.override("en"):
        services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="123456789")
    # Staff read the statuses by their labels, not their codes.
    assert "“Cancelled”" in refused.value.message
    assert "“Shipped”" in refused.value.message
    with pytest.raises(TransitionError):
        services.mark_deposit_confirmed(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_a_shipped_order_cannot_be_cancelled_or_partly_cancelled():
    order, variant = paid_order(quantity=2)
    shipment = shipment_of(order)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="123456789")
    with pytest.raises(TransitionError):
        services.cancel_order(order_id=order.pk)
    line = OrderLine.objects.get()
    with pytest.raises(TransitionError):
        services.partial_cancel(order_id=order.pk, quantities={line.pk: 1})
    line.refresh_from_db()
    assert line.cancelled_quantity == 0
    assert Variant.objects.get(pk=variant.pk).stock == 8


def test_bad_tracking_input_is_refused():
    order, _variant = paid_order()
    shipment = shipment_of(order)
    with pytest.raises(OrderError) as error:
        services.ship(shipment_id=shipment.pk, carrier="ups", tracking_number="12")
    assert set(error.value.fields) == {"carrier", "tracking_number"}
    assert shipment_of(order).status == VendorShipment.Status.PAID


def test_a_vendor_cannot_move_another_vendors_part():
    order, _variant = paid_order()
    other = vendor_with_policy()
    with pytest.raises(NotFoundError):
        services.start_preparing(shipment_id=shipment_of(order).pk, vendor_id=other.pk)
    assert shipment_of(order).status == VendorShipment.Status.PAID


def test_a_shopper_cannot_cancel_or_confirm_another_shoppers_order(user, other_user):
    variant = variant_of()
    cart = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    order = place(cart, user=user).order
    with pytest.raises(NotFoundError):
        services.cancel_order(order_id=order.pk, shopper=other_user)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    services.cancel_order(order_id=order.pk, shopper=user)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_cancelling_an_unpaid_order_releases_stock_once():
    order, variant = placed_order(quantity=3, stock=5)
    assert Variant.objects.get(pk=variant.pk).stock == 2
    services.cancel_order(order_id=order.pk)
    assert Variant.objects.get(pk=variant.pk).stock == 5
    with pytest.raises(TransitionError):
        services.cancel_order(order_id=order.pk)
    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert not Refund.objects.exists()


def test_cancelling_a_paid_order_requests_a_full_refund():
    order, variant = paid_order(quantity=2, stock=5)
    services.cancel_order(order_id=order.pk)
    refund = Refund.objects.get()
    assert refund.amount == order.total_amount
    assert refund.shipping_amount == Decimal(3000)
    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert events("orders.RefundRequested")[0]["amount"] == str(order.total_amount)

    services.complete_refund(refund_id=refund.pk, note="계좌 이체 완료")
    completed = events("orders.RefundCompleted")
    assert [event["refund_id"] for event in completed] == [refund.pk]
    assert completed[0]["amount"] == str(order.total_amount)


def test_expiry_releases_stock_exactly_once():
    order, variant = placed_order(quantity=4, stock=4)
    assert Variant.objects.get(pk=variant.pk).stock == 0
    with pytest.raises(TransitionError):
        services.expire_order(order_id=order.pk)  # deadline not passed yet
    Order.objects.filter(pk=order.pk).update(payment_expires_at=timezone.now() - timedelta(1))
    assert tasks.expire_unpaid_orders() == 1
    assert tasks.expire_unpaid_orders() == 0
    with pytest.raises(TransitionError):
        services.expire_order(order_id=order.pk)
    assert Variant.objects.get(pk=variant.pk).stock == 4
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.stock_released_at is not None
    [cancelled] = events("orders.OrderCancelled")
    assert cancelled["expired"] is True


def test_a_paid_order_never_expires():
    order, variant = paid_order(quantity=1, stock=1)
    Order.objects.filter(pk=order.pk).update(payment_expires_at=timezone.now() - timedelta(1))
    assert tasks.expire_unpaid_orders() == 0
    assert Variant.objects.get(pk=variant.pk).stock == 0


def test_auto_confirmation_after_n_days(settings):
    settings.ORDERS_AUTO_CONFIRM_DAYS = 7
    order, _variant = paid_order()
    shipment = shipment_of(order)
    services.ship(shipment_id=shipment.pk, carrier="hanjin", tracking_number="123456789")
    services.mark_delivered(shipment_id=shipment.pk)
    assert tasks.confirm_delivered_purchases() == 0
    VendorShipment.objects.filter(pk=shipment.pk).update(
        delivered_at=timezone.now() - timedelta(days=8)
    )
    assert tasks.confirm_delivered_purchases() == 1
    assert tasks.confirm_delivered_purchases() == 0
    assert shipment_of(order).status == VendorShipment.Status.PURCHASE_CONFIRMED
    assert len(events("orders.PurchaseConfirmed")) == 1


def two_vendor_order(*, pay: bool = True):
    threshold = vendor_with_policy(base_fee=Decimal(3000), free_threshold=Decimal(30000))
    other = vendor_with_policy(base_fee=Decimal(2500), free_threshold=None, fee_type="fixed")
    a = variant_of(threshold, price=10000, stock=10)
    b = variant_of(threshold, price=15000, stock=10)
    c = variant_of(other, price=5000, stock=10)
    cart = guest_cart("two")
    for variant, quantity in ((a, 2), (b, 1), (c, 1)):
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    order = place(cart).order
    if pay:
        services.mark_deposit_confirmed(order_id=order.pk)
        order.refresh_from_db()
    return order, (a, b, c), (threshold, other)


def test_partial_cancel_recomputes_the_vendor_shipping_fee_and_refunds_the_rest():
    order, (_a, b, _c), (threshold, _other) = two_vendor_order()
    part = VendorShipment.objects.get(order=order, vendor=threshold)
    assert part.shipping_fee == 0  # 35,000 won: free over 30,000
    line_b = OrderLine.objects.get(order=order, variant=b)
    services.partial_cancel(order_id=order.pk, quantities={line_b.pk: 1}, reason="변심")
    part.refresh_from_db()
    assert part.shipping_fee == Decimal(3000)  # 20,000 left: the fee comes back
    refund = Refund.objects.get()
    assert refund.items_amount == Decimal(15000)
    assert refund.deduction_amount == Decimal(3000)
    assert refund.amount == Decimal(12000)
    assert Variant.objects.get(pk=b.pk).stock == 10
    line_b.refresh_from_db()
    assert line_b.status == OrderLine.Status.CANCELLED
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    [event] = events("orders.OrderPartiallyCancelled")
    assert event["shipping_fees"][str(threshold.pk)] == ["0", "3000"]


def test_partial_cancel_of_part_of_a_line_keeps_the_rest():
    order, (a, _b, _c), _vendors = two_vendor_order()
    line_a = OrderLine.objects.get(order=order, variant=a)
    services.partial_cancel(order_id=order.pk, quantities={line_a.pk: "1"})
    line_a.refresh_from_db()
    assert (line_a.cancelled_quantity, line_a.status) == (1, "partially_cancelled")
    assert Variant.objects.get(pk=a.pk).stock == 9
    with pytest.raises(TransitionError):
        services.partial_cancel(order_id=order.pk, quantities={line_a.pk: 2})
    line_a.refresh_from_db()
    assert line_a.cancelled_quantity == 1


def test_partial_cancel_of_a_whole_vendor_part_cancels_it_and_refunds_its_shipping():
    order, (_a, _b, c), (_threshold, other) = two_vendor_order()
    line_c = OrderLine.objects.get(order=order, variant=c)
    services.partial_cancel(order_id=order.pk, quantities={line_c.pk: 1})
    part = VendorShipment.objects.get(order=order, vendor=other)
    assert part.status == VendorShipment.Status.CANCELLED
    assert part.shipping_fee == 0
    assert Refund.objects.get().amount == Decimal(5000 + 2500)


def test_partial_cancel_of_an_unpaid_order_lowers_what_is_due():
    order, (_a, b, _c), _vendors = two_vendor_order(pay=False)
    before = order.total_amount
    line_b = OrderLine.objects.get(order=order, variant=b)
    services.partial_cancel(order_id=order.pk, quantities={line_b.pk: 1})
    order.refresh_from_db()
    assert order.total_amount == before - 15000 + 3000
    assert not Refund.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, "x", 10**9])
def test_partial_cancel_refuses_bad_quantities(quantity):
    order, (a, _b, _c), _vendors = two_vendor_order()
    line_a = OrderLine.objects.get(order=order, variant=a)
    with pytest.raises(OrderError):
        services.partial_cancel(order_id=order.pk, quantities={line_a.pk: quantity})
    line_a.refresh_from_db()
    assert line_a.cancelled_quantity == 0


def test_partial_cancel_refuses_a_line_of_another_order():
    order, _variants, _vendors = two_vendor_order()
    other_order, _variant = placed_order(cart_key="another")
    foreign = OrderLine.objects.get(order=other_order)
    with pytest.raises(TransitionError):
        services.partial_cancel(order_id=order.pk, quantities={foreign.pk: 1})
    foreign.refresh_from_db()
    assert foreign.cancelled_quantity == 0


def test_the_order_follows_its_least_advanced_part():
    order, _variants, (threshold, other) = two_vendor_order()
    first = VendorShipment.objects.get(order=order, vendor=threshold)
    second = VendorShipment.objects.get(order=order, vendor=other)
    services.ship(shipment_id=first.pk, carrier="cj", tracking_number="111111111")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    services.start_preparing(shipment_id=second.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.PREPARING
    services.ship(shipment_id=second.pk, carrier="lotte", tracking_number="222222222")
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
