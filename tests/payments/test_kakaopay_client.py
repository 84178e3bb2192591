"""The KakaoPay client over real HTTP against the KakaoPay emulator on the live server."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal

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
from payments.providers.kakaopay import LIVE_BASE_URL, KakaoPay, base_url

pytestmark = pytest.mark.django_db(transaction=True)

RETURN = "https://shop.example/payments/kakaopay"


def payment_request(**overrides) -> PaymentRequest:
    reference = uuid.uuid4().hex
    values = {
        "merchant_reference": reference,
        "order_number": "20260801-0001",
        "buyer_key": "buyer-7f3a",
        "item_name": "제주 감귤 5kg 외 1건",
        "quantity": 2,
        "amount": Decimal(23000),
        "tax_free_amount": Decimal(1000),
        "vat_amount": Decimal(2000),
        "currency": "KRW",
        "return_url": f"{RETURN}/return/{reference}/",
        "cancel_url": f"{RETURN}/cancel/{reference}/",
        "fail_url": f"{RETURN}/fail/{reference}/",
    }
    return PaymentRequest(**{**values, **overrides})


def ref(request: PaymentRequest, action: NextAction, amount: Decimal | None = None) -> PaymentRef:
    """The payment as the services keep it after ``begin`` (with the CID it used)."""
    return PaymentRef(
        merchant_reference=request.merchant_reference,
        provider_payment_id=action.provider_payment_id,
        buyer_key=request.buyer_key,
        amount=request.amount if amount is None else amount,
        tax_free_amount=request.tax_free_amount,
        currency="KRW",
        data={"cid": action.params["cid"]},
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
def client(kakaopay_emulator) -> KakaoPay:
    return KakaoPay()


def begun(client: KakaoPay, exchanges: list, **overrides):
    request = payment_request(**overrides)
    return request, client.begin(request, record=exchanges.append)


def paid(client, kakaopay_emulator, exchanges, method="MONEY", **overrides):
    """Begin, approve on the sheet and confirm; return the ref and the result."""
    request, action = begun(client, exchanges, **overrides)
    params = kakaopay_emulator.approve(action.url, method)
    payment = ref(request, action)
    return payment, client.confirm(payment, params, record=exchanges.append)


def assert_no_secrets(exchanges: list[Exchange], *secrets: str) -> None:
    from django.conf import settings

    text = json.dumps([exchange.__dict__ for exchange in exchanges], default=str)
    for secret in (settings.KAKAOPAY_SECRET_KEY, *secrets):
        assert secret not in text


# --- The happy path ---------------------------------------------------------------------------


def test_the_client_speaks_the_provider_interface():
    client = KakaoPay()

    assert isinstance(client, PaymentProvider)
    assert (client.code, client.currency, client.supports_stored_methods) == (
        "kakaopay",
        "KRW",
        True,
    )


def test_an_empty_base_url_means_the_emulator_in_sandbox_and_kakaopay_otherwise(settings):
    settings.KAKAOPAY_BASE_URL = ""
    settings.SITE_URL = "http://shop.test:8000/"
    assert base_url() == "http://shop.test:8000/sandbox/kakaopay"

    settings.SHOP_SANDBOX = False
    assert base_url() == LIVE_BASE_URL

    settings.KAKAOPAY_BASE_URL = "https://kakaopay.proxy.internal/"
    assert base_url() == "https://kakaopay.proxy.internal"


def test_a_buyer_who_approves_is_charged_the_amount_of_the_intent(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)

    assert action.kind == "redirect"
    assert re.fullmatch(r"T\d{19}", action.provider_payment_id)
    assert action.url.startswith(f"{kakaopay_emulator.base_url}/pay/{action.provider_payment_id}/")
    assert action.params["cid"] == "TC0ONETIME"

    sheet = httpx.get(action.url)
    assert "23,000원" in sheet.text
    assert "결제하기" in sheet.text
    back = kakaopay_emulator.buyer(action.url)
    assert back.startswith(request.return_url + "?pg_token=")
    params = dict(httpx.URL(back).params)
    assert re.fullmatch(r"[0-9a-f]{20}", params["pg_token"])

    result = client.confirm(ref(request, action), params, record=exchanges.append)

    assert result.status == ResultStatus.PAID
    assert result.provider_payment_id == action.provider_payment_id
    assert result.merchant_reference == request.merchant_reference
    assert (result.amount, result.tax_free_amount, result.currency) == (
        Decimal(23000),
        Decimal(1000),
        "KRW",
    )
    assert result.method_label == "카카오페이머니"
    assert result.stored_token == ""
    assert re.fullmatch(r"A\d{19}", result.data["aid"])
    assert result.data["tid"] == action.provider_payment_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", result.paid_at)
    assert kakaopay_emulator.calls("approve") == 1
    assert [exchange.operation for exchange in exchanges] == ["ready", "approve"]
    assert [exchange.status_code for exchange in exchanges] == [200, 200]
    assert exchanges[1].request["total_amount"] == 23000
    assert_no_secrets(exchanges, params["pg_token"])


def test_a_card_payment_is_labelled_with_the_masked_card(client, kakaopay_emulator, exchanges):
    payment, result = paid(client, kakaopay_emulator, exchanges, method="CARD")

    assert result.method_label == "카카오페이 수협은행 6216****"
    assert result.data["payment_method_type"] == "CARD"
    looked_up = client.status(payment, record=exchanges.append)
    assert looked_up.method_label == "카카오페이 수협은행 6216****"


def test_the_emulator_takes_numbers_as_numeric_strings_like_the_official_sample(
    kakaopay_emulator, settings
):
    body = {
        "cid": "TC0ONETIME",
        "partner_order_id": "order-1",
        "partner_user_id": "user-1",
        "item_name": "초코파이",
        "quantity": "1",
        "total_amount": "2200",
        "tax_free_amount": "0",
        "approval_url": "https://shop.example/ok",
        "cancel_url": "https://shop.example/cancel",
        "fail_url": "https://shop.example/fail",
    }
    headers = {"Authorization": f"SECRET_KEY {settings.KAKAOPAY_SECRET_KEY}"}
    answer = httpx.post(
        f"{kakaopay_emulator.base_url}/online/v1/payment/ready", json=body, headers=headers
    )
    assert answer.status_code == 200
    tid = answer.json()["tid"]

    looked_up = httpx.post(
        f"{kakaopay_emulator.base_url}/online/v1/payment/order",
        json={"cid": "TC0ONETIME", "tid": tid},
        headers=headers,
    ).json()
    assert looked_up["status"] == "READY"
    assert looked_up["amount"]["total"] == 2200
    assert looked_up["amount"]["vat"] == 200  # (2200 - 0) / 11, KakaoPay's default


def test_the_emulator_refuses_a_request_missing_a_field_naming_it(kakaopay_emulator, settings):
    answer = httpx.post(
        f"{kakaopay_emulator.base_url}/online/v1/payment/ready",
        json={"cid": "TC0ONETIME", "partner_order_id": "o", "partner_user_id": "u"},
        headers={"Authorization": f"SECRET_KEY {settings.KAKAOPAY_SECRET_KEY}"},
    )

    assert answer.status_code == 400
    assert answer.json()["error_code"] == -2
    assert "item_name" in answer.json()["error_message"]


def test_a_fractional_won_amount_is_refused_before_anything_is_sent(
    client, kakaopay_emulator, exchanges
):
    with pytest.raises(ProviderError) as refused:
        begun(client, exchanges, amount=Decimal("23000.5"))

    assert refused.value.code == "invalid_amount"
    assert kakaopay_emulator.calls("ready") == 0
    assert exchanges == []


# --- The buyer quits or fails ----------------------------------------------------------------


def test_a_buyer_who_cancels_goes_to_the_cancel_url_and_the_payment_is_cancelled(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)

    back = kakaopay_emulator.buyer(action.url, "cancel")

    assert back == request.cancel_url
    payment = ref(request, action)
    assert client.status(payment, record=exchanges.append).status == ResultStatus.CANCELLED
    with pytest.raises(ProviderError) as refused:
        client.confirm(payment, {}, record=exchanges.append)
    assert refused.value.code == "missing_pg_token"
    with pytest.raises(ProviderError) as forged:
        client.confirm(payment, {"pg_token": "0" * 20}, record=exchanges.append)
    assert forged.value.code == "-780"
    assert "NOT_AUTHENTICATED" in forged.value.message


def test_a_failed_authentication_goes_to_the_fail_url_and_the_payment_is_failed(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)

    back = kakaopay_emulator.buyer(action.url, "fail")

    assert back == request.fail_url
    looked_up = client.status(ref(request, action), record=exchanges.append)
    assert looked_up.status == ResultStatus.FAILED
    assert looked_up.data["status"] == "FAIL_AUTH_PASSWORD"


def test_the_sheet_of_a_finished_payment_takes_no_second_answer(
    client, kakaopay_emulator, exchanges
):
    _request, action = begun(client, exchanges)
    kakaopay_emulator.buyer(action.url, "cancel")

    again = httpx.post(action.url, data={"action": "approve"})

    assert again.status_code == 409
    assert "이미 처리된 결제입니다" in again.text
    assert httpx.get(f"{kakaopay_emulator.base_url}/pay/T0000000000000000000/").status_code == 404


def test_a_declined_approval_is_refused_with_the_providers_code(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)
    params = kakaopay_emulator.approve(action.url)
    kakaopay_emulator.fault("approve", "decline")
    payment = ref(request, action)

    with pytest.raises(ProviderError) as refused:
        client.confirm(payment, params, record=exchanges.append)

    assert refused.value.code == "-780"
    assert "DECLINED" in refused.value.message
    assert exchanges[-1].status_code == 400
    assert exchanges[-1].response["extras"]["method_result_code"] == "DECLINED"
    assert client.status(payment, record=exchanges.append).status == ResultStatus.FAILED


# --- Tampering -------------------------------------------------------------------------------


def test_an_approval_for_another_amount_than_the_ready_one_is_refused(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)
    params = kakaopay_emulator.approve(action.url)

    with pytest.raises(ProviderError) as refused:
        client.confirm(ref(request, action, amount=Decimal(100)), params, record=exchanges.append)

    assert refused.value.code == "-780"
    assert "AMOUNT_MISMATCH" in refused.value.message
    # Nothing happened: the right amount still approves.
    result = client.confirm(ref(request, action), params, record=exchanges.append)
    assert result.amount == Decimal(23000)


def test_the_pg_token_of_another_payment_does_not_approve_this_one(
    client, kakaopay_emulator, exchanges
):
    request_a, action_a = begun(client, exchanges)
    request_b, action_b = begun(client, exchanges)
    kakaopay_emulator.approve(action_a.url)
    params_b = kakaopay_emulator.approve(action_b.url)

    with pytest.raises(ProviderError) as refused:
        client.confirm(ref(request_a, action_a), params_b, record=exchanges.append)

    assert refused.value.code == "-780"
    assert "INVALID_PG_TOKEN" in refused.value.message
    someone_else = PaymentRef(
        merchant_reference=request_b.merchant_reference,
        provider_payment_id=action_b.provider_payment_id,
        buyer_key="another-buyer",
        amount=request_b.amount,
        tax_free_amount=request_b.tax_free_amount,
        currency="KRW",
    )
    with pytest.raises(ProviderError) as mismatched:
        client.confirm(someone_else, params_b, record=exchanges.append)
    assert "PARTNER_MISMATCH" in mismatched.value.message


def test_an_amount_mismatch_fault_answers_paid_for_another_amount_and_lookups_agree(
    client, kakaopay_emulator, exchanges
):
    kakaopay_emulator.fault("approve", "amount_mismatch")

    payment, result = paid(client, kakaopay_emulator, exchanges)

    assert result.status == ResultStatus.PAID
    assert result.amount == Decimal(24000)
    looked_up = client.status(payment, record=exchanges.append)
    assert looked_up.amount == Decimal(24000)
    # What the services do next (망취소): cancel everything KakaoPay charged.
    refunded = client.refund(refund_of(payment, 24000, 24000, 1000), record=exchanges.append)
    assert refunded.remaining == Decimal(0)


# --- Refunds ---------------------------------------------------------------------------------


def test_partial_then_full_refunds_follow_the_remaining_amount_guard(
    client, kakaopay_emulator, exchanges
):
    payment, _result = paid(client, kakaopay_emulator, exchanges)

    first = client.refund(refund_of(payment, 5000, 23000), record=exchanges.append)

    assert re.fullmatch(r"A\d{19}", first.refund_reference)
    assert (first.amount, first.remaining, first.status) == (
        Decimal(5000),
        Decimal(18000),
        "completed",
    )
    looked_up = client.status(payment, record=exchanges.append)
    assert looked_up.status == ResultStatus.PARTIALLY_REFUNDED
    assert looked_up.refunded_amount == Decimal(5000)
    assert looked_up.data["cancel_available"] == "18000"

    with pytest.raises(ProviderError) as too_much:
        client.refund(refund_of(payment, 18001, 18000), record=exchanges.append)
    assert too_much.value.code == "-2"
    assert "CANCEL_AMOUNT_EXCEEDED" in too_much.value.message
    with pytest.raises(ProviderError) as stale:
        client.refund(refund_of(payment, 1000, 23000), record=exchanges.append)
    assert stale.value.code == "-2"
    assert "CANCEL_AVAILABLE_AMOUNT_MISMATCH" in stale.value.message

    last = client.refund(refund_of(payment, 18000, 18000, 1000), record=exchanges.append)

    assert last.remaining == Decimal(0)
    assert last.data["status"] == "CANCEL_PAYMENT"
    looked_up = client.status(payment, record=exchanges.append)
    assert looked_up.status == ResultStatus.REFUNDED
    assert looked_up.refunded_amount == Decimal(23000)
    assert kakaopay_emulator.calls("cancel") == 4


def test_the_refund_key_is_kept_on_the_providers_cancel_action(
    client, kakaopay_emulator, exchanges, settings
):
    payment, _result = paid(client, kakaopay_emulator, exchanges)
    refund = refund_of(payment, 3000, 23000)

    client.refund(refund, record=exchanges.append)

    order = httpx.post(
        f"{kakaopay_emulator.base_url}/online/v1/payment/order",
        json={"cid": "TC0ONETIME", "tid": payment.provider_payment_id},
        headers={"Authorization": f"SECRET_KEY {settings.KAKAOPAY_SECRET_KEY}"},
    ).json()
    actions = [
        (action["payment_action_type"], action["amount"], action["payload"])
        for action in order["payment_action_details"]
    ]
    assert actions == [("PAYMENT", 23000, ""), ("CANCEL", 3000, refund.idempotency_key)]


def test_an_unpaid_payment_cannot_be_refunded(client, kakaopay_emulator, exchanges):
    request, action = begun(client, exchanges)

    with pytest.raises(ProviderError) as refused:
        client.refund(refund_of(ref(request, action), 1000, 23000), record=exchanges.append)

    assert "NOT_CANCELABLE" in refused.value.message


# --- Status lookups --------------------------------------------------------------------------


def test_the_status_lookup_follows_the_payment_through_its_states(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)
    payment = ref(request, action)

    def looked_up() -> PaymentResult:
        return client.status(payment, record=exchanges.append)

    assert (looked_up().status, looked_up().data["status"]) == (ResultStatus.PENDING, "READY")
    assert looked_up().amount is None
    httpx.get(action.url)
    assert (looked_up().status, looked_up().data["status"]) == (
        ResultStatus.PENDING,
        "OPEN_PAYMENT",
    )
    params = kakaopay_emulator.approve(action.url)
    assert looked_up().status == ResultStatus.AUTHENTICATED
    client.confirm(payment, params, record=exchanges.append)
    result = looked_up()
    assert (result.status, result.amount, result.tax_free_amount) == (
        ResultStatus.PAID,
        Decimal(23000),
        Decimal(1000),
    )
    assert result.merchant_reference == request.merchant_reference
    assert result.refunded_amount == Decimal(0)
    assert exchanges[-1].operation == "order"


# --- Faults ----------------------------------------------------------------------------------


def test_an_approval_timing_out_after_processing_is_unknown_and_the_lookup_says_paid(
    client, kakaopay_emulator, exchanges, settings
):
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1
    request, action = begun(client, exchanges)
    params = kakaopay_emulator.approve(action.url)
    kakaopay_emulator.fault("approve", "timeout_after_processing")
    payment = ref(request, action)

    with pytest.raises(ProviderOutcomeUnknownError):
        client.confirm(payment, params, record=exchanges.append)

    assert exchanges[-1].status_code is None
    assert exchanges[-1].error.startswith("no answer")
    looked_up = client.status(payment, record=exchanges.append)
    assert (looked_up.status, looked_up.amount) == (ResultStatus.PAID, Decimal(23000))
    assert kakaopay_emulator.calls("approve") == 1


def test_a_cancel_timing_out_after_processing_is_unknown_and_the_lookup_says_refunded(
    client, kakaopay_emulator, exchanges, settings
):
    payment, _result = paid(client, kakaopay_emulator, exchanges)
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1
    kakaopay_emulator.fault("cancel", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        client.refund(refund_of(payment, 23000, 23000, 1000), record=exchanges.append)

    assert client.status(payment, record=exchanges.append).status == ResultStatus.REFUNDED


def test_a_server_error_is_unknown_and_nothing_was_processed(client, kakaopay_emulator, exchanges):
    request, action = begun(client, exchanges)
    params = kakaopay_emulator.approve(action.url)
    kakaopay_emulator.fault("approve", "server_error")
    payment = ref(request, action)

    with pytest.raises(ProviderOutcomeUnknownError):
        client.confirm(payment, params, record=exchanges.append)

    assert exchanges[-1].status_code == 500
    assert exchanges[-1].response["error_code"] == -1
    assert client.status(payment, record=exchanges.append).status == ResultStatus.AUTHENTICATED
    assert client.confirm(payment, params, record=exchanges.append).status == ResultStatus.PAID
    assert kakaopay_emulator.calls("approve") == 2


def test_a_second_approve_of_the_same_payment_is_refused_and_charges_once(
    client, kakaopay_emulator, exchanges
):
    request, action = begun(client, exchanges)
    params = kakaopay_emulator.approve(action.url)
    payment = ref(request, action)
    client.confirm(payment, params, record=exchanges.append)

    with pytest.raises(ProviderError) as refused:
        client.confirm(payment, params, record=exchanges.append)

    assert refused.value.code == "-780"
    assert "ALREADY_APPROVED" in refused.value.message
    looked_up = client.status(payment, record=exchanges.append)
    assert (looked_up.status, looked_up.amount) == (ResultStatus.PAID, Decimal(23000))
    assert kakaopay_emulator.calls("approve") == 2


def test_a_server_error_on_ready_is_unknown(client, kakaopay_emulator, exchanges):
    kakaopay_emulator.fault("ready", "server_error")

    with pytest.raises(ProviderOutcomeUnknownError):
        begun(client, exchanges)

    assert kakaopay_emulator.calls("ready") == 1


# --- Transport and auth ----------------------------------------------------------------------


def test_a_wrong_secret_key_is_refused_with_kakaopays_401_body(kakaopay_emulator, exchanges):
    client = KakaoPay(secret_key="DEV0000000000WRONG")

    with pytest.raises(ProviderError) as refused:
        begun(client, exchanges)

    assert refused.value.code == "-401"
    assert exchanges[-1].status_code == 401
    assert set(exchanges[-1].response) == {"error_code", "error_message", "extras"}
    assert "DEV0000000000WRONG" not in json.dumps([e.__dict__ for e in exchanges], default=str)


def test_a_missing_or_legacy_authorization_header_is_refused(kakaopay_emulator, settings):
    url = f"{kakaopay_emulator.base_url}/online/v1/payment/order"
    body = {"cid": "TC0ONETIME", "tid": "T0000000000000000000"}

    missing = httpx.post(url, json=body)
    legacy = httpx.post(
        url, json=body, headers={"Authorization": f"KakaoAK {settings.KAKAOPAY_SECRET_KEY}"}
    )

    assert (missing.status_code, missing.json()["error_code"]) == (401, -401)
    assert (legacy.status_code, legacy.json()["error_code"]) == (401, -401)


def test_a_provider_that_cannot_be_reached_is_unavailable_and_retryable(exchanges):
    client = KakaoPay(base_url="http://127.0.0.1:9")

    with pytest.raises(ProviderError) as refused:
        begun(client, exchanges)

    assert refused.value.code == "unavailable"
    assert refused.value.retryable is True
    assert exchanges[-1].status_code is None


def test_kakaopay_sends_no_webhooks(client):
    with pytest.raises(ProviderError) as refused:
        client.parse_webhook({}, b"{}", record=lambda exchange: None)

    assert refused.value.code == "not_supported"


# --- Brand pay (SID) -------------------------------------------------------------------------


def registered(client, kakaopay_emulator, exchanges, method="CARD"):
    request, action = begun(client, exchanges, register_method=True)
    params = kakaopay_emulator.approve(action.url, method)
    result = client.confirm(ref(request, action), params, record=exchanges.append)
    return request, action, result


def test_a_payment_registering_a_method_uses_the_subscription_cid_and_issues_a_sid(
    client, kakaopay_emulator, exchanges
):
    request, action, result = registered(client, kakaopay_emulator, exchanges)

    assert action.params["cid"] == "TCSUBSCRIP"
    assert exchanges[0].request["cid"] == "TCSUBSCRIP"
    assert result.status == ResultStatus.PAID
    assert re.fullmatch(r"S\d{19}", result.stored_token)
    assert result.stored_label == "카카오페이 수협은행 6216****"
    assert result.data["cid"] == "TCSUBSCRIP"
    assert "sid" not in result.data
    assert client.stored_method_active(
        StoredMethod(result.stored_token, result.stored_label, request.buyer_key),
        record=exchanges.append,
    )
    assert_no_secrets(exchanges, result.stored_token)


def test_a_stored_method_is_charged_without_the_buyer_and_can_be_refunded(
    client, kakaopay_emulator, exchanges
):
    request, _action, first = registered(client, kakaopay_emulator, exchanges)
    method = StoredMethod(first.stored_token, first.stored_label, request.buyer_key)
    # A later order: a new reference; the buyer key of the SID is what KakaoPay wants.
    later = payment_request(buyer_key="ignored-for-stored", amount=Decimal(15000))

    charged = client.charge_stored(method, later, record=exchanges.append)

    assert charged.status == ResultStatus.PAID
    assert (charged.amount, charged.merchant_reference) == (
        Decimal(15000),
        later.merchant_reference,
    )
    assert charged.provider_payment_id != first.provider_payment_id
    assert charged.stored_token == ""
    assert charged.method_label == "카카오페이 수협은행 6216****"
    assert exchanges[-1].request["partner_user_id"] == request.buyer_key
    assert exchanges[-1].request["sid"] == "[redacted]"
    charge = PaymentRef(
        merchant_reference=later.merchant_reference,
        provider_payment_id=charged.provider_payment_id,
        buyer_key=request.buyer_key,
        amount=later.amount,
        tax_free_amount=later.tax_free_amount,
        currency="KRW",
        data=charged.data,
    )
    refunded = client.refund(refund_of(charge, 15000, 15000, 1000), record=exchanges.append)
    assert refunded.remaining == Decimal(0)
    assert kakaopay_emulator.calls("subscription") == 1
    assert_no_secrets(exchanges, first.stored_token)


def test_a_stored_method_of_another_buyer_key_or_a_declined_charge_is_refused(
    client, kakaopay_emulator, exchanges
):
    request, _action, first = registered(client, kakaopay_emulator, exchanges)

    with pytest.raises(ProviderError) as mismatched:
        client.charge_stored(
            StoredMethod(first.stored_token, first.stored_label, "someone-else"),
            payment_request(),
            record=exchanges.append,
        )
    assert mismatched.value.code == "-780"
    assert "PARTNER_MISMATCH" in mismatched.value.message

    kakaopay_emulator.fault("subscription", "decline")
    with pytest.raises(ProviderError) as declined:
        client.charge_stored(
            StoredMethod(first.stored_token, first.stored_label, request.buyer_key),
            payment_request(),
            record=exchanges.append,
        )
    assert "DECLINED" in declined.value.message


def test_a_stored_charge_timing_out_after_processing_is_unknown(
    client, kakaopay_emulator, exchanges, settings
):
    request, _action, first = registered(client, kakaopay_emulator, exchanges)
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1
    kakaopay_emulator.fault("subscription", "timeout_after_processing")

    with pytest.raises(ProviderOutcomeUnknownError):
        client.charge_stored(
            StoredMethod(first.stored_token, first.stored_label, request.buyer_key),
            payment_request(),
            record=exchanges.append,
        )

    assert kakaopay_emulator.calls("subscription") == 1


def test_a_deactivated_method_can_no_longer_be_charged(client, kakaopay_emulator, exchanges):
    request, _action, first = registered(client, kakaopay_emulator, exchanges, method="MONEY")
    method = StoredMethod(first.stored_token, first.stored_label, request.buyer_key)
    assert first.stored_label == "카카오페이머니"

    client.deactivate_stored(method, record=exchanges.append)

    assert exchanges[-1].operation == "inactive"
    assert not client.stored_method_active(method, record=exchanges.append)
    # A retried deactivation (after a lost answer) succeeds again.
    client.deactivate_stored(method, record=exchanges.append)
    with pytest.raises(ProviderError) as refused:
        client.charge_stored(method, payment_request(), record=exchanges.append)
    assert "INACTIVE_SID" in refused.value.message
    assert_no_secrets(exchanges, first.stored_token)


def test_deactivating_an_unknown_sid_is_refused(client, kakaopay_emulator, exchanges):
    with pytest.raises(ProviderError) as refused:
        client.deactivate_stored(
            StoredMethod("S0000000000000000000", "카카오페이머니", "buyer"),
            record=exchanges.append,
        )

    assert refused.value.code == "-2"
