"""The NaverPay client over real HTTP against the NaverPay emulator on the live server."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import replace
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from payments.providers.base import (
    Exchange,
    NextAction,
    PaymentProvider,
    PaymentRef,
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    RefundRequest,
    ResultStatus,
    StoredMethod,
)
from payments.providers.naverpay import (
    CANCEL_ATTEMPTS,
    LIVE_BASE_URL,
    SDK_URL,
    NaverPay,
    base_url,
    idempotency_key,
)

pytestmark = pytest.mark.django_db(transaction=True)

RETURN = "https://shop.example/payments/naverpay"


def payment_request(**overrides) -> PaymentRequest:
    reference = str(uuid.uuid4())
    values = {
        "merchant_reference": reference,
        "order_number": "20260801-0001",
        "buyer_key": "buyer-7f3a",
        "item_name": "제주 감귤 5kg 외 1건",
        "quantity": 2,
        "amount": Decimal(30000),
        "tax_free_amount": Decimal(5000),
        "vat_amount": Decimal(2273),
        "currency": "KRW",
        "return_url": f"{RETURN}/return/{reference}/",
        "cancel_url": f"{RETURN}/return/{reference}/",
        "fail_url": f"{RETURN}/return/{reference}/",
    }
    return PaymentRequest(**{**values, **overrides})


def ref(
    request: PaymentRequest, payment_id: str = "", data: dict | None = None, **changes
) -> PaymentRef:
    """The payment as the services keep it (provider_data = begin's params + results' data)."""
    payment = PaymentRef(
        merchant_reference=request.merchant_reference,
        provider_payment_id=payment_id,
        buyer_key=request.buyer_key,
        amount=request.amount,
        tax_free_amount=request.tax_free_amount,
        currency="KRW",
        data=data or {},
    )
    return replace(payment, **changes)


def kept(payment: PaymentRef, result: PaymentResult) -> PaymentRef:
    """The payment after the services stored a result (its id and its data)."""
    return replace(
        payment,
        provider_payment_id=result.provider_payment_id,
        amount=result.amount if result.amount is not None else payment.amount,
        data={**payment.data, **result.data},
    )


def refund_of(payment: PaymentRef, amount: int, remaining_before: int, tax_free: int = 0):
    return RefundRequest(
        payment=payment,
        amount=Decimal(amount),
        tax_free_amount=Decimal(tax_free),
        vat_amount=Decimal(round((amount - tax_free) / 11)),
        remaining_before=Decimal(remaining_before),
        idempotency_key=f"refund:{uuid.uuid4().hex}",
    )


@pytest.fixture
def exchanges() -> list[Exchange]:
    return []


@pytest.fixture
def naverpay(naverpay_emulator) -> NaverPay:
    return NaverPay()


def pay(naverpay, naverpay_emulator, exchanges, request=None, **overrides):
    """Begin, approve in the window, confirm: (request, payment as kept, result)."""
    request = request or payment_request(**overrides)
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    payment = ref(request, data=dict(action.params))
    result = naverpay.confirm(payment, back, record=exchanges.append)
    return request, kept(payment, result), result


def raw_call(naverpay: NaverPay, api: str, *, key: str = "", **form) -> httpx.Response:
    """Call the emulator's API directly, as another system with our keys would."""
    headers = {
        "X-Naver-Client-Id": naverpay.client_id,
        "X-Naver-Client-Secret": naverpay.client_secret,
        "X-NaverPay-Chain-Id": naverpay.chain_id,
    }
    if key:
        headers["X-NaverPay-Idempotency-Key"] = key
    url = f"{naverpay.base_url}/{naverpay.partner_id}/naverpay/payments/{api}"
    return httpx.post(url, headers=headers, data=form)


def assert_no_secrets(exchanges: list[Exchange], *tokens: str) -> None:
    from django.conf import settings

    text = repr(exchanges)
    assert exchanges
    for secret in (settings.NAVERPAY_CLIENT_SECRET, *tokens):
        assert secret not in text


# --- Configuration and the window -------------------------------------------------------------


def test_the_client_speaks_the_provider_interface() -> None:
    naverpay = NaverPay()

    assert isinstance(naverpay, PaymentProvider)
    assert (naverpay.code, naverpay.currency, naverpay.supports_stored_methods) == (
        "naverpay",
        "KRW",
        True,
    )


def test_an_empty_base_url_is_the_sandbox_emulator_or_else_naverpay(settings) -> None:
    settings.NAVERPAY_BASE_URL = ""
    settings.SITE_URL = "http://127.0.0.1:8000/"
    settings.SHOP_SANDBOX = True
    assert base_url() == "http://127.0.0.1:8000/sandbox/naverpay"

    settings.SHOP_SANDBOX = False
    assert base_url() == LIVE_BASE_URL


def test_idempotency_keys_are_deterministic_and_fit_64_characters() -> None:
    reference = str(uuid.uuid4())

    key = idempotency_key("apply", reference, "20260801NP1234567890")
    long_key = idempotency_key("refund", "x" * 80)

    assert key == f"apply-{reference}-20260801NP1234567890"
    assert idempotency_key("apply", reference, "20260801NP1234567890") == key
    assert len(long_key) <= 64
    assert long_key.startswith("refund-")
    assert idempotency_key("refund", "x" * 80) == long_key
    assert idempotency_key("refund", "refund:1") != idempotency_key("refund", "refund:2")


def test_with_naverpay_itself_begin_returns_the_sdk_parameters(settings, exchanges) -> None:
    settings.NAVERPAY_BASE_URL = "https://dev.apis.naver.com"
    request = payment_request()

    action = NaverPay().begin(request, record=exchanges.append)

    assert (action.kind, action.url) == ("sdk", SDK_URL)
    assert action.params["create"] == {
        "mode": "development",
        "clientId": settings.NAVERPAY_CLIENT_ID,
        "chainId": settings.NAVERPAY_CHAIN_ID,
        "payType": "normal",
        "openType": "page",
    }
    assert action.params["open"]["merchantPayKey"] == request.merchant_reference
    assert exchanges == []  # NaverPay has no server-side ready for the web
    assert settings.NAVERPAY_CLIENT_SECRET not in json.dumps(action.params)


def test_begin_sends_the_buyer_to_the_window_with_the_sdk_parameters(
    naverpay, naverpay_emulator, exchanges
) -> None:
    from django.conf import settings

    request = payment_request()

    action = naverpay.begin(request, record=exchanges.append)

    assert action.kind == "redirect"
    assert action.url.startswith(f"{naverpay_emulator.base_url}/pay/?")
    assert action.params == {
        "merchantUserKey": "buyer-7f3a",
        "merchantPayKey": request.merchant_reference,
        "productName": "제주 감귤 5kg 외 1건",
        "productCount": 2,
        "totalPayAmount": 30000,
        "taxScopeAmount": 25000,
        "taxExScopeAmount": 5000,
        "returnUrl": request.return_url,
        "productItems": [
            {
                "categoryType": "PRODUCT",
                "categoryId": "GENERAL",
                "uid": "20260801-0001",
                "name": "제주 감귤 5kg 외 1건",
                "count": 2,
            }
        ],
    }
    query = dict(parse_qsl(urlsplit(action.url).query))
    assert json.loads(query["productItems"]) == action.params["productItems"]
    assert query["totalPayAmount"] == "30000"
    assert settings.NAVERPAY_CLIENT_SECRET not in action.url
    page = httpx.get(action.url)
    assert page.status_code == 200
    assert "30000원" in page.text
    assert "결제하기" in page.text


def test_begin_refuses_another_currency_or_fractions_of_a_won(naverpay, exchanges) -> None:
    with pytest.raises(ValueError, match="KRW"):
        naverpay.begin(payment_request(currency="USD"), record=exchanges.append)
    with pytest.raises(ValueError, match="whole"):
        naverpay.begin(payment_request(amount=Decimal("100.5")), record=exchanges.append)


def test_the_window_refuses_a_tax_split_that_does_not_add_up(naverpay, exchanges) -> None:
    action = naverpay.begin(payment_request(), record=exchanges.append)
    query = dict(parse_qsl(urlsplit(action.url).query)) | {"taxScopeAmount": "1"}

    page = httpx.get(action.url.split("?")[0], params=query)

    assert page.status_code == 400
    assert "과세 + 면세" in page.text


def test_the_window_refuses_another_merchants_client_id(naverpay, exchanges) -> None:
    action = naverpay.begin(payment_request(), record=exchanges.append)
    query = dict(parse_qsl(urlsplit(action.url).query)) | {"clientId": "someone-else"}

    page = httpx.get(action.url.split("?")[0], params=query)

    assert page.status_code == 400
    assert "InvalidMerchant" in page.text


# --- Approval ---------------------------------------------------------------------------------


def test_happy_path_approves_the_payment_for_the_windows_amount(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)

    assert back["resultCode"] == "Success"
    assert re.fullmatch(r"\d{8}NP\d{10}", back["paymentId"])
    result = naverpay.confirm(ref(request, data=dict(action.params)), back, record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert result.provider_payment_id == back["paymentId"]
    assert result.merchant_reference == request.merchant_reference
    assert (result.amount, result.tax_free_amount, result.currency) == (
        Decimal(30000),
        Decimal(5000),
        "KRW",
    )
    assert result.method_label == "네이버페이 카드 5310****"
    assert result.paid_at.endswith("+09:00")
    assert result.capture_id
    assert result.data["chain"] == "normal"
    assert naverpay_emulator.calls("apply") == 1
    [call] = exchanges
    assert (call.operation, call.status_code) == ("apply", 200)
    assert call.url.endswith("/np_sandbox/naverpay/payments/v2.2/apply/payment")
    assert call.request == {"paymentId": back["paymentId"]}
    assert call.response["body"]["detail"]["cardNo"] == "[redacted]"
    assert_no_secrets(exchanges)


def test_the_literal_naverpay_partner_path_is_answered_too(
    naverpay, naverpay_emulator, exchanges
) -> None:
    naverpay.partner_id = "naverpay-partner"

    _request, payment, result = pay(naverpay, naverpay_emulator, exchanges)

    assert result.status == ResultStatus.PAID
    assert "/naverpay-partner/naverpay/payments/" in exchanges[0].url
    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.PAID


def test_a_buyer_who_cancels_in_the_window_is_cancelled_without_calling_naverpay(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url, "cancel")

    result = naverpay.confirm(ref(request), back, record=exchanges.append)

    assert back["resultCode"] == "UserCancel"
    assert result.status == ResultStatus.CANCELLED
    assert result.data["resultCode"] == "UserCancel"
    assert naverpay_emulator.calls("apply") == 0
    assert exchanges == []


def test_a_failure_in_the_window_fails_without_calling_naverpay(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url, "fail")

    result = naverpay.confirm(ref(request), back, record=exchanges.append)

    assert back["resultCode"] == "OwnerAuthFail"
    assert result.status == ResultStatus.FAILED
    assert naverpay_emulator.calls("apply") == 0


def test_a_return_without_result_code_or_payment_id_is_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()

    with pytest.raises(ProviderError) as no_code:
        naverpay.confirm(ref(request), {}, record=exchanges.append)
    with pytest.raises(ProviderError) as no_id:
        naverpay.confirm(ref(request), {"resultCode": "Success"}, record=exchanges.append)

    assert (no_code.value.code, no_id.value.code) == ("RequireParameter", "InvalidPaymentId")
    assert naverpay_emulator.calls("apply") == 0


def test_a_return_for_another_payment_id_than_the_kept_one_is_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)

    with pytest.raises(ProviderError) as refused:
        naverpay.confirm(ref(request, "20260801NP0000000001"), back, record=exchanges.append)

    assert refused.value.code == "payment_id_mismatch"
    assert naverpay_emulator.calls("apply") == 0


def test_a_declined_approval_is_a_provider_error_and_the_payment_failed(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    naverpay_emulator.fault("apply", "decline")

    with pytest.raises(ProviderError) as declined:
        naverpay.confirm(ref(request), back, record=exchanges.append)

    assert declined.value.code == "Fail"
    status = naverpay.status(ref(request, back["paymentId"]), record=exchanges.append)
    assert status.status == ResultStatus.FAILED


def test_an_expired_window_is_refused_with_time_expired(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    naverpay_emulator.fault("apply", "time_expired")

    with pytest.raises(ProviderError) as expired:
        naverpay.confirm(ref(request), back, record=exchanges.append)

    assert expired.value.code == "TimeExpired"
    again = raw_call(naverpay, "v2.2/apply/payment", paymentId=back["paymentId"])
    assert again.json()["code"] == "TimeExpired"  # the payment lapsed for good


def test_an_amount_mismatch_is_reported_with_naverpays_amount_and_can_be_cancelled_at_once(
    naverpay, naverpay_emulator, exchanges
) -> None:
    naverpay_emulator.fault("apply", "amount_mismatch")

    request, payment, result = pay(naverpay, naverpay_emulator, exchanges)

    assert result.status == ResultStatus.PAID
    assert result.merchant_reference == request.merchant_reference
    assert result.amount == Decimal(100) != request.amount
    # The services cancel what NaverPay charged (망취소).
    refunded = naverpay.refund(refund_of(payment, 100, 100, tax_free=100), record=exchanges.append)
    assert refunded.remaining == 0
    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.REFUNDED


def test_a_repeated_confirm_is_answered_from_the_idempotency_key_with_one_approval(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, first = pay(naverpay, naverpay_emulator, exchanges)
    back = {"resultCode": "Success", "paymentId": first.provider_payment_id}

    second = naverpay.confirm(payment, back, record=exchanges.append)

    assert second == first
    assert [call.status_code for call in exchanges] == [200, 409]
    assert naverpay_emulator.calls("apply") == 2
    history = raw_call(naverpay, "v2.2/list/history/" + first.provider_payment_id).json()
    assert [item["admissionTypeCode"] for item in history["body"]["list"]] == ["01"]


def test_already_complete_under_another_key_is_read_from_the_history(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    earlier = raw_call(naverpay, "v2.2/apply/payment", key="earlier", paymentId=back["paymentId"])
    assert earlier.json()["code"] == "Success"

    result = naverpay.confirm(ref(request), back, record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert (result.amount, result.merchant_reference) == (
        Decimal(30000),
        request.merchant_reference,
    )
    assert [call.operation for call in exchanges] == ["apply", "history"]
    assert exchanges[0].response["code"] == "AlreadyComplete"


def test_a_timeout_after_processing_is_unknown_and_naverpay_did_approve(
    naverpay, naverpay_emulator, exchanges, settings
) -> None:
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    naverpay_emulator.fault("apply", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.confirm(ref(request), back, record=exchanges.append)

    assert exchanges[-1].status_code is None
    assert exchanges[-1].error.startswith("no answer")
    status = naverpay.status(ref(request, back["paymentId"]), record=exchanges.append)
    assert (status.status, status.amount) == (ResultStatus.PAID, Decimal(30000))
    retried = naverpay.confirm(ref(request), back, record=exchanges.append)
    assert retried.status == ResultStatus.PAID
    assert exchanges[-1].status_code == 409  # the original approval, not a second one


def test_a_server_error_is_unknown_and_nothing_was_approved(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    naverpay_emulator.fault("apply", "server_error")

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.confirm(ref(request), back, record=exchanges.append)

    status = naverpay.status(ref(request, back["paymentId"]), record=exchanges.append)
    assert status.status == ResultStatus.AUTHENTICATED  # the buyer paid, apply is due
    assert naverpay.confirm(ref(request), back, record=exchanges.append).status == ResultStatus.PAID


def test_wrong_keys_are_refused_with_the_gateways_401(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url)
    naverpay.client_secret = "not-our-secret"

    with pytest.raises(ProviderError) as refused:
        naverpay.confirm(ref(request), back, record=exchanges.append)

    assert refused.value.code == "Unauthorized"
    assert exchanges[-1].status_code == 401
    assert exchanges[-1].response["errorCode"] == "024"
    assert "not-our-secret" not in repr(exchanges)
    assert naverpay_emulator.calls("apply") == 0


def test_a_call_without_the_chain_id_header_is_refused(naverpay, naverpay_emulator) -> None:
    url = f"{naverpay.base_url}/{naverpay.partner_id}/naverpay/payments/v2.2/apply/payment"
    headers = {
        "X-Naver-Client-Id": naverpay.client_id,
        "X-Naver-Client-Secret": naverpay.client_secret,
    }

    answer = httpx.post(url, headers=headers, data={"paymentId": "20260801NP1234567890"})

    assert answer.status_code == 401


def test_the_idempotency_key_is_echoed(naverpay, naverpay_emulator) -> None:
    answer = raw_call(naverpay, "v2.2/apply/payment", key="echo-me", paymentId="nope")

    assert answer.headers["X-NaverPay-Idempotency-Key"] == "echo-me"
    assert answer.json()["code"] == "InvalidPaymentId"


# --- Status -----------------------------------------------------------------------------------


def test_status_of_a_payment_the_buyer_never_finished_is_pending(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request = payment_request()
    naverpay.begin(request, record=exchanges.append)

    result = naverpay.status(ref(request), record=exchanges.append)

    assert result.status == ResultStatus.PENDING
    assert {call.operation for call in exchanges} == {"history"}
    assert "startTime" in exchanges[0].request  # searched by time range: no paymentId yet


def test_status_finds_a_paid_payment_by_our_reference_when_its_id_never_reached_us(
    naverpay, naverpay_emulator, exchanges
) -> None:
    request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    pay(naverpay, naverpay_emulator, exchanges)  # another payment in the same history

    result = naverpay.status(replace(payment, provider_payment_id=""), record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert result.provider_payment_id == payment.provider_payment_id
    assert result.merchant_reference == request.merchant_reference


def test_status_follows_the_payment_through_partial_and_full_refund(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.PAID

    first = naverpay.refund(refund_of(payment, 10000, 30000), record=exchanges.append)
    partial = naverpay.status(payment, record=exchanges.append)
    second = naverpay.refund(
        refund_of(payment, 20000, 20000, tax_free=5000), record=exchanges.append
    )
    full = naverpay.status(payment, record=exchanges.append)

    assert (first.amount, first.remaining, first.refund_reference != "") == (
        Decimal(10000),
        Decimal(20000),
        True,
    )
    assert (partial.status, partial.refunded_amount) == (
        ResultStatus.PARTIALLY_REFUNDED,
        Decimal(10000),
    )
    assert (second.amount, second.remaining) == (Decimal(20000), Decimal(0))
    assert (full.status, full.refunded_amount, full.amount) == (
        ResultStatus.REFUNDED,
        Decimal(30000),
        Decimal(30000),
    )
    cancel = next(call for call in exchanges if call.operation == "cancel")
    assert cancel.request["doCompareRest"] == "1"
    assert cancel.request["expectedRestAmount"] == "20000"
    assert cancel.request["cancelRequester"] == "2"


# --- Refunds ----------------------------------------------------------------------------------


def test_a_refund_with_a_stale_remaining_amount_is_refused_and_nothing_is_refunded(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    naverpay.refund(refund_of(payment, 10000, 30000), record=exchanges.append)

    with pytest.raises(ProviderError) as stale:
        naverpay.refund(refund_of(payment, 5000, 30000), record=exchanges.append)

    assert stale.value.code == "RestAmountDiff"
    assert naverpay.status(payment, record=exchanges.append).refunded_amount == Decimal(10000)


def test_a_refund_above_the_remaining_amount_is_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)

    with pytest.raises(ProviderError) as over:
        naverpay.refund(refund_of(payment, 30001, 30000), record=exchanges.append)

    assert over.value.code == "OverRemainAmount"
    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.PAID


def test_a_tax_free_refund_above_the_tax_free_remaining_is_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)

    with pytest.raises(ProviderError) as refused:
        naverpay.refund(refund_of(payment, 6000, 30000, tax_free=6000), record=exchanges.append)

    assert refused.value.code == "TaxScopeAmtGreaterThanRemainError"


def test_cancel_not_complete_is_retried_with_the_same_key_until_it_goes_through(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    naverpay_emulator.fault("cancel", "cancel_not_complete")

    refunded = naverpay.refund(refund_of(payment, 10000, 30000), record=exchanges.append)

    assert refunded.remaining == Decimal(20000)
    cancels = [call for call in exchanges if call.operation == "cancel"]
    assert [call.response["code"] for call in cancels] == ["CancelNotComplete", "Success"]
    assert naverpay_emulator.calls("cancel") == 2
    assert naverpay.status(payment, record=exchanges.append).refunded_amount == Decimal(10000)


def test_cancel_not_complete_every_time_is_unknown_after_a_bounded_number_of_tries(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    naverpay_emulator.fault("cancel", "cancel_not_complete", times=CANCEL_ATTEMPTS + 2)

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.refund(refund_of(payment, 10000, 30000), record=exchanges.append)

    assert naverpay_emulator.calls("cancel") == CANCEL_ATTEMPTS


def test_a_refund_timeout_after_processing_is_unknown_and_a_retry_refunds_once(
    naverpay, naverpay_emulator, exchanges, settings
) -> None:
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    refund = refund_of(payment, 10000, 30000)
    naverpay_emulator.fault("cancel", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.refund(refund, record=exchanges.append)

    assert naverpay.status(payment, record=exchanges.append).status == (
        ResultStatus.PARTIALLY_REFUNDED
    )
    again = naverpay.refund(refund, record=exchanges.append)
    assert (again.amount, again.remaining) == (Decimal(10000), Decimal(20000))
    assert exchanges[-1].status_code == 409
    assert naverpay.status(payment, record=exchanges.append).refunded_amount == Decimal(10000)


def test_a_refund_server_error_is_unknown_and_nothing_was_refunded(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, payment, _result = pay(naverpay, naverpay_emulator, exchanges)
    naverpay_emulator.fault("cancel", "server_error")

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.refund(refund_of(payment, 10000, 30000), record=exchanges.append)

    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.PAID


# --- Brand pay (정기/반복결제) -------------------------------------------------------------------


def register(naverpay, naverpay_emulator, exchanges, action_name="approve", **overrides):
    """Begin a brand-pay payment and press ``action_name`` in the registration window."""
    request = payment_request(register_method=True, **overrides)
    action = naverpay.begin(request, record=exchanges.append)
    back = naverpay_emulator.back(action.url, action_name)
    return request, action, ref(request, data=dict(action.params)), back


def test_brand_pay_registers_the_method_and_makes_the_first_charge(
    naverpay, naverpay_emulator, exchanges
) -> None:
    from django.conf import settings

    request, action, payment, back = register(naverpay, naverpay_emulator, exchanges)

    assert action.kind == "redirect"
    assert (
        action.url == f"{naverpay_emulator.base_url}/recurrent/regist/{action.params['reserveId']}/"
    )
    assert back["resultCode"] == "Success"
    assert back["reserveId"] == action.params["reserveId"]
    result = naverpay.confirm(payment, back, record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert result.stored_token
    assert result.stored_label == "네이버페이 카드 5310****"
    assert (result.amount, result.tax_free_amount) == (Decimal(30000), Decimal(5000))
    assert result.merchant_reference == request.merchant_reference
    assert result.data["chain"] == "recurrent"
    assert [call.operation for call in exchanges] == [
        "regist_reserve",
        "regist_approval",
        "recurrent_reserve",
        "recurrent_approval",
    ]
    assert all(
        naverpay_emulator.calls(operation) == 1
        for operation in ("regist_approval", "recurrent_reserve", "recurrent_approval")
    )
    assert naverpay_emulator.calls("apply") == 0
    assert_no_secrets(exchanges, result.stored_token, settings.NAVERPAY_CLIENT_SECRET)


def test_a_repeated_brand_pay_confirm_registers_and_charges_once(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, _action, payment, back = register(naverpay, naverpay_emulator, exchanges)
    first = naverpay.confirm(payment, back, record=exchanges.append)

    second = naverpay.confirm(payment, back, record=exchanges.append)

    assert (second.status, second.stored_token, second.provider_payment_id) == (
        ResultStatus.PAID,
        first.stored_token,
        first.provider_payment_id,
    )
    assert [call.status_code for call in exchanges[-3:]] == [409, 409, 409]


def test_a_cancelled_registration_is_cancelled_without_calling_naverpay(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, _action, payment, back = register(naverpay, naverpay_emulator, exchanges, "cancel")

    result = naverpay.confirm(payment, back, record=exchanges.append)

    assert result.status == ResultStatus.CANCELLED
    assert result.stored_token == ""
    assert naverpay_emulator.calls("regist_approval") == 0


def test_a_registration_return_for_another_reserve_is_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, _action, payment, _back = register(naverpay, naverpay_emulator, exchanges)
    _other_request, _other_action, _other_payment, other_back = register(
        naverpay, naverpay_emulator, exchanges
    )

    with pytest.raises(ProviderError) as refused:
        naverpay.confirm(payment, other_back, record=exchanges.append)

    assert refused.value.code == "reserve_mismatch"
    assert naverpay_emulator.calls("regist_approval") == 0


def test_a_declined_first_charge_still_hands_back_the_registered_method(
    naverpay, naverpay_emulator, exchanges
) -> None:
    _request, _action, payment, back = register(naverpay, naverpay_emulator, exchanges)
    naverpay_emulator.fault("recurrent_approval", "decline")

    result = naverpay.confirm(payment, back, record=exchanges.append)

    assert result.status == ResultStatus.FAILED
    assert result.stored_token
    assert result.data["errorCode"] == "Fail"


def stored_method(naverpay, naverpay_emulator, exchanges) -> StoredMethod:
    _request, _action, payment, back = register(naverpay, naverpay_emulator, exchanges)
    result = naverpay.confirm(payment, back, record=exchanges.append)
    return StoredMethod(
        token=result.stored_token, label=result.stored_label, buyer_key="buyer-7f3a"
    )


def test_charge_stored_charges_the_saved_method_and_can_be_refunded(
    naverpay, naverpay_emulator, exchanges
) -> None:
    method = stored_method(naverpay, naverpay_emulator, exchanges)
    request = payment_request(amount=Decimal(12000), tax_free_amount=Decimal(0))

    result = naverpay.charge_stored(method, request, record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert (result.amount, result.merchant_reference) == (
        Decimal(12000),
        request.merchant_reference,
    )
    assert result.method_label == "네이버페이 카드 5310****"
    payment = kept(ref(request), result)
    refunded = naverpay.refund(refund_of(payment, 12000, 12000), record=exchanges.append)
    assert refunded.remaining == 0
    assert naverpay.status(payment, record=exchanges.append).status == ResultStatus.REFUNDED
    # Cancel and history of a recurrent payment speak the recurrent chain.
    assert exchanges[-2].operation == "cancel"
    assert exchanges[-2].response["code"] == "Success"
    assert_no_secrets(exchanges, method.token)


def test_a_charge_for_the_same_intent_twice_charges_once(
    naverpay, naverpay_emulator, exchanges
) -> None:
    method = stored_method(naverpay, naverpay_emulator, exchanges)
    request = payment_request(amount=Decimal(12000), tax_free_amount=Decimal(0))

    first = naverpay.charge_stored(method, request, record=exchanges.append)
    second = naverpay.charge_stored(method, request, record=exchanges.append)

    assert second.provider_payment_id == first.provider_payment_id
    assert [call.status_code for call in exchanges[-2:]] == [409, 409]


def test_a_charge_whose_answer_timed_out_is_found_by_status_through_our_reference(
    naverpay, naverpay_emulator, exchanges, settings
) -> None:
    method = stored_method(naverpay, naverpay_emulator, exchanges)
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    request = payment_request(amount=Decimal(12000), tax_free_amount=Decimal(0))
    naverpay_emulator.fault("recurrent_approval", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        naverpay.charge_stored(method, request, record=exchanges.append)

    # The services know neither the paymentId nor the chain: status looks in both.
    result = naverpay.status(ref(request), record=exchanges.append)
    assert (result.status, result.amount) == (ResultStatus.PAID, Decimal(12000))
    assert result.data["chain"] == "recurrent"


def test_deactivate_stored_expires_the_method_and_later_charges_are_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    method = stored_method(naverpay, naverpay_emulator, exchanges)

    naverpay.deactivate_stored(method, record=exchanges.append)
    naverpay.deactivate_stored(method, record=exchanges.append)  # retried: still done

    with pytest.raises(ProviderError) as refused:
        naverpay.charge_stored(method, payment_request(), record=exchanges.append)
    assert refused.value.code == "ExpiredRecurrentId"
    assert naverpay_emulator.calls("expire") == 2
    assert_no_secrets(exchanges, method.token)


def test_deactivating_an_already_expired_method_under_another_key_counts_as_done(
    naverpay, naverpay_emulator, exchanges
) -> None:
    from django.conf import settings

    method = stored_method(naverpay, naverpay_emulator, exchanges)
    headers = {
        "X-Naver-Client-Id": naverpay.client_id,
        "X-Naver-Client-Secret": naverpay.client_secret,
        "X-NaverPay-Chain-Id": settings.NAVERPAY_RECURRENT_CHAIN_ID,
    }
    url = f"{naverpay.base_url}/{naverpay.partner_id}/naverpay/payments/recurrent/expire/v1/request"
    form = {"recurrentId": method.token, "expireRequester": "1", "expireReason": "buyer"}
    assert httpx.post(url, headers=headers, data=form).json()["code"] == "Success"

    naverpay.deactivate_stored(method, record=exchanges.append)

    assert exchanges[-1].response["code"] == "AlreadyExpired"


def test_recurrent_calls_with_the_one_time_chain_are_refused(
    naverpay, naverpay_emulator, exchanges
) -> None:
    method = stored_method(naverpay, naverpay_emulator, exchanges)
    naverpay.recurrent_chain_id = naverpay.chain_id

    with pytest.raises(ProviderError) as refused:
        naverpay.charge_stored(method, payment_request(), record=exchanges.append)

    assert refused.value.code == "InvalidMerchant"


def test_naverpay_sends_no_webhooks(naverpay, exchanges) -> None:
    with pytest.raises(ProviderError) as refused:
        naverpay.parse_webhook({}, b"{}", record=exchanges.append)

    assert refused.value.code == "not_supported"
    assert exchanges == []


def test_the_begin_result_is_an_ordinary_next_action(
    naverpay, naverpay_emulator, exchanges
) -> None:
    action = naverpay.begin(payment_request(), record=exchanges.append)

    assert isinstance(action, NextAction)
    assert action.provider_payment_id == ""  # NaverPay's paymentId arrives on the return
