"""The payment core end to end with NaverPay over HTTP: window, apply, refuse, refund."""

from __future__ import annotations

import pytest

from orders import services as order_services
from orders.models import Order, Refund
from payments import services
from payments.models import IntentStatus, PaymentIntent
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


def naverpay_order(*, quantity: int = 2, price: int = 9000) -> Order:
    variant = variant_of(price=price, stock=10)
    cart = guest_cart(f"naver-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, payment_method="naverpay").order


def paid_order(naverpay_emulator) -> tuple[Order, PaymentIntent]:
    order = naverpay_order()
    start = services.start_payment(order_id=order.pk, provider_code="naverpay")
    params = naverpay_emulator.back(start.next_action.url)
    return order, services.confirm_payment(public_id=start.intent.public_id, params=params)


def test_a_payment_in_the_naverpay_window_pays_the_order_once(naverpay_emulator) -> None:
    order = naverpay_order()
    start = services.start_payment(order_id=order.pk, provider_code="naverpay")
    params = naverpay_emulator.back(start.next_action.url)
    assert params["resultCode"] == "Success"

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.PAID
    assert intent.provider_payment_id == params["paymentId"]
    assert naverpay_emulator.calls("apply") == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_charge_of_another_amount_is_cancelled_at_naverpay(naverpay_emulator) -> None:
    order = naverpay_order()
    start = services.start_payment(order_id=order.pk, provider_code="naverpay")
    params = naverpay_emulator.back(start.next_action.url)
    naverpay_emulator.fault("apply", "amount_mismatch")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.REFUNDED
    assert naverpay_emulator.calls("cancel") == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    reasons = AuditEvent.objects.filter(event_type="payments.PaymentRefused").values_list(
        "payload__reason", flat=True
    )
    assert list(reasons) == ["amount_mismatch"]


def test_the_paymentid_of_another_order_is_refused_and_cancels_nothing(naverpay_emulator) -> None:
    _order_b, intent_b = paid_order(naverpay_emulator)
    order_a = naverpay_order()
    start_a = services.start_payment(order_id=order_a.pk, provider_code="naverpay")

    replayed = {"resultCode": "Success", "paymentId": intent_b.provider_payment_id}
    intent_a = services.confirm_payment(public_id=start_a.intent.public_id, params=replayed)

    assert intent_a.status == IntentStatus.FAILED
    assert Order.objects.get(pk=order_a.pk).status == Order.Status.PENDING_PAYMENT
    assert PaymentIntent.objects.get(pk=intent_b.pk).status == IntentStatus.PAID
    assert naverpay_emulator.calls("cancel") == 0  # B's payment is not ours to cancel


def test_a_buyer_who_cancels_in_the_window_ends_the_attempt(naverpay_emulator) -> None:
    order = naverpay_order()
    start = services.start_payment(order_id=order.pk, provider_code="naverpay")
    params = naverpay_emulator.back(start.next_action.url, "cancel")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.CANCELLED
    assert naverpay_emulator.calls("apply") == 0


def test_cancelling_the_paid_order_refunds_it_at_naverpay(naverpay_emulator) -> None:
    order, intent = paid_order(naverpay_emulator)

    order_services.cancel_order(order_id=order.pk, reason="changed my mind")
    refund = Refund.objects.get(order=order)
    services.refund_order_refund(refund_id=refund.pk)

    intent.refresh_from_db()
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == order.total_amount
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.COMPLETED
    assert naverpay_emulator.calls("cancel") == 1
