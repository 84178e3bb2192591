"""The Toss provider in the shop's payment core, over HTTP: refunds, reconciliation, webhooks."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from shop_tosspayments.provider import TossPayments

from orders import services as order_services
from orders.models import Order, Refund
from payments import services
from payments.extend import PaymentRef, ProviderError
from payments.models import IntentStatus, PaymentIntent
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db(transaction=True)


def toss_order(*, quantity: int = 3, price: int = 10000) -> Order:
    variant = variant_of(price=price, stock=10)
    cart = guest_cart(f"toss-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, payment_method="tosspayments").order


def paid(order: Order, toss_emulator) -> PaymentIntent:
    start = services.start_payment(order_id=order.pk, provider_code="tosspayments")
    back = toss_emulator.approve(start.next_action.url)
    return services.confirm_payment(
        public_id=start.intent.public_id, params={"paymentId": back["paymentKey"]}
    )


def test_cancelling_a_paid_order_refunds_it_at_toss_once(toss_emulator) -> None:
    order = toss_order()
    intent = paid(order, toss_emulator)
    assert intent.status == IntentStatus.PAID

    order_services.cancel_order(order_id=order.pk, reason="changed my mind")
    refund = Refund.objects.get(order=order)
    services.refund_order_refund(refund_id=refund.pk)
    services.refund_order_refund(refund_id=refund.pk)  # a redelivered event

    intent.refresh_from_db()
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == order.total_amount
    assert toss_emulator.calls("cancel") == 1


def test_a_confirm_without_an_answer_is_reconciled_to_paid(toss_emulator, settings) -> None:
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    order = toss_order()
    start = services.start_payment(order_id=order.pk, provider_code="tosspayments")
    back = toss_emulator.approve(start.next_action.url)
    toss_emulator.fault("confirm", "server_error")  # a 5xx: maybe processed, maybe not

    intent = services.confirm_payment(
        public_id=start.intent.public_id, params={"paymentId": back["paymentKey"]}
    )
    assert intent.status == IntentStatus.UNKNOWN
    # Toss was never asked to confirm (the fault answered first): reconciliation asks
    # where the payment stands, sees IN_PROGRESS and confirms it now.
    reconciled = services.reconcile_payment(intent_id=intent.pk)

    assert reconciled.status == IntentStatus.PAID
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_webhook_settles_a_payment_whose_confirm_answer_was_lost(toss_emulator) -> None:
    order = toss_order()
    start = services.start_payment(order_id=order.pk, provider_code="tosspayments")
    back = toss_emulator.approve(start.next_action.url)
    toss_emulator.fault("confirm", "server_error")
    intent = services.confirm_payment(
        public_id=start.intent.public_id, params={"paymentId": back["paymentKey"]}
    )
    assert intent.status == IntentStatus.UNKNOWN
    body = json.dumps(
        {
            "eventType": "PAYMENT_STATUS_CHANGED",
            "createdAt": "2026-12-04T18:00:00.000000",
            "data": {
                "paymentKey": back["paymentKey"],
                "orderId": back["orderId"],
                "status": "DONE",
            },
        }
    )
    webhook = "/payments/webhooks/tosspayments/"

    answer = Client().post(webhook, body, content_type="application/json")

    assert answer.status_code == 200
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PAID  # the shop asked Toss, then confirmed
    confirms = toss_emulator.calls("confirm")
    Client().post(webhook, body, content_type="application/json")  # a replay
    assert toss_emulator.calls("confirm") == confirms


def test_a_wrong_secret_key_is_refused_by_toss(toss_emulator) -> None:
    ref = PaymentRef(
        merchant_reference="a4CWyWY5m89PNh7xJwhk1",
        provider_payment_id="",
        buyer_key="",
        amount=Decimal(1000),
        tax_free_amount=Decimal(0),
        currency="KRW",
    )
    with pytest.raises(ProviderError) as refused:
        TossPayments(secret_key="test_sk_wrong").status(ref, record=lambda exchange: None)
    assert refused.value.code == "UNAUTHORIZED_KEY"


def test_a_live_shop_offers_toss_only_with_its_own_secret_key(settings) -> None:
    from shop_tosspayments import conf

    assert conf.configured()  # the sandbox: the emulator's keys do
    settings.SHOP_SANDBOX = False
    assert not conf.configured()
    assert conf.base_url() == conf.LIVE_BASE_URL
    settings.TOSSPAYMENTS_SECRET_KEY = "live_sk_merchant"
    assert conf.configured()


def test_a_refund_racing_another_is_refused_by_the_balance_guard(toss_emulator) -> None:
    from payments.extend import RefundRequest

    order = toss_order(quantity=2, price=10000)
    intent = paid(order, toss_emulator)
    payment = PaymentRef(
        merchant_reference=str(intent.public_id),
        provider_payment_id=intent.provider_payment_id,
        buyer_key="",
        amount=intent.amount,
        tax_free_amount=Decimal(0),
        currency="KRW",
    )

    def refund(amount: int, remaining_before: Decimal, key: str):
        request = RefundRequest(
            payment=payment,
            amount=Decimal(amount),
            tax_free_amount=Decimal(0),
            vat_amount=Decimal(0),
            remaining_before=remaining_before,
            idempotency_key=key,
        )
        return TossPayments().refund(request, record=lambda exchange: None)

    first = refund(5000, intent.amount, "refund-1")
    assert first.remaining == intent.amount - 5000
    with pytest.raises(ProviderError) as refused:  # it still believes the whole amount is left
        refund(5000, intent.amount, "refund-2")
    assert refused.value.code == "NOT_MATCHES_REFUNDABLE_AMOUNT"
    assert refund(5000, intent.amount - 5000, "refund-3").remaining == intent.amount - 10000


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"[1, 2]", 200), (b'{"eventType": "DEPOSIT_CALLBACK"}', 200), (b"not json", 400)],
)
def test_a_webhook_the_plugin_cannot_use_is_answered_without_an_error(body, status) -> None:
    answer = Client().post(
        "/payments/webhooks/tosspayments/", body, content_type="application/json"
    )
    assert answer.status_code == status  # acknowledged and ignored, or refused: never a 500
