"""The payment core end to end with PayPal over HTTP: an order shipped abroad paid in USD.

The order is placed abroad by the orders services (or the checkout pages), the payment
goes through the real PayPal client against its emulator on the live server, and the
core's services decide: the USD amount is fixed on the intent from the configured rate,
the capture is compared with it, refunds are converted at that same rate, and webhooks
are verified, deduplicated and only ever lead to one capture.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import selectors
from orders import services as order_services
from orders.models import Order, Refund
from payments import fx, services
from payments.emulators import state
from payments.emulators.paypal import send_webhook, set_fx_rate, settle_capture
from payments.exceptions import PaymentError
from payments.models import InboundWebhook, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.paypal import PayPal
from payments.providers.registry import get_provider
from payments.services.ledger import CallLog, ref_of
from shop.models import AuditEvent
from shop.money import quantize
from tests.orders.helpers import DETAILS, guest_cart, variant_of
from tests.orders.test_checkout_abroad import ABROAD, US_FEE, overseas_vendor

pytestmark = pytest.mark.django_db(transaction=True)

RATE = Decimal("1382.25")  # won per dollar, as the configured rate source answers


@pytest.fixture(autouse=True)
def _site(settings, live_server, paypal_emulator):
    settings.SITE_URL = live_server.url
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    settings.PAYPAL_FX_RATE_URL = (
        f"{paypal_emulator.base_url}/_emulator/fx-rate?currency={{currency}}"
    )
    set_fx_rate("USD", str(RATE))


def rate_moves(settings) -> None:
    """The rate source answers another rate from now on (and nothing cached hides it)."""
    set_fx_rate("USD", "1000")
    settings.PAYPAL_FX_RATE_URL += "&fresh=1"
    assert fx.rate_for("USD").rate == Decimal(1000)


def source_of(paypal_emulator) -> str:
    return f"{paypal_emulator.base_url}/_emulator/fx-rate"  # the URL without its query


def webhook_url(live_server) -> str:
    return f"{live_server.url}{reverse('payments:webhook', args=['paypal'])}"


def paypal_order(*, quantity: int = 1, price: int = 20000) -> Order:
    """An order shipped to the US (overseas zone fee 25,000 won) to be paid with PayPal."""
    variant = variant_of(overseas_vendor(), price=price, stock=10)
    cart = guest_cart(f"paypal-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    token = selectors.cart_view(cart, country="US").token
    return order_services.place_order(
        cart=cart, details={**DETAILS, **ABROAD}, cart_token=token
    ).order


def place_korean_order() -> Order:
    variant = variant_of(overseas_vendor(), price=20000, stock=10)
    cart = guest_cart(f"korea-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    details = {**DETAILS, "payment_method": "kakaopay"}
    return order_services.place_order(cart=cart, details=details, cart_token=token).order


def started(order: Order) -> services.Started:
    return services.start_payment(order_id=order.pk, provider_code="paypal")


def paid(paypal_emulator, order: Order) -> PaymentIntent:
    start = started(order)
    params = paypal_emulator.approve(start.next_action.url)
    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert intent.status == IntentStatus.PAID
    return intent


def events(name: str, **payload) -> list[dict]:
    rows = AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True)
    return [row for row in rows if all(row.get(key) == value for key, value in payload.items())]


def capture_of(paypal_emulator, intent: PaymentIntent) -> dict:
    return paypal_emulator.order(intent.provider_payment_id)["purchase_units"][0]["payments"]


# --- Paying ---------------------------------------------------------------------------------


def test_an_order_abroad_is_charged_in_usd_at_the_rate_fixed_on_the_intent(
    paypal_emulator, settings
):
    order = paypal_order(quantity=2)
    assert (order.country, order.payment_method) == ("US", "paypal")
    assert order.total_amount == Decimal(40000) + US_FEE
    before = timezone.now()

    start = started(order)

    intent = start.intent
    usd = quantize(order.total_amount / RATE, "USD")
    assert usd == Decimal("47.02")
    assert (intent.currency, intent.amount, intent.order_amount) == ("USD", usd, order.total_amount)
    assert (intent.fx_rate, intent.fx_source) == (RATE, source_of(paypal_emulator))
    assert before <= intent.fx_at <= timezone.now()
    assert (intent.tax_free_amount, intent.vat_amount) == (Decimal(0), Decimal(0))
    assert intent.status == IntentStatus.PENDING_ACTION
    sent = paypal_emulator.order(intent.provider_payment_id)["purchase_units"][0]
    assert sent["amount"] == {"currency_code": "USD", "value": "47.02"}
    assert sent["custom_id"] == str(intent.public_id)
    assert start.next_action.url.startswith(f"{paypal_emulator.base_url}/checkoutnow?token=")

    rate_moves(settings)  # while the buyer is at PayPal
    params = paypal_emulator.approve(start.next_action.url)
    assert params["token"] == intent.provider_payment_id
    intent = services.confirm_payment(public_id=intent.public_id, params=params)
    again = services.confirm_payment(public_id=intent.public_id, params=params)

    assert intent.status == again.status == IntentStatus.PAID
    assert paypal_emulator.calls("capture") == 1  # a refresh never captures twice
    assert intent.amount == usd  # charged at the rate fixed at the start, not the new one
    assert intent.captured_amount == usd
    assert intent.capture_id
    assert intent.method_label.startswith("PayPal s***@")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    captured = events("payments.PaymentCaptured")
    assert [(row["amount"], row["currency"], Decimal(row["order_amount"])) for row in captured] == [
        ("47.02", "USD", order.total_amount)
    ]
    assert len(events("orders.OrderPaid")) == 1
    calls = list(
        intent.events.filter(kind=PaymentEvent.Kind.CALL).values_list("operation", flat=True)
    )
    assert calls == ["oauth", "create", "capture"]
    # The ledger keeps the calls without the client secret or the bearer token.
    ledger = json.dumps(list(intent.events.values("request", "response")))
    token = cache.get(PayPal()._token_key())
    assert token
    assert token not in ledger
    assert "sandbox-paypal-secret" not in ledger
    assert "c2FuZGJveC1wYXlwYWwtY2xpZW50OnNhbmRib3gtcGF5cGFsLXNlY3JldA" not in ledger  # Basic


def test_the_fixed_rate_setting_is_used_when_no_rate_source_is_configured(
    paypal_emulator, settings
):
    settings.PAYPAL_FX_RATE_URL = ""
    settings.PAYPAL_FX_RATE = "1400"
    order = paypal_order()

    intent = paid(paypal_emulator, order)

    assert (intent.fx_rate, intent.fx_source) == (Decimal(1400), "settings.PAYPAL_FX_RATE")
    assert intent.amount == quantize(order.total_amount / Decimal(1400), "USD") == Decimal("32.14")
    assert paypal_emulator.calls("fx_rate") == 0


def test_a_buyer_abroad_pays_through_the_checkout_pages(paypal_emulator):
    shopper = Client(HTTP_ACCEPT_LANGUAGE="en")
    variant = variant_of(overseas_vendor(), price=20000)
    shopper.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": "1"},
    )
    review = shopper.post(reverse("orders:checkout"), {**ABROAD, "action": "recalculate"})
    page = review.content.decode()
    assert 'value="paypal"' in page
    assert 'value="kakaopay"' not in page
    token = review.context["view"].token
    placed = shopper.post(
        reverse("orders:checkout"),
        {**DETAILS, **ABROAD, "cart_token": token, "action": "place"},
    )
    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get()

    to_paypal = shopper.get(placed["Location"])
    assert to_paypal.status_code == 302
    back = paypal_emulator.buyer(to_paypal["Location"], "pay")
    parts = urlsplit(back)
    landed = shopper.get(f"{parts.path}?{parts.query}")

    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert "Your payment is confirmed." in shopper.get(landed["Location"]).content.decode()
    assert PaymentIntent.objects.get().amount == quantize(order.total_amount / RATE, "USD")


def test_a_buyer_abroad_who_cancels_at_paypal_is_offered_paypal_again(paypal_emulator):
    shopper = Client(HTTP_ACCEPT_LANGUAGE="en")
    variant = variant_of(overseas_vendor(), price=20000)
    shopper.post(
        reverse("orders:cart_add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": "1"},
    )
    review = shopper.post(reverse("orders:checkout"), {**ABROAD, "action": "recalculate"})
    placed = shopper.post(
        reverse("orders:checkout"),
        {**DETAILS, **ABROAD, "cart_token": review.context["view"].token, "action": "place"},
    )
    back = paypal_emulator.buyer(shopper.get(placed["Location"])["Location"], "cancel")
    parts = urlsplit(back)

    landed = shopper.get(f"{parts.path}?{parts.query}")

    order = Order.objects.get()
    assert landed["Location"].startswith(reverse("payments:pay", args=[order.number]))
    page = shopper.get(landed["Location"]).content.decode()
    assert "The payment was cancelled." in page
    assert 'value="paypal"' in page
    assert 'value="kakaopay"' not in page  # not offered for an order shipped abroad
    assert 'value="naverpay"' not in page


def test_a_buyer_who_cancels_at_paypal_can_pay_again(paypal_emulator):
    order = paypal_order()
    start = started(order)
    back = paypal_emulator.buyer(start.next_action.url, "cancel")
    assert f"/payments/{start.intent.public_id}/cancel/?token=" in back

    intent = services.buyer_left(public_id=start.intent.public_id, params={}, failed=False)

    assert intent.status == IntentStatus.CANCELLED
    assert paypal_emulator.calls("capture") == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert paid(paypal_emulator, order).status == IntentStatus.PAID


@pytest.mark.parametrize("how", ["card declined on the page", "capture refused"])
def test_an_instrument_declined_fails_the_attempt_and_leaves_the_order_waiting(
    paypal_emulator, how
):
    order = paypal_order()
    start = started(order)
    if how == "card declined on the page":
        params = paypal_emulator.approve(start.next_action.url, "decline")
    else:
        params = paypal_emulator.approve(start.next_action.url)
        paypal_emulator.fault("capture", "instrument_declined")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.FAILED
    assert intent.failure_code == "INSTRUMENT_DECLINED"
    assert intent.captured_amount == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert [row["code"] for row in events("payments.PaymentFailed")] == ["INSTRUMENT_DECLINED"]
    assert not events("orders.OrderPaid")


def test_a_capture_of_another_amount_is_refunded_at_once_and_never_pays(paypal_emulator):
    order = paypal_order()
    start = started(order)
    params = paypal_emulator.approve(start.next_action.url)
    paypal_emulator.fault("capture", "amount_mismatch")  # PayPal captures one dollar more

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.REFUNDED  # voided at PayPal (망취소)
    assert paypal_emulator.calls("refund") == 1
    at_paypal = capture_of(paypal_emulator, intent)
    assert at_paypal["captures"][0]["status"] == "REFUNDED"
    taken = Decimal(at_paypal["captures"][0]["amount"]["value"])
    assert taken == intent.amount + 1
    assert Decimal(at_paypal["refunds"][0]["amount"]["value"]) == taken  # all of it back
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    refused = events("payments.PaymentRefused")
    assert [row["reason"] for row in refused] == ["amount_mismatch"]
    assert refused[0]["expected"]["amount"] == str(intent.amount)
    assert Decimal(refused[0]["reported"]["amount"]) == taken
    assert not events("orders.OrderPaid")


def test_a_capture_whose_answer_timed_out_is_reconciled_to_paid(paypal_emulator, settings):
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    order = paypal_order()
    start = started(order)
    params = paypal_emulator.approve(start.next_action.url)
    paypal_emulator.fault("capture", "timeout_after_processing")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert intent.status == IntentStatus.UNKNOWN
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert events("payments.PaymentOutcomeUnknown")

    assert services.due_for_reconciliation(now=timezone.now() + timedelta(seconds=1)) == [intent.pk]
    intent = services.reconcile_payment(intent_id=intent.pk)

    assert intent.status == IntentStatus.PAID
    assert paypal_emulator.calls("capture") == 1  # PayPal was asked, never captured again
    assert intent.captured_amount == intent.amount
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert len(events("orders.OrderPaid")) == 1


@pytest.mark.parametrize("told_by", ["reconciliation", "webhook"])
def test_a_capture_held_pending_stays_unsettled_until_paypal_completes_it(
    paypal_emulator, live_server, settings, told_by
):
    order = paypal_order()
    start = started(order)
    params = paypal_emulator.approve(start.next_action.url)
    paypal_emulator.fault("capture", "capture_pending")

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == IntentStatus.AUTHORIZING  # captured, money held for review
    assert intent.captured_amount == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert intent.pk in services.due_for_reconciliation(now=timezone.now() + timedelta(1))
    # Reconciliation while PayPal still holds it changes nothing and captures nothing more.
    intent = services.reconcile_payment(intent_id=intent.pk)
    assert intent.status == IntentStatus.AUTHORIZING
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert not events("orders.OrderPaid")

    settle_capture(intent.provider_payment_id)  # PayPal's review passes
    if told_by == "reconciliation":
        intent = services.reconcile_payment(intent_id=intent.pk)
    else:  # PayPal says so, hours later as reviews go (the deployed quiet time has passed)
        settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120
        PaymentIntent.objects.filter(pk=intent.pk).update(
            updated_at=timezone.now() - timedelta(hours=2)
        )
        sent = send_webhook(
            "PAYMENT.CAPTURE.COMPLETED", intent.provider_payment_id, webhook_url(live_server)
        )
        assert sent["statuses"] == [200]
        intent.refresh_from_db()

    assert intent.status == IntentStatus.PAID
    assert paypal_emulator.calls("capture") == 1
    assert intent.captured_amount == intent.amount
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert len(events("payments.PaymentCaptured")) == 1
    assert len(events("orders.OrderPaid")) == 1


def test_paypal_is_for_orders_abroad_and_the_korean_methods_for_korea(
    paypal_emulator, kakaopay_emulator
):
    korean = place_korean_order()
    with pytest.raises(PaymentError) as refused:
        services.start_payment(order_id=korean.pk, provider_code="paypal")
    assert refused.value.code == "invalid_payment_method"
    abroad = paypal_order()
    with pytest.raises(PaymentError) as refused:
        services.start_payment(order_id=abroad.pk, provider_code="kakaopay")
    assert refused.value.code == "invalid_payment_method"
    assert not PaymentIntent.objects.exists()
    assert paypal_emulator.calls("create") == 0
    assert kakaopay_emulator.calls("ready") == 0


# --- Refunds --------------------------------------------------------------------------------


def test_cancelling_a_paid_order_refunds_all_of_the_usd_capture(paypal_emulator):
    order = paypal_order(quantity=2)
    intent = paid(paypal_emulator, order)

    order_services.cancel_order(order_id=order.pk, reason="changed my mind")
    refund = Refund.objects.get(order=order)
    assert refund.amount == order.total_amount  # asked in won by orders
    services.refund_order_refund(refund_id=refund.pk)
    services.refund_order_refund(refund_id=refund.pk)  # a redelivered event

    intent.refresh_from_db()
    assert intent.status == IntentStatus.REFUNDED
    assert intent.refunded_amount == intent.amount == Decimal("47.02")
    assert paypal_emulator.calls("refund") == 1
    at_paypal = capture_of(paypal_emulator, intent)
    assert at_paypal["captures"][0]["status"] == "REFUNDED"
    assert [item["amount"]["value"] for item in at_paypal["refunds"]] == ["47.02"]
    refund.refresh_from_db()
    assert refund.status == Refund.Status.COMPLETED
    assert [(row["amount"], row["currency"]) for row in events("payments.PaymentRefunded")] == [
        ("47.02", "USD")
    ]


def test_partial_refunds_convert_won_at_the_paid_rate_and_the_last_takes_what_is_left(
    paypal_emulator, settings
):
    # 3 x 7,000 won + 25,000 shipping = 46,000 won = $33.28. Refunding 1 unit (7,000 won)
    # is $5.06; the other 2 units with the shipping (39,000 won) would be $28.21 on their
    # own, but $28.22 is left: the last refund takes exactly that, so no cent is stranded.
    order = paypal_order(quantity=3, price=7000)
    intent = paid(paypal_emulator, order)
    assert intent.amount == Decimal("33.28")
    line = order.lines.get()
    rate_moves(settings)  # a fresher rate never applies to a refund

    order_services.partial_cancel(order_id=order.pk, quantities={line.pk: 1}, reason="one less")
    first = Refund.objects.get(order=order)
    services.refund_order_refund(refund_id=first.pk)

    intent.refresh_from_db()
    assert first.amount == Decimal(7000)
    assert intent.status == IntentStatus.PARTIALLY_REFUNDED
    assert intent.refunded_amount == quantize(first.amount / RATE, "USD") == Decimal("5.06")

    order_services.partial_cancel(order_id=order.pk, quantities={line.pk: 2}, reason="none")
    last = Refund.objects.filter(order=order).exclude(pk=first.pk).get()
    services.refund_order_refund(refund_id=last.pk)

    intent.refresh_from_db()
    assert first.amount + last.amount == order.total_amount
    proportional = quantize(last.amount / RATE, "USD")
    assert proportional == Decimal("28.21")  # rounding alone would strand a cent
    assert intent.refunded_amount == intent.amount  # the last took exactly what was left
    assert intent.status == IntentStatus.REFUNDED
    at_paypal = capture_of(paypal_emulator, intent)
    assert [item["amount"]["value"] for item in at_paypal["refunds"]] == ["5.06", "28.22"]
    assert at_paypal["captures"][0]["status"] == "REFUNDED"
    assert paypal_emulator.calls("refund") == 2
    assert set(Refund.objects.filter(order=order).values_list("status", flat=True)) == {
        Refund.Status.COMPLETED
    }


# --- Webhooks -------------------------------------------------------------------------------


def test_a_verified_capture_webhook_reconciles_a_payment_whose_buyer_never_came_back(
    paypal_emulator, live_server, settings
):
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120  # as deployed
    order = paypal_order()
    start = started(order)
    params = paypal_emulator.approve(start.next_action.url)
    # The buyer's return reached us and PayPal captured, but that request died before it
    # could record anything; the buyer closed the window and never came back.
    PaymentIntent.objects.filter(pk=start.intent.pk).update(
        status=IntentStatus.AUTHORIZING, updated_at=timezone.now() - timedelta(minutes=5)
    )
    get_provider("paypal").confirm(ref_of(start.intent), params, record=CallLog())
    assert paypal_emulator.calls("capture") == 1

    sent = send_webhook(
        "PAYMENT.CAPTURE.COMPLETED", start.intent.provider_payment_id, webhook_url(live_server)
    )

    assert sent["statuses"] == [200]
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PAID
    assert paypal_emulator.calls("capture") == 1  # read back, never captured again
    assert paypal_emulator.calls("verify") == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    webhook = InboundWebhook.objects.get()
    assert (webhook.event_id, webhook.event_type) == (
        sent["event"]["id"],
        "PAYMENT.CAPTURE.COMPLETED",
    )
    assert webhook.verified
    assert webhook.processed_at is not None
    assert intent.events.filter(kind=PaymentEvent.Kind.WEBHOOK, source="webhook").count() == 1
    assert events("payments.PaymentCaptured")[0]["source"] == "webhook"


def test_an_approval_webhook_captures_once_for_a_buyer_who_never_came_back(
    paypal_emulator, live_server
):
    order = paypal_order()
    start = started(order)
    paypal_emulator.approve(start.next_action.url)  # approved, window closed, no return

    sent = send_webhook(
        "CHECKOUT.ORDER.APPROVED", start.intent.provider_payment_id, webhook_url(live_server)
    )

    assert sent["statuses"] == [200]
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PAID
    assert paypal_emulator.calls("capture") == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_forged_webhook_is_refused_and_changes_nothing(
    paypal_emulator, live_server, webhook_receiver
):
    order = paypal_order()
    start = started(order)
    paypal_emulator.approve(start.next_action.url)
    # A genuine delivery, caught before it reaches the shop, then tampered with.
    sent = send_webhook(
        "CHECKOUT.ORDER.APPROVED", start.intent.provider_payment_id, webhook_receiver.url
    )
    received, body = webhook_receiver.received[0]
    headers = {
        name: value
        for name, value in received.items()
        if name.lower().startswith("paypal-") or name.lower() == "content-type"
    }
    event = json.loads(body)
    event["id"] = "WH-FORGED-0000000000"
    forged = json.dumps(event).encode()
    url = webhook_url(live_server)

    answers = [
        httpx.post(url, content=forged, headers=headers),  # signature of another body
        httpx.post(url, content=body, headers={"Content-Type": "application/json"}),  # unsigned
        httpx.post(
            url, content=body, headers={**headers, "PAYPAL-TRANSMISSION-SIG": "AAAA"}
        ),  # a made-up signature
    ]

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert {answer.json()["code"] for answer in answers} == {"bad_signature"}
    assert sent["statuses"] == [200]  # the receiver, not the shop
    assert not InboundWebhook.objects.exists()
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PENDING_ACTION
    assert not intent.events.filter(kind=PaymentEvent.Kind.WEBHOOK).exists()
    assert paypal_emulator.calls("capture") == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def test_a_replayed_event_id_is_processed_once(paypal_emulator, live_server):
    order = paypal_order()
    start = started(order)
    paypal_emulator.approve(start.next_action.url)
    paypal_emulator.fault("webhook", "duplicate_webhook")  # PayPal delivers it twice
    url = webhook_url(live_server)

    sent = send_webhook("CHECKOUT.ORDER.APPROVED", start.intent.provider_payment_id, url)
    replayed = httpx.post(url, content=sent["body"], headers=sent["headers"])  # and once more

    assert sent["statuses"] == [200, 200]
    assert replayed.status_code == 200  # acknowledged, so PayPal stops retrying
    assert InboundWebhook.objects.count() == 1
    assert paypal_emulator.calls("capture") == 1
    intent = PaymentIntent.objects.get(pk=start.intent.pk)
    assert intent.status == IntentStatus.PAID
    assert intent.events.filter(kind=PaymentEvent.Kind.WEBHOOK).count() == 3  # each kept
    assert len(events("payments.PaymentCaptured")) == 1
    assert len(events("orders.OrderPaid")) == 1


def test_a_webhook_whose_first_delivery_failed_midway_is_processed_on_redelivery(
    paypal_emulator, live_server, monkeypatch
):
    order = paypal_order()
    start = started(order)
    paypal_emulator.approve(start.next_action.url)
    url = webhook_url(live_server)
    from payments.services import reconcile

    real = reconcile.reconcile_payment
    monkeypatch.setattr(reconcile, "reconcile_payment", lambda **kwargs: 1 / 0)  # a crash
    sent = send_webhook("CHECKOUT.ORDER.APPROVED", start.intent.provider_payment_id, url)
    assert sent["statuses"] == [500]  # PayPal will deliver it again
    assert InboundWebhook.objects.get().processed_at is None

    monkeypatch.setattr(reconcile, "reconcile_payment", real)
    again = httpx.post(url, content=sent["body"], headers=sent["headers"])

    assert again.status_code == 200
    assert PaymentIntent.objects.get(pk=start.intent.pk).status == IntentStatus.PAID
    assert InboundWebhook.objects.get().processed_at is not None


# --- A webhook racing the buyer's return, on PostgreSQL -------------------------------------

# How long the buyer's return waits after the release, round by round. The webhook
# spends a call verifying its signature first, so with no head start it would always lose;
# the offsets sweep the return across the webhook's progress: the return claims first,
# the webhook claims first, and each claims while the other is at PayPal. Nothing is
# asserted about timing: every round must end in one capture whoever wins.
OFFSETS = [0, 0.03, 0.06, 0.09, 0.12, 0.2]
ROUNDS = len(OFFSETS)


def together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run the jobs in threads released at the same moment; return what each returned."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # a crash is a finding: the assertions show it
            results[index] = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread for thread in threads if thread.is_alive()], "a thread hung"
    return results


@pytest.mark.postgres
def test_a_webhook_racing_the_buyers_return_captures_once_and_pays_once(
    paypal_emulator, live_server, settings
):
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120  # as deployed: a fresh claim is left alone
    url = webhook_url(live_server)
    for round_ in range(ROUNDS):
        order = paypal_order()
        start = started(order)
        back = paypal_emulator.buyer(start.next_action.url, "pay")
        captures_before = paypal_emulator.calls("capture")

        def buyer_returns(back: str = back, delay: float = OFFSETS[round_]) -> str:
            time.sleep(delay)
            answer = httpx.get(back, timeout=60)
            return f"{answer.status_code} {answer.headers.get('Location', '').split('/')[-2]}"

        def paypal_notifies(order_id: str = start.intent.provider_payment_id) -> list[int]:
            return send_webhook("CHECKOUT.ORDER.APPROVED", order_id, url)["statuses"]

        returned, notified = together([buyer_returns, paypal_notifies])

        assert returned in {"302 complete", "302 status"}, (round_, returned)
        assert notified == [200], (round_, notified)
        assert paypal_emulator.calls("capture") - captures_before == 1, round_
        intent = PaymentIntent.objects.get(pk=start.intent.pk)
        assert intent.status == IntentStatus.PAID, (round_, intent.status)
        assert intent.captured_amount == intent.amount
        assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
        assert len(events("payments.PaymentCaptured", order_id=order.pk)) == 1, round_
        assert len(events("orders.OrderPaid", order_id=order.pk)) == 1, round_
        assert intent.events.filter(kind=PaymentEvent.Kind.CALL, operation="capture").count() == 1
        assert not events("payments.PaymentFailed", order_id=order.pk), round_
        # The buyer's page afterwards shows the order paid.
        assert httpx.get(back).headers["Location"].endswith(f"/orders/{order.number}/complete/")
    assert state.calls("paypal", "webhook") == ROUNDS
