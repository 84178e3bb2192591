"""The PayPal client over real HTTP against the PayPal emulator on the live server."""

from __future__ import annotations

import base64
import json
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.conf import settings
from django.core.cache import cache

from payments.emulators import paypal as emulator
from payments.providers.base import (
    Exchange,
    NextAction,
    PaymentProvider,
    PaymentRef,
    PaymentRequest,
    ProviderError,
    ProviderOutcomeUnknownError,
    RefundRequest,
    ResultStatus,
    StoredMethod,
)
from payments.providers.paypal import PayPal, base_url
from payments.providers.registry import get_provider

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = "3f2c6b0e-1d7a-4c55-9a3e-0b8c2d9e7f10"


def payment_request(**changes) -> PaymentRequest:
    values = {
        "merchant_reference": REFERENCE,
        "order_number": "20260801-0001",
        "buyer_key": "buyer-1",
        "item_name": "Jeju tangerines 5kg",
        "quantity": 1,
        "amount": Decimal("12.34"),
        "tax_free_amount": Decimal(0),
        "vat_amount": Decimal(0),
        "currency": "USD",
        "return_url": "http://shop.test/payments/return/abc",
        "cancel_url": "http://shop.test/payments/cancel/abc",
        "fail_url": "http://shop.test/payments/fail/abc",
    }
    values.update(changes)
    return PaymentRequest(**values)


def ref_of(action: NextAction, request: PaymentRequest, capture_id: str = "") -> PaymentRef:
    return PaymentRef(
        merchant_reference=request.merchant_reference,
        provider_payment_id=action.provider_payment_id,
        buyer_key=request.buyer_key,
        amount=request.amount,
        tax_free_amount=Decimal(0),
        currency=request.currency,
        capture_id=capture_id,
    )


def paid(client: PayPal, paypal_emulator, log: list[Exchange], request=None):
    """Begin, approve on the page and capture; return (payment ref, result)."""
    request = request or payment_request()
    action = client.begin(request, record=log.append)
    params = paypal_emulator.approve(action.url)
    result = client.confirm(ref_of(action, request), params, record=log.append)
    return ref_of(action, request, result.capture_id), result


def assert_secret_free(log: list[Exchange], *secrets: str) -> None:
    text = repr(log)
    for secret in secrets:
        assert secret not in text
    credentials = f"{settings.PAYPAL_CLIENT_ID}:{settings.PAYPAL_CLIENT_SECRET}".encode()
    assert base64.b64encode(credentials).decode() not in text
    assert "Authorization" not in text


def cached_token() -> str:
    client = PayPal()
    return cache.get(client._token_key())


# --- Happy path, redirect and request body ----------------------------------------------------


def test_buyer_approves_on_the_page_and_the_capture_is_paid(paypal_emulator):
    client = PayPal()
    log: list[Exchange] = []
    request = payment_request()

    action = client.begin(request, record=log.append)
    params = paypal_emulator.approve(action.url)
    result = client.confirm(ref_of(action, request), params, record=log.append)

    assert action.kind == "redirect"
    assert (
        action.url == f"{paypal_emulator.base_url}/checkoutnow?token={action.provider_payment_id}"
    )
    assert params["token"] == action.provider_payment_id
    assert params["PayerID"]
    assert result.status == ResultStatus.PAID
    assert result.amount == Decimal("12.34")
    assert result.currency == "USD"
    assert result.merchant_reference == REFERENCE
    assert result.provider_payment_id == action.provider_payment_id
    assert result.capture_id
    assert result.method_label == "PayPal s***@personal.example.com"
    assert result.data["payer_id"] == params["PayerID"]
    assert paypal_emulator.calls("oauth") == 1  # the token is cached between calls
    assert paypal_emulator.calls("capture") == 1
    assert [(e.operation, e.status_code) for e in log] == [
        ("oauth", 200),
        ("create", 201),
        ("capture", 201),
    ]
    assert_secret_free(log, settings.PAYPAL_CLIENT_SECRET, cached_token())


def test_the_order_carries_the_references_amount_and_experience_context(paypal_emulator):
    client = PayPal()

    action = client.begin(payment_request(locale="en"), record=lambda exchange: None)

    order = paypal_emulator.order(action.provider_payment_id)
    unit = order["purchase_units"][0]
    assert order["status"] == "PAYER_ACTION_REQUIRED"
    assert unit["reference_id"] == "20260801-0001"
    assert unit["custom_id"] == REFERENCE
    assert unit["invoice_id"] == REFERENCE
    assert unit["amount"] == {"currency_code": "USD", "value": "12.34"}
    assert order["_experience"]["user_action"] == "PAY_NOW"
    assert order["_experience"]["return_url"] == "http://shop.test/payments/return/abc"
    assert order["_experience"]["cancel_url"] == "http://shop.test/payments/cancel/abc"


def test_a_repeated_create_replays_the_same_order(paypal_emulator):
    client = PayPal()
    log: list[Exchange] = []

    first = client.begin(payment_request(), record=log.append)
    second = client.begin(payment_request(), record=log.append)

    assert second.provider_payment_id == first.provider_payment_id
    assert [e.status_code for e in log if e.operation == "create"] == [201, 200]
    assert paypal_emulator.calls("create") == 2


def test_the_approval_page_shows_the_amount_and_three_buttons(paypal_emulator):
    action = PayPal().begin(payment_request(), record=lambda exchange: None)

    page = httpx.get(action.url)
    missing = httpx.get(f"{paypal_emulator.base_url}/checkoutnow?token=NOSUCHORDER")

    assert page.status_code == 200
    assert "12.34 USD" in page.text
    for button in ('value="pay"', 'value="cancel"', 'value="decline"'):
        assert button in page.text
    assert missing.status_code == 404


# --- Currency and amount validation -----------------------------------------------------------


def test_krw_is_refused_as_an_unsupported_currency(paypal_emulator):
    with pytest.raises(ProviderError) as refused:
        PayPal().begin(
            payment_request(amount=Decimal(15000), currency="KRW"), record=lambda exchange: None
        )

    assert refused.value.code == "CURRENCY_NOT_SUPPORTED"


def test_more_than_two_decimals_is_refused_not_rounded(paypal_emulator):
    log: list[Exchange] = []

    with pytest.raises(ProviderError) as refused:
        PayPal().begin(payment_request(amount=Decimal("12.345")), record=log.append)

    assert refused.value.code == "DECIMAL_PRECISION"
    assert log[-1].request["purchase_units"][0]["amount"]["value"] == "12.345"


def test_decimals_in_a_zero_decimal_currency_are_refused(paypal_emulator):
    with pytest.raises(ProviderError) as refused:
        PayPal().begin(
            payment_request(amount=Decimal("1200.5"), currency="JPY"), record=lambda exchange: None
        )

    assert refused.value.code == "DECIMALS_NOT_SUPPORTED"


def test_a_whole_dollar_amount_is_sent_with_two_decimals(paypal_emulator):
    action = PayPal().begin(payment_request(amount=Decimal(12)), record=lambda exchange: None)

    order = paypal_emulator.order(action.provider_payment_id)
    assert order["purchase_units"][0]["amount"]["value"] == "12.00"


# --- Cancel, decline, wrong token -------------------------------------------------------------


def test_buyer_cancel_returns_to_the_cancel_url_and_nothing_is_captured(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)

    location = paypal_emulator.buyer(action.url, "cancel")
    status = client.status(ref_of(action, request), record=lambda exchange: None)

    assert location == f"{request.cancel_url}?token={action.provider_payment_id}"
    assert status.status == ResultStatus.PENDING
    with pytest.raises(ProviderError) as refused:
        client.confirm(
            ref_of(action, request), {"token": action.provider_payment_id}, record=lambda e: None
        )
    assert refused.value.code == "ORDER_NOT_APPROVED"


def test_a_declined_card_refuses_the_capture_until_the_buyer_pays_again(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url, "decline")

    with pytest.raises(ProviderError) as refused:
        client.confirm(ref_of(action, request), params, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url, "pay")
    result = client.confirm(ref_of(action, request), params, record=lambda exchange: None)

    assert refused.value.code == "INSTRUMENT_DECLINED"
    assert result.status == ResultStatus.PAID
    assert paypal_emulator.calls("capture") == 2


def test_the_instrument_declined_fault_refuses_the_capture(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "instrument_declined")

    with pytest.raises(ProviderError) as refused:
        client.confirm(ref_of(action, request), params, record=lambda exchange: None)

    assert refused.value.code == "INSTRUMENT_DECLINED"
    assert client.status(ref_of(action, request), record=lambda e: None).capture_id == ""


def test_a_declined_capture_is_failed(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "capture_declined")

    result = client.confirm(ref_of(action, request), params, record=lambda exchange: None)

    assert result.status == ResultStatus.FAILED
    assert result.data["capture_status"] == "DECLINED"


def test_a_return_token_of_another_order_is_refused_without_a_capture(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    other = client.begin(
        payment_request(merchant_reference="other-intent"), record=lambda exchange: None
    )
    params = paypal_emulator.approve(other.url)

    with pytest.raises(ProviderError) as refused:
        client.confirm(ref_of(action, request), params, record=lambda exchange: None)

    assert refused.value.code == "token_mismatch"
    assert paypal_emulator.calls("capture") == 0


# --- Pending capture and status lookups -------------------------------------------------------


def test_a_pending_capture_is_authenticated_until_paypal_settles_it(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "capture_pending")

    pending = client.confirm(ref_of(action, request), params, record=lambda exchange: None)
    emulator.settle_capture(action.provider_payment_id)
    settled = client.status(ref_of(action, request), record=lambda exchange: None)

    assert pending.status == ResultStatus.AUTHENTICATED
    assert pending.data["capture_status"] == "PENDING"
    assert pending.data["capture_reason"] == "PENDING_REVIEW"
    assert pending.capture_id
    assert settled.status == ResultStatus.PAID
    assert settled.capture_id == pending.capture_id


def test_status_follows_the_order_from_created_to_refunded(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    ref = ref_of(action, request)

    def status():
        return client.status(ref, record=lambda exchange: None)

    created = status()
    params = paypal_emulator.approve(action.url)
    approved = status()
    captured = client.confirm(ref, params, record=lambda exchange: None)
    ref = ref_of(action, request, captured.capture_id)
    after_capture = status()
    client.refund(refund_of(ref, "4.00", "12.34", "r1"), record=lambda exchange: None)
    partly = status()
    client.refund(refund_of(ref, "8.34", "8.34", "r2"), record=lambda exchange: None)
    refunded = status()

    assert created.status == ResultStatus.PENDING
    assert created.data["order_status"] == "PAYER_ACTION_REQUIRED"
    assert approved.status == ResultStatus.AUTHENTICATED
    assert approved.amount is None
    assert after_capture.status == ResultStatus.PAID
    assert after_capture.amount == Decimal("12.34")
    assert partly.status == ResultStatus.PARTIALLY_REFUNDED
    assert partly.refunded_amount == Decimal("4.00")
    assert refunded.status == ResultStatus.REFUNDED
    assert refunded.refunded_amount == Decimal("12.34")


def test_an_unknown_order_is_a_provider_error(paypal_emulator):
    ref = PaymentRef(
        merchant_reference=REFERENCE,
        provider_payment_id="NOSUCHORDER",
        buyer_key="b",
        amount=Decimal("1.00"),
        tax_free_amount=Decimal(0),
        currency="USD",
    )

    with pytest.raises(ProviderError) as refused:
        PayPal().status(ref, record=lambda exchange: None)

    assert refused.value.code == "INVALID_RESOURCE_ID"


# --- Faults around the capture ----------------------------------------------------------------


def test_a_different_captured_amount_is_reported_as_paypal_says_it(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "amount_mismatch")

    result = client.confirm(ref_of(action, request), params, record=lambda exchange: None)
    later = client.status(ref_of(action, request), record=lambda exchange: None)

    assert result.status == ResultStatus.PAID
    assert result.amount == Decimal("13.34")
    assert later.amount == Decimal("13.34")


def test_a_timeout_after_capturing_is_unknown_and_a_retry_replays_the_one_capture(
    paypal_emulator, settings
):
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "timeout_after_processing")
    log: list[Exchange] = []

    with pytest.raises(ProviderOutcomeUnknownError):
        client.confirm(ref_of(action, request), params, record=log.append)
    status = client.status(ref_of(action, request), record=log.append)
    retried = client.confirm(ref_of(action, request), params, record=log.append)

    assert log[0].status_code is None
    assert status.status == ResultStatus.PAID
    assert retried.status == ResultStatus.PAID
    assert retried.capture_id == status.capture_id
    assert log[-1].status_code == 200  # replayed under the same PayPal-Request-Id
    captures = paypal_emulator.order(action.provider_payment_id)["purchase_units"][0]["payments"]
    assert len(captures["captures"]) == 1


def test_a_server_error_is_unknown_and_nothing_was_captured(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)
    paypal_emulator.fault("capture", "server_error")

    with pytest.raises(ProviderOutcomeUnknownError):
        client.confirm(ref_of(action, request), params, record=lambda exchange: None)
    status = client.status(ref_of(action, request), record=lambda exchange: None)
    result = client.confirm(ref_of(action, request), params, record=lambda exchange: None)

    assert status.status == ResultStatus.AUTHENTICATED
    assert result.status == ResultStatus.PAID


def test_a_capture_under_another_request_id_reads_the_existing_capture(paypal_emulator):
    client = PayPal()
    ref, first = paid(client, paypal_emulator, [])
    log: list[Exchange] = []
    stale_key = replace(ref, merchant_reference="another-request-id")

    again = client.confirm(stale_key, {"token": ref.provider_payment_id}, record=log.append)

    assert [(e.operation, e.status_code) for e in log] == [("capture", 422), ("get", 200)]
    assert again.status == ResultStatus.PAID
    assert again.capture_id == first.capture_id
    assert again.merchant_reference == REFERENCE


def test_twenty_concurrent_captures_capture_once(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    params = paypal_emulator.approve(action.url)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(
            pool.map(
                lambda _: client.confirm(ref_of(action, request), params, record=lambda e: None),
                range(20),
            )
        )

    assert {result.status for result in results} == {ResultStatus.PAID}
    assert len({result.capture_id for result in results}) == 1
    captures = paypal_emulator.order(action.provider_payment_id)["purchase_units"][0]["payments"]
    assert len(captures["captures"]) == 1


# --- Refunds ----------------------------------------------------------------------------------


def refund_of(ref: PaymentRef, amount: str, remaining: str, key: str) -> RefundRequest:
    return RefundRequest(
        payment=ref,
        amount=Decimal(amount),
        tax_free_amount=Decimal(0),
        vat_amount=Decimal(0),
        remaining_before=Decimal(remaining),
        idempotency_key=key,
        reason="Customer return",
    )


def test_partial_and_full_refunds_keep_to_what_is_left(paypal_emulator):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    log: list[Exchange] = []

    partial = client.refund(refund_of(ref, "5.00", "12.34", "refund-1"), record=log.append)
    with pytest.raises(ProviderError) as exceeded:
        client.refund(refund_of(ref, "7.35", "7.34", "refund-2"), record=log.append)
    rest = client.refund(refund_of(ref, "7.34", "7.34", "refund-3"), record=log.append)
    with pytest.raises(ProviderError) as fully:
        client.refund(refund_of(ref, "0.01", "0", "refund-4"), record=log.append)

    assert partial.amount == Decimal("5.00")
    assert partial.remaining == Decimal("7.34")
    assert partial.status == "completed"
    assert partial.refund_reference
    assert exceeded.value.code == "REFUND_AMOUNT_EXCEEDED"
    assert rest.remaining == Decimal(0)
    assert fully.value.code == "CAPTURE_FULLY_REFUNDED"
    assert log[0].request["amount"] == {"currency_code": "USD", "value": "5.00"}
    assert log[0].request["custom_id"] == REFERENCE


def test_a_repeated_refund_key_replays_the_first_refund(paypal_emulator):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    log: list[Exchange] = []

    first = client.refund(refund_of(ref, "5.00", "12.34", "refund-1"), record=log.append)
    again = client.refund(refund_of(ref, "5.00", "12.34", "refund-1"), record=log.append)

    assert again.refund_reference == first.refund_reference
    assert again.remaining == Decimal("7.34")
    assert [e.status_code for e in log] == [201, 200]
    refunds = paypal_emulator.order(ref.provider_payment_id)["purchase_units"][0]["payments"]
    assert len(refunds["refunds"]) == 1


def test_a_timeout_after_refunding_is_unknown_and_the_retry_refunds_once(paypal_emulator, settings):
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    paypal_emulator.fault("refund", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        client.refund(refund_of(ref, "5.00", "12.34", "refund-1"), record=lambda e: None)
    retried = client.refund(refund_of(ref, "5.00", "12.34", "refund-1"), record=lambda e: None)

    assert retried.remaining == Decimal("7.34")
    assert client.status(ref, record=lambda e: None).refunded_amount == Decimal("5.00")


def test_two_concurrent_refunds_never_exceed_the_capture(paypal_emulator):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])

    def refund(key: str):
        try:
            return client.refund(refund_of(ref, "7.00", "12.34", key), record=lambda e: None)
        except ProviderError as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(refund, ["refund-a", "refund-b"]))

    assert sorted(str(getattr(o, "remaining", o)) for o in outcomes) == [
        "5.34",
        "REFUND_AMOUNT_EXCEEDED",
    ]
    assert client.status(ref, record=lambda e: None).refunded_amount == Decimal("7.00")


def test_a_refund_without_a_capture_is_refused_before_any_call(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)

    with pytest.raises(ProviderError) as refused:
        client.refund(
            refund_of(ref_of(action, request), "1.00", "12.34", "k"), record=lambda e: None
        )

    assert refused.value.code == "no_capture"
    assert paypal_emulator.calls("refund") == 0


# --- Authentication ---------------------------------------------------------------------------


def test_a_wrong_secret_is_refused_with_the_oauth_error(paypal_emulator):
    client = PayPal()
    client.client_secret = "not-the-secret"
    log: list[Exchange] = []

    with pytest.raises(ProviderError) as refused:
        client.begin(payment_request(), record=log.append)

    assert refused.value.code == "invalid_client"
    assert log[0].status_code == 401
    assert log[0].response == {
        "error": "invalid_client",
        "error_description": "Client Authentication failed",
    }
    assert paypal_emulator.calls("create") == 0
    assert_secret_free(log, "not-the-secret")


def test_an_expired_token_is_replaced_once_and_the_call_goes_through(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    paypal_emulator.fault("auth", "token_expired")
    log: list[Exchange] = []

    status = client.status(ref_of(action, request), record=log.append)

    assert status.status == ResultStatus.PENDING
    assert [(e.operation, e.status_code) for e in log] == [
        ("get", 401),
        ("oauth", 200),
        ("get", 200),
    ]
    assert log[0].response["name"] == "AUTHENTICATION_FAILURE"
    assert paypal_emulator.calls("oauth") == 2


def test_a_token_refused_twice_is_an_authentication_failure(paypal_emulator):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    paypal_emulator.fault("auth", "token_expired", times=2)

    with pytest.raises(ProviderError) as refused:
        client.status(ref_of(action, request), record=lambda exchange: None)

    assert refused.value.code == "AUTHENTICATION_FAILURE"
    assert paypal_emulator.calls("oauth") == 2


def test_the_emulator_answers_401_without_a_bearer_token(paypal_emulator):
    answer = httpx.get(f"{paypal_emulator.base_url}/v2/checkout/orders/ANY")
    malformed = httpx.post(
        f"{paypal_emulator.base_url}/v2/checkout/orders",
        content=b"{not json",
        headers={"Authorization": f"Bearer {_fresh_token()}"},
    )

    assert answer.status_code == 401
    assert answer.json()["name"] == "AUTHENTICATION_FAILURE"
    assert malformed.status_code == 400
    assert malformed.json()["details"][0]["issue"] == "MALFORMED_REQUEST_JSON"


def _fresh_token() -> str:
    return PayPal()._token(lambda exchange: None)


def test_a_refused_connection_means_not_sent(paypal_emulator, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PAYPAL_BASE_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(ProviderError) as refused:
        PayPal().begin(payment_request(), record=lambda exchange: None)

    assert refused.value.code == "unavailable"
    assert refused.value.retryable


# --- Webhooks ---------------------------------------------------------------------------------


def test_a_signed_capture_webhook_names_the_order_and_the_reference(
    paypal_emulator, webhook_receiver
):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    log: list[Exchange] = []

    emulator.send_webhook(
        "PAYMENT.CAPTURE.COMPLETED", ref.provider_payment_id, webhook_receiver.url
    )
    headers, body = webhook_receiver.received[0]
    notices = client.parse_webhook(headers, body, record=log.append)

    assert len(notices) == 1
    assert notices[0].event_type == "PAYMENT.CAPTURE.COMPLETED"
    assert notices[0].event_id.startswith("WH-")
    assert notices[0].provider_payment_id == ref.provider_payment_id
    assert notices[0].merchant_reference == REFERENCE
    assert [(e.operation, e.status_code) for e in log] == [("verify_webhook", 200)]
    assert log[0].request["webhook_id"] == "SANDBOX-WEBHOOK-ID"


def test_a_signed_order_webhook_names_the_order(paypal_emulator, webhook_receiver):
    client = PayPal()
    request = payment_request()
    action = client.begin(request, record=lambda exchange: None)
    paypal_emulator.approve(action.url)

    emulator.send_webhook(
        "CHECKOUT.ORDER.APPROVED", action.provider_payment_id, webhook_receiver.url
    )
    headers, body = webhook_receiver.received[0]
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    notices = client.parse_webhook(meta, body, record=lambda exchange: None)

    assert notices[0].event_type == "CHECKOUT.ORDER.APPROVED"
    assert notices[0].provider_payment_id == action.provider_payment_id
    assert notices[0].merchant_reference == REFERENCE


def test_a_forged_signature_is_refused(paypal_emulator, webhook_receiver):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    emulator.send_webhook(
        "PAYMENT.CAPTURE.COMPLETED", ref.provider_payment_id, webhook_receiver.url
    )
    headers, body = webhook_receiver.received[0]
    forged = {**headers, "Paypal-Transmission-Sig": "Zm9yZ2VkIHNpZ25hdHVyZQ=="}

    with pytest.raises(ProviderError) as refused:
        client.parse_webhook(forged, body, record=lambda exchange: None)

    assert refused.value.code == "bad_signature"
    assert paypal_emulator.calls("verify") == 1


def test_a_replayed_delivery_with_a_changed_body_is_refused(paypal_emulator, webhook_receiver):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    emulator.send_webhook(
        "PAYMENT.CAPTURE.COMPLETED", ref.provider_payment_id, webhook_receiver.url
    )
    headers, body = webhook_receiver.received[0]
    tampered = body.replace(b'"12.34"', b'"0.01"')

    with pytest.raises(ProviderError) as refused:
        client.parse_webhook(headers, tampered, record=lambda exchange: None)

    assert tampered != body
    assert refused.value.code == "bad_signature"


def test_a_transmission_the_emulator_never_sent_is_refused(paypal_emulator):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    order = paypal_emulator.order(ref.provider_payment_id)
    event = emulator.build_event("PAYMENT.CAPTURE.COMPLETED", order)
    headers = {
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        "PAYPAL-CERT-URL": "https://attacker.example/cert.pem",
        "PAYPAL-TRANSMISSION-ID": "00000000-0000-0000-0000-000000000000",
        "PAYPAL-TRANSMISSION-SIG": "c2lnbmF0dXJl",
        "PAYPAL-TRANSMISSION-TIME": "2026-08-01T00:00:00Z",
    }

    with pytest.raises(ProviderError) as refused:
        client.parse_webhook(headers, json.dumps(event).encode(), record=lambda e: None)

    assert refused.value.code == "bad_signature"


def test_a_webhook_without_transmission_headers_is_refused_unasked(paypal_emulator):
    with pytest.raises(ProviderError) as refused:
        PayPal().parse_webhook({}, b'{"id": "WH-1"}', record=lambda exchange: None)

    assert refused.value.code == "bad_signature"
    assert paypal_emulator.calls("verify") == 0


def test_the_duplicate_webhook_fault_delivers_one_event_twice(paypal_emulator, webhook_receiver):
    client = PayPal()
    ref, _ = paid(client, paypal_emulator, [])
    paypal_emulator.fault("webhook", "duplicate_webhook")

    sent = emulator.send_webhook(
        "PAYMENT.CAPTURE.COMPLETED", ref.provider_payment_id, webhook_receiver.url
    )
    notices = [
        client.parse_webhook(headers, body, record=lambda exchange: None)[0]
        for headers, body in webhook_receiver.received
    ]

    assert sent["statuses"] == [200, 200]
    assert len(notices) == 2
    assert notices[0].event_id == notices[1].event_id  # deduplicating is the caller's part


def test_the_webhook_trigger_only_posts_to_this_site(paypal_emulator, live_server):
    client = PayPal()
    action = client.begin(payment_request(), record=lambda exchange: None)
    trigger = f"{paypal_emulator.base_url}/_emulator/webhook"

    foreign = httpx.post(
        trigger,
        json={
            "event_type": "CHECKOUT.ORDER.APPROVED",
            "order_id": action.provider_payment_id,
            "target_url": "http://example.com/hook",
        },
    )
    local = httpx.post(
        trigger,
        json={
            "event_type": "CHECKOUT.ORDER.APPROVED",
            "order_id": action.provider_payment_id,
            "target_url": f"{live_server.url}/sandbox/paypal/_emulator/fx-rate",
        },
    )

    assert foreign.status_code == 400
    assert local.status_code == 200
    assert local.json()["statuses"] == [200]
    assert paypal_emulator.calls("webhook") == 1


# --- Interface --------------------------------------------------------------------------------


def test_the_registry_builds_the_paypal_client():
    client = get_provider("paypal")

    assert isinstance(client, PayPal)
    assert isinstance(client, PaymentProvider)
    assert client.currency == "USD"
    assert client.label == "PayPal"
    assert client.supports_stored_methods is False


def test_stored_methods_are_not_supported():
    method = StoredMethod(token="t", label="l", buyer_key="b")

    with pytest.raises(ProviderError) as charge:
        PayPal().charge_stored(method, payment_request(), record=lambda exchange: None)
    with pytest.raises(ProviderError) as deactivate:
        PayPal().deactivate_stored(method, record=lambda exchange: None)

    assert charge.value.code == deactivate.value.code == "not_supported"


def test_an_empty_base_url_means_the_emulator_in_sandbox_mode_and_live_otherwise(settings):
    settings.PAYPAL_BASE_URL = ""
    settings.SITE_URL = "http://127.0.0.1:8000/"
    settings.SHOP_SANDBOX = True
    sandbox = base_url()
    settings.SHOP_SANDBOX = False
    live = base_url()

    assert sandbox == "http://127.0.0.1:8000/sandbox/paypal"
    assert live == "https://api-m.paypal.com"


def test_the_approval_url_query_carries_only_the_token(paypal_emulator):
    action = PayPal().begin(payment_request(), record=lambda exchange: None)

    assert dict(parse_qsl(urlsplit(action.url).query)) == {"token": action.provider_payment_id}
