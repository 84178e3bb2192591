"""The payment core end to end with KakaoPay over HTTP: start, approve, exactly once, refuse.

The order is placed by the orders services, the payment goes through the real KakaoPay
client against its emulator on the live server, and the core's services decide.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services as order_services
from orders.models import Order, Refund
from payments import services
from payments.exceptions import PaymentError
from payments.models import IntentStatus, PaymentEvent, PaymentIntent
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0


def kakaopay_order(*, quantity: int = 2, price: int = 12000) -> Order:
    variant = variant_of(price=price, stock=10)
    cart = guest_cart(f"pay-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, payment_method="kakaopay").order


def started(order: Order) -> services.Started:
    return services.start_payment(order_id=order.pk, provider_code="kakaopay")


def events(name: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True))


def test_an_approved_payment_pays_the_order_once(kakaopay_emulator) -> None:
    order = kakaopay_order()
    start = started(order)
    assert start.intent.status == IntentStatus.PENDING_ACTION
    assert start.intent.amount == order.total_amount
    params = kakaopay_emulator.approve(start.next_action.url)

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    again = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == again.status == IntentStatus.PAID
    assert kakaopay_emulator.calls("approve") == 1  # a refresh never approves twice
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert intent.captured_amount == order.total_amount
    assert [payload["amount"] for payload in events("payments.PaymentCaptured")] == [
        str(intent.amount)
    ]
    assert len(events("orders.OrderPaid")) == 1
    calls = intent.events.filter(kind=PaymentEvent.Kind.CALL).values_list("operation", flat=True)
    assert list(calls) == ["ready", "approve"]
    # The ledger keeps the calls without the secret key or the pg_token.
    ledger = str(list(intent.events.values("request", "response")))
    assert params["pg_token"] not in ledger


def test_a_provider_that_charges_another_amount_is_cancelled_and_never_pays(
    kakaopay_emulator,
) -> None:
    order = kakaopay_order()
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    kakaopay_emulator.fault("approve", "amount_mismatch")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.REFUNDED  # 망취소 at once
    assert kakaopay_emulator.calls("cancel") == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    refused = events("payments.PaymentRefused")
    assert refused[0]["reason"] == "amount_mismatch"
    assert refused[0]["expected"]["amount"] != refused[0]["reported"]["amount"]
    assert not events("orders.OrderPaid")


def test_a_timeout_after_the_provider_approved_is_reconciled_to_paid(
    kakaopay_emulator, settings
) -> None:
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    order = kakaopay_order()
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    kakaopay_emulator.fault("approve", "timeout_after_processing")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert intent.status == IntentStatus.UNKNOWN
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT

    assert services.due_for_reconciliation(now=timezone.now() + timedelta(seconds=1)) == [intent.pk]
    intent = services.reconcile_payment(intent_id=intent.pk)

    assert intent.status == IntentStatus.PAID
    assert kakaopay_emulator.calls("approve") == 1  # asked, never approved again
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_buyer_who_cancels_can_pay_again_with_a_new_attempt(kakaopay_emulator) -> None:
    order = kakaopay_order()
    start = started(order)
    kakaopay_emulator.buyer(start.next_action.url, "cancel")

    intent = services.buyer_left(public_id=start.intent.public_id, params={}, failed=False)
    assert intent.status == IntentStatus.CANCELLED

    second = started(order)
    params = kakaopay_emulator.approve(second.next_action.url)
    assert services.confirm_payment(public_id=second.intent.public_id, params=params).status == (
        IntentStatus.PAID
    )


def test_a_declined_approval_fails_the_attempt_and_leaves_the_order_waiting(
    kakaopay_emulator,
) -> None:
    order = kakaopay_order()
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    kakaopay_emulator.fault("approve", "decline")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.FAILED
    assert intent.failure_code == "-780"
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert events("payments.PaymentFailed")[0]["code"] == "-780"


def test_an_approval_arriving_after_the_order_was_cancelled_is_cancelled_at_kakaopay(
    kakaopay_emulator,
) -> None:
    order = kakaopay_order()
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    # The buyer took too long: the order is cancelled, but the attempt is mid-approval.
    PaymentIntent.objects.filter(pk=start.intent.pk).update(status=IntentStatus.AUTHORIZING)
    order_services.cancel_order(order_id=order.pk, reason="test")

    from payments.services.confirm import approve

    intent = approve(PaymentIntent.objects.get(pk=start.intent.pk), params, source="redirect")

    assert intent.status == IntentStatus.REFUNDED
    assert kakaopay_emulator.calls("cancel") == 1
    assert events("payments.PaymentRefused")[0]["reason"] == "order_not_payable"
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_an_expired_order_cannot_start_a_payment(kakaopay_emulator) -> None:
    order = kakaopay_order()
    Order.objects.filter(pk=order.pk).update(payment_expires_at=timezone.now() - timedelta(1))
    with pytest.raises(PaymentError) as refused:
        started(order)
    assert refused.value.code == "order_not_payable"
    assert kakaopay_emulator.calls("ready") == 0


def test_cancelling_a_paid_order_refunds_it_at_kakaopay(kakaopay_emulator) -> None:
    order = kakaopay_order(quantity=3, price=10000)
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    services.confirm_payment(public_id=start.intent.public_id, params=params)

    order_services.cancel_order(order_id=order.pk, reason="changed my mind")
    refund = Refund.objects.get(order=order)
    services.refund_order_refund(refund_id=refund.pk)
    services.refund_order_refund(refund_id=refund.pk)  # a redelivered event

    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == order.total_amount
    assert kakaopay_emulator.calls("cancel") == 1
    refund.refresh_from_db()
    assert refund.status == Refund.Status.COMPLETED
    assert events("payments.PaymentRefunded")[0]["amount"] == str(order.total_amount)


def test_partial_cancellations_refund_once_each_within_the_capture(kakaopay_emulator) -> None:
    order = kakaopay_order(quantity=3, price=10000)
    start = started(order)
    params = kakaopay_emulator.approve(start.next_action.url)
    services.confirm_payment(public_id=start.intent.public_id, params=params)
    line = order.lines.get()

    order_services.partial_cancel(order_id=order.pk, quantities={line.pk: 1}, reason="one less")
    first = Refund.objects.get(order=order)
    services.refund_order_refund(refund_id=first.pk)

    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PARTIALLY_REFUNDED
    assert intent.refunded_amount == first.amount
    assert Decimal(first.amount) > 0
