"""PayPal client: OAuth2 client credentials, Orders v2 (create, capture, get), Payments v2
refunds and webhook verification through ``verify-webhook-signature`` (payments.md 3).

PayPal does not take KRW: the services convert the order total with ``payments.fx`` and
hand this client amounts already in ``settings.PAYPAL_CURRENCY``. Every write carries a
deterministic ``PayPal-Request-Id`` (create-, capture-, refund-), so a retry after a
timeout replays the first answer instead of paying or refunding twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.cache import cache

from payments.providers import http
from payments.providers.base import (
    NextAction,
    PaymentRef,
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderOutcomeUnknownError,
    Recorder,
    RefundRequest,
    RefundResult,
    ResultStatus,
    StoredMethod,
    WebhookNotice,
)
from shop.money import CURRENCY_DECIMALS

LIVE_BASE_URL = "https://api-m.paypal.com"
# A cached token is dropped this long before PayPal says it expires.
TOKEN_MARGIN_SECONDS = 300
WEBHOOK_HEADERS = {
    "auth_algo": "paypal-auth-algo",
    "cert_url": "paypal-cert-url",
    "transmission_id": "paypal-transmission-id",
    "transmission_sig": "paypal-transmission-sig",
    "transmission_time": "paypal-transmission-time",
}
CAPTURE_STATUSES = {
    "COMPLETED": ResultStatus.PAID,
    "PARTIALLY_REFUNDED": ResultStatus.PARTIALLY_REFUNDED,
    "REFUNDED": ResultStatus.REFUNDED,
    # Captured but the money is held (review, eCheck): the buyer is done and nothing is
    # left for this shop to call; the PAYMENT.CAPTURE.COMPLETED webhook or reconciliation
    # turns it into PAID. ``data["capture_status"]`` says PENDING.
    "PENDING": ResultStatus.AUTHENTICATED,
    "DECLINED": ResultStatus.FAILED,
    "FAILED": ResultStatus.FAILED,
}
ORDER_STATUSES = {
    "CREATED": ResultStatus.PENDING,
    "SAVED": ResultStatus.PENDING,
    "PAYER_ACTION_REQUIRED": ResultStatus.PENDING,
    "APPROVED": ResultStatus.AUTHENTICATED,
    "VOIDED": ResultStatus.CANCELLED,
    "COMPLETED": ResultStatus.PAID,
}


class PayPal:
    """PayPal Orders v2 with redirect approval (``payer-action``) and capture on return."""

    code = "paypal"
    label = "PayPal"
    supports_stored_methods = False  # the vault (payments.md 3.9) is not wired up

    def __init__(self) -> None:
        self.currency = settings.PAYPAL_CURRENCY
        self.base_url = base_url()
        self.client_id = settings.PAYPAL_CLIENT_ID
        self.client_secret = settings.PAYPAL_CLIENT_SECRET
        self.webhook_id = settings.PAYPAL_WEBHOOK_ID

    # --- Payments ------------------------------------------------------------------------------

    def begin(self, request: PaymentRequest, *, record: Recorder) -> NextAction:
        """Create the order and return the payer-action redirect.

        Idempotent per intent: ``PayPal-Request-Id: create-{merchant_reference}``.
        """
        body = {
            "intent": "CAPTURE",
            "purchase_units": [
                {
                    "reference_id": request.order_number,
                    "custom_id": request.merchant_reference,
                    "invoice_id": request.merchant_reference,
                    "description": request.item_name[:127],
                    "amount": money(request.amount, request.currency),
                }
            ],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "return_url": request.return_url,
                        "cancel_url": request.cancel_url,
                        "user_action": "PAY_NOW",
                        "shipping_preference": "NO_SHIPPING",
                        "payment_method_preference": "IMMEDIATE_PAYMENT_REQUIRED",
                        "locale": "ko-KR" if request.locale.startswith("ko") else "en-US",
                    }
                }
            },
        }
        response = self._api(
            "create",
            "POST",
            "/v2/checkout/orders",
            record=record,
            json_body=body,
            request_id=f"create-{request.merchant_reference}",
        )
        order = self._answer(response, "create")
        links = {link.get("rel"): link.get("href", "") for link in order.get("links", [])}
        url = links.get("payer-action") or links.get("approve")
        if not order.get("id") or not url:
            raise ProviderError("no_approval_link", "PayPal answered without a payer-action link")
        return NextAction(kind="redirect", url=url, provider_payment_id=order["id"])

    def confirm(
        self, payment: PaymentRef, params: Mapping[str, str], *, record: Recorder
    ) -> PaymentResult:
        """Capture the approved order the buyer came back with (``token`` = order id).

        Idempotent: ``PayPal-Request-Id: capture-{merchant_reference}`` replays the first
        capture, and ``ORDER_ALREADY_CAPTURED`` is answered by reading the order's capture.
        A ``token`` of another order is refused before any call.
        """
        order_id = payment.provider_payment_id
        token = params.get("token", "")
        if token and token != order_id:
            raise ProviderError("token_mismatch", "the return token is not this payment's order")
        response = self._api(
            "capture",
            "POST",
            f"/v2/checkout/orders/{order_id}/capture",
            record=record,
            json_body={},
            request_id=f"capture-{payment.merchant_reference}",
        )
        if response.status_code == 422 and _issue(response) == "ORDER_ALREADY_CAPTURED":
            return self.status(payment, record=record)
        return self._result(self._answer(response, "capture"), order_id)

    def status(self, payment: PaymentRef, *, record: Recorder) -> PaymentResult:
        """Read the order and its capture (reconciliation; webhooks are only hints)."""
        order_id = payment.provider_payment_id
        response = self._api("get", "GET", f"/v2/checkout/orders/{order_id}", record=record)
        return self._result(self._answer(response, "get"), order_id)

    def refund(self, refund: RefundRequest, *, record: Recorder) -> RefundResult:
        """Refund ``amount`` of the capture; PayPal refuses more than is left
        (``REFUND_AMOUNT_EXCEEDED``). Idempotent: ``PayPal-Request-Id:
        refund-{idempotency_key}`` replays the first refund."""
        capture_id = refund.payment.capture_id
        if not capture_id:
            raise ProviderError("no_capture", "this payment has no capture to refund")
        body: dict[str, Any] = {
            "amount": money(refund.amount, refund.payment.currency),
            "custom_id": refund.payment.merchant_reference,
        }
        if refund.reason:
            body["note_to_payer"] = refund.reason[:255]
        response = self._api(
            "refund",
            "POST",
            f"/v2/payments/captures/{capture_id}/refund",
            record=record,
            json_body=body,
            request_id=f"refund-{refund.idempotency_key}",
        )
        answer = self._answer(response, "refund")
        status = str(answer.get("status", ""))
        if status not in {"COMPLETED", "PENDING"}:
            raise ProviderError(f"REFUND_{status or 'UNKNOWN'}", "PayPal did not refund")
        total = _amount((answer.get("seller_payable_breakdown") or {}).get("total_refunded_amount"))
        if total is None:
            total = self.status(refund.payment, record=record).refunded_amount
        return RefundResult(
            refund_reference=str(answer.get("id", "")),
            amount=_amount(answer.get("amount")) or refund.amount,
            remaining=refund.payment.amount - total,
            status="completed" if status == "COMPLETED" else "pending",
            data={"refund_status": status, "total_refunded": str(total)},
        )

    # --- Webhooks ------------------------------------------------------------------------------

    def parse_webhook(
        self, headers: Mapping[str, str], body: bytes, *, record: Recorder
    ) -> list[WebhookNotice]:
        """Verify the event with PayPal and say which payment it is about.

        Raises ``ProviderError("bad_signature")`` when a PAYPAL-* header is missing or
        PayPal answers FAILURE; deduplicating event ids is the caller's part.
        """
        found = _webhook_headers(headers)
        if not all(found.values()) or not self.webhook_id:
            raise ProviderError("bad_signature", "PAYPAL-* transmission headers are missing")
        if not cert_url_is_paypals(found["cert_url"], self.base_url):
            raise ProviderError("bad_signature", "PAYPAL-CERT-URL is not on PayPal's domain")
        try:
            event = json.loads(body)
        except ValueError as failure:
            raise ProviderError("bad_payload", "the webhook body is not JSON") from failure
        if not isinstance(event, dict) or not event.get("id"):
            raise ProviderError("bad_payload", "the webhook body is not a PayPal event")
        response = self._api(
            "verify_webhook",
            "POST",
            "/v1/notifications/verify-webhook-signature",
            record=record,
            json_body={**found, "webhook_id": self.webhook_id, "webhook_event": event},
        )
        verdict = self._answer(response, "verify_webhook").get("verification_status")
        if verdict != "SUCCESS":
            raise ProviderError("bad_signature", "PayPal did not verify the webhook signature")
        resource = event.get("resource") or {}
        if event.get("resource_type") == "checkout-order":
            order_id = str(resource.get("id", ""))
            units = resource.get("purchase_units") or [{}]
            reference = str(units[0].get("custom_id", ""))
        else:
            related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
            order_id = str(related.get("order_id", ""))
            reference = str(resource.get("custom_id", ""))
        return [
            WebhookNotice(
                event_id=str(event["id"]),
                event_type=str(event.get("event_type", "")),
                provider_payment_id=order_id,
                merchant_reference=reference,
            )
        ]

    # --- Brand pay (not offered) -----------------------------------------------------------------

    def charge_stored(
        self, method: StoredMethod, request: PaymentRequest, *, record: Recorder
    ) -> PaymentResult:
        """Refuse: stored PayPal methods (vault) are not supported."""
        raise ProviderError("not_supported", "PayPal stored methods are not offered")

    def deactivate_stored(self, method: StoredMethod, *, record: Recorder) -> None:
        """Refuse: stored PayPal methods (vault) are not supported."""
        raise ProviderError("not_supported", "PayPal stored methods are not offered")

    # --- HTTP ----------------------------------------------------------------------------------

    def _token_key(self) -> str:
        digest = hashlib.sha256(f"{self.base_url}|{self.client_id}".encode()).hexdigest()[:24]
        return f"payments:paypal:token:{digest}"

    def _token(self, record: Recorder, *, fresh: bool = False) -> str:
        """Return a bearer token, from the cache unless ``fresh``; fetch and cache it."""
        key = self._token_key()
        if not fresh:
            cached = cache.get(key)
            if cached:
                return str(cached)
        try:
            response = http.call(
                operation="oauth",
                method="POST",
                url=f"{self.base_url}/v1/oauth2/token",
                record=record,
                headers={"Accept": "application/json"},
                form={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret),
            )
        except ProviderOutcomeUnknownError as failure:
            # A token request changes nothing at PayPal, so no answer means "not done".
            raise ProviderError("unavailable", str(failure), retryable=True) from failure
        body = http.body_of(response)
        token = body.get("access_token")
        if response.status_code != 200 or not token:
            raise ProviderError(
                str(body.get("error") or f"oauth_http_{response.status_code}"),
                str(body.get("error_description", "")),
            )
        lifetime = int(body.get("expires_in") or 0)
        keep = (
            lifetime - TOKEN_MARGIN_SECONDS
            if lifetime > 2 * TOKEN_MARGIN_SECONDS
            else lifetime // 2
        )
        if keep > 0:
            cache.set(key, token, keep)
        return str(token)

    def _api(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        record: Recorder,
        json_body: Mapping[str, Any] | None = None,
        request_id: str = "",
    ) -> httpx.Response:
        """Call the REST API with a bearer token; on 401 get a new token and retry once."""
        headers = {"Content-Type": "application/json", "Prefer": "return=representation"}
        if request_id:
            headers["PayPal-Request-Id"] = request_id[:108]

        def send(token: str) -> httpx.Response:
            return http.call(
                operation=operation,
                method=method,
                url=f"{self.base_url}{path}",
                record=record,
                headers={**headers, "Authorization": f"Bearer {token}"},
                json_body=json_body,
            )

        response = send(self._token(record))
        if response.status_code == 401:  # refused before processing: safe to send again
            cache.delete(self._token_key())
            response = send(self._token(record, fresh=True))
        return response

    def _answer(self, response: httpx.Response, operation: str) -> dict[str, Any]:
        """Return the JSON body of a 2xx answer; raise PayPal's error as ``ProviderError``."""
        body = http.body_of(response)
        if 200 <= response.status_code < 300:
            return body
        raise ProviderError(
            _issue(response) or str(body.get("name") or f"{operation}_http_{response.status_code}"),
            _description(body),
        )

    def _result(self, order: Mapping[str, Any], order_id: str) -> PaymentResult:
        """Map an order (and its capture, which alone says whether money moved)."""
        units = order.get("purchase_units") or [{}]
        unit = units[0]
        payments = unit.get("payments") or {}
        captures = payments.get("captures") or []
        capture = captures[-1] if captures else {}
        order_status = str(order.get("status", ""))
        capture_status = str(capture.get("status", ""))
        if capture:
            status = CAPTURE_STATUSES.get(capture_status, ResultStatus.FAILED)
        else:
            # An order COMPLETED without a capture has not moved money.
            status = ORDER_STATUSES.get(order_status, ResultStatus.PENDING)
            if status == ResultStatus.PAID:
                status = ResultStatus.AUTHENTICATED
        refunded = sum(
            (
                _amount(refund.get("amount")) or Decimal(0)
                for refund in payments.get("refunds") or []
                if refund.get("status") in {"COMPLETED", "PENDING"}
            ),
            Decimal(0),
        )
        money_of = capture.get("amount") or {}
        payer = order.get("payer") or {}
        return PaymentResult(
            status=status,
            provider_payment_id=str(order.get("id") or order_id),
            merchant_reference=str(capture.get("custom_id") or unit.get("custom_id", "")),
            amount=_amount(money_of) if capture else None,
            currency=str(money_of.get("currency_code", "")),
            capture_id=str(capture.get("id", "")),
            refunded_amount=refunded,
            method_label=_payer_label(str(payer.get("email_address", ""))),
            paid_at=str(capture.get("create_time", "")) if status == ResultStatus.PAID else "",
            data={
                "order_status": order_status,
                "capture_status": capture_status,
                "capture_reason": str((capture.get("status_details") or {}).get("reason", "")),
                "payer_id": str(payer.get("payer_id", "")),
                "invoice_id": str(capture.get("invoice_id") or unit.get("invoice_id", "")),
            },
        )


def base_url() -> str:
    """Return the API root: the setting, else the emulator in sandbox mode, else live."""
    if settings.PAYPAL_BASE_URL:
        return str(settings.PAYPAL_BASE_URL).rstrip("/")
    if settings.SHOP_SANDBOX:
        return f"{settings.SITE_URL.rstrip('/')}/sandbox/paypal"
    return LIVE_BASE_URL


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """Return PayPal's money object; an amount finer than the currency allows is sent as
    it is, so PayPal refuses it (``DECIMAL_PRECISION``) rather than charging a rounded
    amount the intent does not hold."""
    places = Decimal(1).scaleb(-CURRENCY_DECIMALS.get(currency, 2))
    exact = amount.quantize(places)
    return {"currency_code": currency, "value": f"{exact if exact == amount else amount:f}"}


def _amount(money_object: Any) -> Decimal | None:
    if not isinstance(money_object, Mapping) or "value" not in money_object:
        return None
    try:
        return Decimal(str(money_object["value"]))
    except InvalidOperation:
        return None


def _issue(response: httpx.Response) -> str:
    details = http.body_of(response).get("details") or [{}]
    return str(details[0].get("issue", "")) if isinstance(details[0], Mapping) else ""


def _description(body: Mapping[str, Any]) -> str:
    details = body.get("details") or [{}]
    first = details[0] if isinstance(details[0], Mapping) else {}
    text = first.get("description") or body.get("message") or body.get("error_description")
    debug_id = body.get("debug_id")
    return f"{text} (debug_id {debug_id})" if debug_id else str(text or "")


def cert_url_is_paypals(cert_url: str, api_root: str) -> bool:
    """Whether the signing certificate is PayPal's own (security.md SSRF-04).

    We never fetch it (PayPal's verify API does), but a forged delivery names any host it
    likes; refusing it here keeps that URL from reaching anyone who would follow it. The
    API root we call is trusted too: the sandbox emulator hosts its certificate there.
    """
    cert, api = urlsplit(cert_url), urlsplit(api_root)
    host = (cert.hostname or "").lower()
    if cert.scheme == "https" and (host == "paypal.com" or host.endswith(".paypal.com")):
        return True
    return bool(cert.netloc) and (cert.scheme, cert.netloc) == (api.scheme, api.netloc)


def _webhook_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Read the PAYPAL-* headers from ``request.headers`` or ``request.META`` style names."""
    normal = {
        str(name).lower().removeprefix("http_").replace("_", "-"): str(value)
        for name, value in headers.items()
    }
    return {field: normal.get(header, "") for field, header in WEBHOOK_HEADERS.items()}


def _payer_label(email: str) -> str:
    name, at, domain = email.partition("@")
    if not at:
        return "PayPal"
    return f"PayPal {name[:1]}***@{domain}"
