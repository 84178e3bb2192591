"""Emulator of PayPal's REST API (OAuth2, Orders v2, Payments v2, webhooks) and its
buyer approval page, mounted at ``/sandbox/paypal/``.

It follows payments.md section 3: Basic-auth token endpoint with the OAuth error shape,
bearer checks with ``AUTHENTICATION_FAILURE``, the REST error body ``{name, message,
details[{field, value, location, issue, description}], debug_id, links}``, money
validation (``CURRENCY_NOT_SUPPORTED`` for KRW, ``DECIMAL_PRECISION``,
``DECIMALS_NOT_SUPPORTED`` for zero-decimal currencies), ``PayPal-Request-Id`` replays
(201 first, 200 with the original answer after), capture and refund guards, and webhook
signatures that ``verify-webhook-signature`` accepts only for transmissions this emulator
signed when it sent them (``send_webhook``).

Faults, armed with ``state.set_fault("paypal", operation, fault)``:

* any operation: ``server_error`` (500, nothing done);
* ``auth`` (every bearer check): ``token_expired`` (401 as if the token had lapsed);
* ``create``, ``capture``, ``refund``: ``timeout_after_processing`` (done, then the answer
  comes ``PAYMENTS_HTTP_TIMEOUT_SECONDS`` + 0.5 s late);
* ``capture``: ``amount_mismatch`` (captures one unit more than the order's amount),
  ``instrument_declined`` (422 ``INSTRUMENT_DECLINED``), ``capture_pending`` (capture
  ``PENDING``, reason ``PENDING_REVIEW``; ``settle_capture`` completes it later),
  ``capture_declined`` (capture ``DECLINED``);
* ``webhook``: ``duplicate_webhook`` (the same delivery is sent twice);
* ``fx_rate`` (the stand-in exchange-rate source): ``server_error``, ``bad_rate``.

Operations counted with ``state.count_call``: ``oauth``, ``create``, ``get``, ``capture``,
``capture_get``, ``refund``, ``refund_get``, ``verify``, ``webhook``, ``checkout_page``,
``approve``, ``cancel``, ``decline``, ``fx_rate``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import re
import secrets
import string
import time
import uuid
import zlib
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from payments.emulators import state
from payments.providers.http import timeout
from shop.http import tls_context

PROVIDER = "paypal"
TOKEN_SECONDS = 32400
APP_ID = "APP-80W284485P519543T"
BUYER_EMAIL = "sb-buyer@personal.example.com"
# Supported currencies (payments.md 3.8); HUF, JPY and TWD take no decimals.
CURRENCIES = frozenset(
    [
        "AUD",
        "BRL",
        "CAD",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "HKD",
        "HUF",
        "ILS",
        "JPY",
        "MYR",
        "MXN",
        "TWD",
        "NZD",
        "NOK",
        "PHP",
        "PLN",
        "GBP",
        "SGD",
        "SEK",
        "CHF",
        "THB",
        "USD",
    ]
)
ZERO_DECIMAL = frozenset({"HUF", "JPY", "TWD"})
MONEY_VALUE = re.compile(r"^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$")
ERROR_NAMES = {
    400: (
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
    ),
    401: (
        "AUTHENTICATION_FAILURE",
        "Authentication failed due to invalid authentication credentials or a missing "
        "Authorization header.",
    ),
    404: ("RESOURCE_NOT_FOUND", "The specified resource does not exist."),
    405: ("METHOD_NOT_SUPPORTED", "The server does not implement the requested HTTP method."),
    422: (
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed "
        "business validation.",
    ),
    500: ("INTERNAL_SERVER_ERROR", "An internal server error has occurred."),
}


# --- Shapes -----------------------------------------------------------------------------------


def _paypal_id(length: int = 17) -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def _now() -> str:
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(
    status: int,
    issue: str = "",
    description: str = "",
    *,
    field: str = "",
    value: Any = None,
    location: str = "body",
) -> JsonResponse:
    """Answer PayPal's REST error body for ``status``, with one detail if ``issue``."""
    name, message = ERROR_NAMES.get(status, ("INTERNAL_SERVER_ERROR", "Error"))
    body: dict[str, Any] = {"name": name, "message": message, "debug_id": secrets.token_hex(7)}
    if issue:
        detail: dict[str, Any] = {"issue": issue, "description": description or issue}
        if field:
            detail.update(field=field, location=location)
            if value is not None:
                detail["value"] = str(value)
        body["details"] = [detail]
        body["links"] = [
            {
                "href": f"https://developer.paypal.com/api/rest/reference/orders/v2/errors/#{issue}",
                "rel": "information_link",
                "method": "GET",
            }
        ]
    return JsonResponse(body, status=status)


def _money(value: Decimal, currency: str) -> dict[str, str]:
    places = Decimal(1) if currency in ZERO_DECIMAL else Decimal("0.01")
    return {"currency_code": currency, "value": str(value.quantize(places, ROUND_HALF_UP))}


def _money_problem(money: Any, field: str) -> JsonResponse | None:
    """Refuse a money object the way PayPal does; None if it is acceptable."""
    if not isinstance(money, dict) or not money.get("currency_code") or "value" not in money:
        return _error(
            400, "MISSING_REQUIRED_PARAMETER", "A required field is missing.", field=field
        )
    currency, value = str(money["currency_code"]), str(money["value"])
    if currency not in CURRENCIES:
        return _error(
            422,
            "CURRENCY_NOT_SUPPORTED",
            "Currency code is not currently supported.",
            field=f"{field}/currency_code",
            value=currency,
        )
    if len(value) > 32 or not MONEY_VALUE.match(value):
        return _error(
            400,
            "INVALID_PARAMETER_VALUE",
            "The value of a field is invalid.",
            field=f"{field}/value",
            value=value,
        )
    amount = Decimal(value)
    decimals = -amount.as_tuple().exponent  # type: ignore[operator]
    if currency in ZERO_DECIMAL and decimals > 0:
        return _error(
            422,
            "DECIMALS_NOT_SUPPORTED",
            "Currency does not support decimals.",
            field=f"{field}/value",
            value=value,
        )
    if decimals > 2:
        return _error(
            422,
            "DECIMAL_PRECISION",
            "If the currency supports decimals, only two decimal place precision is supported.",
            field=f"{field}/value",
            value=value,
        )
    if amount <= 0:
        return _error(
            422,
            "CANNOT_BE_ZERO_OR_NEGATIVE",
            "Must be greater than zero.",
            field=f"{field}/value",
            value=value,
        )
    return None


def _json_body(request: HttpRequest) -> tuple[dict[str, Any], JsonResponse | None]:
    if not request.body:
        return {}, None
    try:
        data = json.loads(request.body)
    except ValueError:
        return {}, _error(400, "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
    if not isinstance(data, dict):
        return {}, _error(400, "MALFORMED_REQUEST_JSON", "The request JSON is not an object.")
    return data, None


def _root(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sandbox:paypal-orders")).removesuffix(
        "/v2/checkout/orders"
    )


def _order_links(order: dict[str, Any]) -> list[dict[str, str]]:
    root = order["_root"]
    links = [{"href": f"{root}/v2/checkout/orders/{order['id']}", "rel": "self", "method": "GET"}]
    if order["status"] in {"PAYER_ACTION_REQUIRED", "CREATED"}:
        rel = "payer-action" if order["status"] == "PAYER_ACTION_REQUIRED" else "approve"
        links.append(
            {
                "href": f"{root}/checkoutnow?{urlencode({'token': order['id']})}",
                "rel": rel,
                "method": "GET",
            }
        )
    if order["status"] == "APPROVED":
        links.append(
            {
                "href": f"{root}/v2/checkout/orders/{order['id']}/capture",
                "rel": "capture",
                "method": "POST",
            }
        )
    return links


def _public(value: Any) -> Any:
    """Drop the emulator's own bookkeeping (keys starting with ``_``) from a record."""
    if isinstance(value, dict):
        return {key: _public(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


def representation(order: dict[str, Any]) -> dict[str, Any]:
    """Return the order as ``GET /v2/checkout/orders/{id}`` shows it."""
    shown = _public(order)
    for unit in shown["purchase_units"]:
        if not unit["payments"]["captures"] and not unit["payments"]["refunds"]:
            del unit["payments"]
        elif not unit["payments"]["refunds"]:
            del unit["payments"]["refunds"]
    shown["links"] = _order_links(order)
    return shown


def _minimal(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order["id"],
        "status": order["status"],
        "payment_source": _public(order["payment_source"]),
        "links": _order_links(order),
    }


def _capture_links(root: str, capture: dict[str, Any], order_id: str) -> list[dict[str, str]]:
    return [
        {"href": f"{root}/v2/payments/captures/{capture['id']}", "rel": "self", "method": "GET"},
        {
            "href": f"{root}/v2/payments/captures/{capture['id']}/refund",
            "rel": "refund",
            "method": "POST",
        },
        {"href": f"{root}/v2/checkout/orders/{order_id}", "rel": "up", "method": "GET"},
    ]


def _refund_links(root: str, refund: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"href": f"{root}/v2/payments/refunds/{refund['id']}", "rel": "self", "method": "GET"},
        {"href": f"{root}/v2/payments/captures/{refund['_capture']}", "rel": "up", "method": "GET"},
    ]


def _fee(gross: Decimal, currency: str) -> Decimal:
    fixed = Decimal(0) if currency in ZERO_DECIMAL else Decimal("0.49")
    return Decimal(_money(gross * Decimal("0.0349") + fixed, currency)["value"])


def _unit(order: dict[str, Any]) -> dict[str, Any]:
    return order["purchase_units"][0]


def _capture_of(order: dict[str, Any], capture_id: str) -> dict[str, Any] | None:
    for capture in _unit(order)["payments"]["captures"]:
        if capture["id"] == capture_id:
            return capture
    return None


def _refunded(order: dict[str, Any], capture_id: str) -> Decimal:
    return sum(
        (
            Decimal(refund["amount"]["value"])
            for refund in _unit(order)["payments"]["refunds"]
            if refund["_capture"] == capture_id and refund["status"] in {"COMPLETED", "PENDING"}
        ),
        Decimal(0),
    )


# --- Views plumbing ---------------------------------------------------------------------------


def _bearer_problem(request: HttpRequest) -> JsonResponse | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    record = state.load(PROVIDER, "token", token) if scheme == "Bearer" and token else None
    if state.take_fault(PROVIDER, "auth") == "token_expired":
        record = None
    if record is None or record["expires_at"] < time.time():
        body = dict(zip(("name", "message"), ERROR_NAMES[401], strict=True))
        body["links"] = [
            {
                "href": "https://developer.paypal.com/docs/api/overview/#error",
                "rel": "information_link",
            }
        ]
        return JsonResponse(body, status=401)
    return None


def _api(operation: str, method: str, *, bearer: bool = True) -> Callable[..., Any]:
    """Count the call, check the method and token, apply the armed fault around ``view``.

    The API views are CSRF-exempt because they stand in for PayPal's servers, which
    authenticate by bearer token, never by a browser session of this site.
    """

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def handle(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            state.count_call(PROVIDER, operation)
            if request.method != method:
                return _error(405)
            if bearer:
                refused = _bearer_problem(request)
                if refused is not None:
                    return refused
            fault = state.take_fault(PROVIDER, operation)
            if fault == "server_error":
                return _error(500)
            response = view(request, fault=fault, **kwargs)
            if fault == "timeout_after_processing":
                time.sleep(settings.PAYMENTS_HTTP_TIMEOUT_SECONDS + 0.5)
            return response

        return handle

    return wrap


def _replayed(kind: str, request: HttpRequest) -> str:
    """Return the state key of this ``PayPal-Request-Id`` for ``kind`` ("" without one)."""
    request_id = request.headers.get("PayPal-Request-Id", "")[:108]
    return f"{kind}:{request_id}" if request_id else ""


# --- OAuth2 -----------------------------------------------------------------------------------


@_api("oauth", "POST", bearer=False)
def oauth_token(request: HttpRequest, *, fault: str) -> HttpResponse:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        client_id = secret = ""
    good = scheme == "Basic" and (
        hmac.compare_digest(client_id, settings.PAYPAL_CLIENT_ID)
        and hmac.compare_digest(secret, settings.PAYPAL_CLIENT_SECRET)
    )
    if not good:
        return JsonResponse(
            {"error": "invalid_client", "error_description": "Client Authentication failed"},
            status=401,
        )
    if request.POST.get("grant_type") != "client_credentials":
        return JsonResponse(
            {"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"},
            status=400,
        )
    token = "A21AA" + secrets.token_urlsafe(48)
    state.save(
        PROVIDER,
        "token",
        token,
        {"client_id": client_id, "expires_at": time.time() + TOKEN_SECONDS},
    )
    return JsonResponse(
        {
            "scope": "https://uri.paypal.com/services/payments/payment/authcapture openid",
            "access_token": token,
            "token_type": "Bearer",
            "app_id": APP_ID,
            "expires_in": TOKEN_SECONDS,
            "nonce": f"{_now()}{secrets.token_urlsafe(16)}",
        }
    )


# --- Orders -----------------------------------------------------------------------------------


@_api("create", "POST")
def create_order(request: HttpRequest, *, fault: str) -> HttpResponse:
    data, malformed = _json_body(request)
    if malformed is not None:
        return malformed
    replay_key = _replayed("create", request)
    if replay_key:
        with state.locked(PROVIDER, "request", replay_key):
            seen = state.load(PROVIDER, "request", replay_key)
            if seen is not None:
                order = state.load(PROVIDER, "order", seen["order_id"])
                if order is not None:
                    return _order_answer(request, order, 200)
            response, order = _new_order(request, data)
            if order is not None:
                state.save(PROVIDER, "request", replay_key, {"order_id": order["id"]})
            return response
    return _new_order(request, data)[0]


def _order_answer(request: HttpRequest, order: dict[str, Any], status: int) -> JsonResponse:
    prefer = request.headers.get("Prefer", "return=minimal")
    body = representation(order) if "representation" in prefer else _minimal(order)
    return JsonResponse(body, status=status)


def _new_order(
    request: HttpRequest, data: dict[str, Any]
) -> tuple[JsonResponse, dict[str, Any] | None]:
    if data.get("intent") not in {"CAPTURE", "AUTHORIZE"}:
        issue = "MISSING_REQUIRED_PARAMETER" if "intent" not in data else "INVALID_PARAMETER_VALUE"
        return _error(400, issue, "intent must be CAPTURE or AUTHORIZE.", field="/intent"), None
    if data["intent"] != "CAPTURE":
        return _error(
            422, "UNSUPPORTED_INTENT", "This emulator only captures.", field="/intent"
        ), None
    units = data.get("purchase_units")
    if not isinstance(units, list) or len(units) != 1 or not isinstance(units[0], dict):
        return _error(
            400,
            "INVALID_ARRAY_MAX_ITEMS"
            if isinstance(units, list) and units
            else "MISSING_REQUIRED_PARAMETER",
            "Exactly one purchase unit is emulated.",
            field="/purchase_units",
        ), None
    unit = units[0]
    reference = str(unit.get("reference_id") or "default")
    field = f"/purchase_units/@reference_id=='{reference}'/amount"
    problem = _money_problem(unit.get("amount"), field)
    if problem is not None:
        return problem, None
    for name, limit in (("custom_id", 127), ("invoice_id", 127), ("description", 127)):
        if len(str(unit.get(name, ""))) > limit:
            return _error(
                400,
                "INVALID_STRING_LENGTH",
                f"The value of a field is too long (maximum {limit}).",
                field=f"/purchase_units/@reference_id=='{reference}'/{name}",
            ), None
    source = data.get("payment_source", {}).get("paypal", {})
    experience = source.get("experience_context") or data.get("application_context") or {}
    for url_name in ("return_url", "cancel_url"):
        if not str(experience.get(url_name, "")).startswith(("http://", "https://")):
            return _error(
                400,
                "MISSING_REQUIRED_PARAMETER",
                f"{url_name} is required for a redirect approval.",
                field=f"/payment_source/paypal/experience_context/{url_name}",
            ), None
    now = _now()
    order: dict[str, Any] = {
        "id": _paypal_id(),
        "intent": "CAPTURE",
        "status": "PAYER_ACTION_REQUIRED" if "experience_context" in source else "CREATED",
        "payment_source": {"paypal": {}},
        "purchase_units": [
            {
                "reference_id": reference,
                "amount": {
                    "currency_code": unit["amount"]["currency_code"],
                    "value": str(unit["amount"]["value"]),
                },
                "payee": {
                    "email_address": "sb-merchant@business.example.com",
                    "merchant_id": "SANDBOXMERCH1",
                },
                **{
                    name: str(unit[name])
                    for name in ("custom_id", "invoice_id", "description")
                    if unit.get(name)
                },
                "payments": {"captures": [], "refunds": []},
            }
        ],
        "create_time": now,
        "update_time": now,
        "_root": _root(request),
        "_experience": {
            "return_url": experience["return_url"],
            "cancel_url": experience["cancel_url"],
            "user_action": experience.get("user_action", "CONTINUE"),
            "brand_name": experience.get("brand_name", ""),
        },
        "_declined": False,
    }
    state.save(PROVIDER, "order", order["id"], order)
    return _order_answer(request, order, 201), order


@_api("get", "GET")
def get_order(request: HttpRequest, order_id: str, *, fault: str) -> HttpResponse:
    order = state.load(PROVIDER, "order", order_id)
    if order is None:
        return _not_found(order_id)
    return JsonResponse(representation(order))


def _not_found(ident: str) -> JsonResponse:
    return _error(
        404,
        "INVALID_RESOURCE_ID",
        "Specified resource ID does not exist. Please check the resource ID and try again.",
        field="id",
        value=ident,
        location="path",
    )


@_api("capture", "POST")
def capture_order(request: HttpRequest, order_id: str, *, fault: str) -> HttpResponse:
    replay_key = _replayed("capture", request)
    answer: list[JsonResponse] = []

    def capture(order: dict[str, Any]) -> None:
        if replay_key and state.load(PROVIDER, "request", replay_key):
            answer.append(JsonResponse(representation(order), status=200))
            return
        refused = _capture_refusal(order, fault)
        if refused is not None:
            answer.append(refused)
            return
        _capture(order, fault)
        if replay_key:
            state.save(PROVIDER, "request", replay_key, {"order_id": order["id"]})
        answer.append(JsonResponse(representation(order), status=201))

    if state.update(PROVIDER, "order", order_id, capture) is None:
        return _not_found(order_id)
    return answer[0]


def _capture_refusal(order: dict[str, Any], fault: str) -> JsonResponse | None:
    if order["status"] == "COMPLETED":
        return _error(
            422,
            "ORDER_ALREADY_CAPTURED",
            "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.",
        )
    if order["status"] != "APPROVED":
        return _error(
            422,
            "ORDER_NOT_APPROVED",
            "Payer has not yet approved the Order for payment. Please redirect the payer to "
            "the 'rel':'approve' url returned as part of the HATEOAS links.",
        )
    if order["_declined"] or fault == "instrument_declined":
        return _error(
            422,
            "INSTRUMENT_DECLINED",
            "The instrument presented was either declined by the processor or bank, or it "
            "can't be used for this payment.",
        )
    invoice_id = _unit(order).get("invoice_id", "")
    if invoice_id:
        taken = state.load(PROVIDER, "invoice", invoice_id)
        if taken is not None and taken["order_id"] != order["id"]:
            return _error(
                422,
                "DUPLICATE_INVOICE_ID",
                "Duplicate Invoice ID detected. To avoid a potential duplicate transaction "
                "your account setting requires that Invoice Id be unique for each transaction.",
            )
    return None


def _capture(order: dict[str, Any], fault: str) -> None:
    unit = _unit(order)
    currency = unit["amount"]["currency_code"]
    gross = Decimal(unit["amount"]["value"])
    if fault == "amount_mismatch":
        gross += Decimal(1)
    status = {"capture_pending": "PENDING", "capture_declined": "DECLINED"}.get(fault, "COMPLETED")
    fee = _fee(gross, currency)
    now = _now()
    capture: dict[str, Any] = {
        "id": _paypal_id(),
        "status": status,
        "amount": _money(gross, currency),
        "final_capture": True,
        "seller_protection": {
            "status": "ELIGIBLE",
            "dispute_categories": ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"],
        },
        "seller_receivable_breakdown": {
            "gross_amount": _money(gross, currency),
            "paypal_fee": _money(fee, currency),
            "net_amount": _money(gross - fee, currency),
        },
        **{name: unit[name] for name in ("custom_id", "invoice_id") if unit.get(name)},
        "create_time": now,
        "update_time": now,
    }
    if status == "PENDING":
        capture["status_details"] = {"reason": "PENDING_REVIEW"}
    capture["links"] = _capture_links(order["_root"], capture, order["id"])
    unit["payments"]["captures"].append(capture)
    order["status"] = "COMPLETED"
    order["update_time"] = now
    state.save(PROVIDER, "capture", capture["id"], {"order_id": order["id"]})
    if unit.get("invoice_id") and status != "DECLINED":
        state.save(PROVIDER, "invoice", unit["invoice_id"], {"order_id": order["id"]})


def settle_capture(order_id: str, status: str = "COMPLETED") -> dict[str, Any] | None:
    """Finish a ``PENDING`` capture as PayPal does after its review (tests, demo)."""

    def settle(order: dict[str, Any]) -> None:
        for capture in _unit(order)["payments"]["captures"]:
            if capture["status"] == "PENDING":
                capture["status"] = status
                capture.pop("status_details", None)
                capture["update_time"] = _now()

    return state.update(PROVIDER, "order", order_id, settle)


# --- Payments: captures and refunds -----------------------------------------------------------


def _order_of(kind: str, ident: str) -> str:
    pointer = state.load(PROVIDER, kind, ident)
    return pointer["order_id"] if pointer else ""


def capture_resource(order: dict[str, Any], capture_id: str) -> dict[str, Any] | None:
    """Return the capture as ``GET /v2/payments/captures/{id}`` and webhooks show it."""
    capture = _capture_of(order, capture_id)
    if capture is None:
        return None
    shown = _public(capture)
    shown["supplementary_data"] = {"related_ids": {"order_id": order["id"]}}
    return shown


@_api("capture_get", "GET")
def get_capture(request: HttpRequest, capture_id: str, *, fault: str) -> HttpResponse:
    order = state.load(PROVIDER, "order", _order_of("capture", capture_id))
    shown = capture_resource(order, capture_id) if order else None
    if shown is None:
        return _not_found(capture_id)
    return JsonResponse(shown)


@_api("refund", "POST")
def refund_capture(request: HttpRequest, capture_id: str, *, fault: str) -> HttpResponse:
    data, malformed = _json_body(request)
    if malformed is not None:
        return malformed
    order_id = _order_of("capture", capture_id)
    replay_key = _replayed("refund", request)
    answer: list[JsonResponse] = []

    def refund(order: dict[str, Any]) -> None:
        seen = state.load(PROVIDER, "request", replay_key) if replay_key else None
        if seen is not None:
            done = next(
                r for r in _unit(order)["payments"]["refunds"] if r["id"] == seen["refund_id"]
            )
            answer.append(JsonResponse(_public(done), status=200))
            return
        outcome = _refund(order, capture_id, data)
        if isinstance(outcome, JsonResponse):
            answer.append(outcome)
            return
        if replay_key:
            state.save(PROVIDER, "request", replay_key, {"refund_id": outcome["id"]})
        answer.append(JsonResponse(_public(outcome), status=201))

    if not order_id or state.update(PROVIDER, "order", order_id, refund) is None:
        return _not_found(capture_id)
    return answer[0]


def _refund(
    order: dict[str, Any], capture_id: str, data: dict[str, Any]
) -> dict[str, Any] | JsonResponse:
    capture = _capture_of(order, capture_id)
    if capture is None:
        return _not_found(capture_id)
    currency = capture["amount"]["currency_code"]
    captured = Decimal(capture["amount"]["value"])
    if capture["status"] == "REFUNDED":
        return _error(422, "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.")
    if capture["status"] == "PENDING":
        return _error(422, "PENDING_CAPTURE", "Cannot initiate a refund as the capture is pending.")
    if capture["status"] not in {"COMPLETED", "PARTIALLY_REFUNDED"}:
        return _error(422, "INVALID_RESOURCE_ID", "The capture cannot be refunded.")
    remaining = captured - _refunded(order, capture_id)
    if "amount" in data:
        problem = _money_problem(data["amount"], "/amount")
        if problem is not None:
            return problem
        if data["amount"]["currency_code"] != currency:
            return _error(
                422,
                "CURRENCY_MISMATCH",
                "Refund must be in the same currency as the capture.",
                field="/amount/currency_code",
                value=data["amount"]["currency_code"],
            )
        amount = Decimal(str(data["amount"]["value"]))
    else:
        amount = remaining
    if amount > remaining:
        return _error(
            422,
            "REFUND_AMOUNT_EXCEEDED",
            "The refund amount must be less than or equal to the capture amount that has not "
            "yet been refunded.",
        )
    total = captured - remaining + amount
    fee = Decimal(capture["seller_receivable_breakdown"]["paypal_fee"]["value"])
    fee_back = Decimal(_money(fee * amount / captured, currency)["value"])
    now = _now()
    refund: dict[str, Any] = {
        "id": _paypal_id(),
        "status": "COMPLETED",
        "amount": _money(amount, currency),
        "seller_payable_breakdown": {
            "gross_amount": _money(amount, currency),
            "paypal_fee": _money(fee_back, currency),
            "net_amount": _money(amount - fee_back, currency),
            "total_refunded_amount": _money(total, currency),
        },
        **{
            name: str(data[name])
            for name in ("invoice_id", "custom_id", "note_to_payer")
            if data.get(name)
        },
        "create_time": now,
        "update_time": now,
        "_capture": capture_id,
    }
    refund["links"] = _refund_links(order["_root"], refund)
    _unit(order)["payments"]["refunds"].append(refund)
    capture["status"] = "REFUNDED" if total == captured else "PARTIALLY_REFUNDED"
    capture["update_time"] = now
    order["update_time"] = now
    state.save(PROVIDER, "refund", refund["id"], {"order_id": order["id"]})
    return refund


@_api("refund_get", "GET")
def get_refund(request: HttpRequest, refund_id: str, *, fault: str) -> HttpResponse:
    order = state.load(PROVIDER, "order", _order_of("refund", refund_id))
    for refund in _unit(order)["payments"]["refunds"] if order else []:
        if refund["id"] == refund_id:
            return JsonResponse(_public(refund))
    return _not_found(refund_id)


# --- Buyer approval page ----------------------------------------------------------------------


# CSRF-exempt only because this page stands in for PayPal's own site: its forms post to
# PayPal, never to the shop, so the shop's session and CSRF cookie play no part.
@csrf_exempt
def checkoutnow(request: HttpRequest) -> HttpResponse:
    """Show the buyer the order and the Pay Now / Cancel / Decline card buttons."""
    token = request.GET.get("token") or request.POST.get("token", "")
    order = state.load(PROVIDER, "order", token) if token else None
    if request.method == "POST" and order is not None:
        return _buyer_choice(request, order, request.POST.get("action", ""))
    state.count_call(PROVIDER, "checkout_page")
    if order is None:
        return render(
            request, "payments/emulators/paypal_checkout.html", {"missing": True}, status=404
        )
    payable = order["status"] in {"PAYER_ACTION_REQUIRED", "CREATED", "APPROVED"}
    return render(
        request,
        "payments/emulators/paypal_checkout.html",
        {
            "order": order,
            "unit": _unit(order),
            "payable": payable,
            "buyer_email": BUYER_EMAIL,
        },
        status=200 if payable else 409,
    )


def _buyer_choice(request: HttpRequest, order: dict[str, Any], action: str) -> HttpResponse:
    if action not in {"pay", "cancel", "decline"}:
        return HttpResponse("Unknown action", status=400, content_type="text/plain")
    state.count_call(PROVIDER, {"pay": "approve"}.get(action, action))
    experience = order["_experience"]
    if action == "cancel":
        return HttpResponseRedirect(_with_query(experience["cancel_url"], token=order["id"]))
    payer_id = _paypal_id(13)

    def approve(record: dict[str, Any]) -> None:
        if record["status"] not in {"PAYER_ACTION_REQUIRED", "CREATED", "APPROVED"}:
            return
        record["status"] = "APPROVED"
        record["_declined"] = action == "decline"
        record["update_time"] = _now()
        record["payer"] = {
            "name": {"given_name": "Sandbox", "surname": "Buyer"},
            "email_address": BUYER_EMAIL,
            "payer_id": payer_id,
            "address": {"country_code": "US"},
        }
        record["payment_source"] = {
            "paypal": {
                "email_address": BUYER_EMAIL,
                "account_id": payer_id,
                "account_status": "VERIFIED",
                "name": {"given_name": "Sandbox", "surname": "Buyer"},
                "address": {"country_code": "US"},
            }
        }

    updated = state.update(PROVIDER, "order", order["id"], approve)
    if updated is None or updated["status"] != "APPROVED":
        return HttpResponse(
            "This order can no longer be approved.", status=409, content_type="text/plain"
        )
    return HttpResponseRedirect(
        _with_query(
            experience["return_url"], token=order["id"], PayerID=updated["payer"]["payer_id"]
        )
    )


def _with_query(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


# --- Webhooks ---------------------------------------------------------------------------------


def _signing_key() -> bytes:
    return hashlib.sha256(f"paypal-webhook|{settings.PAYPAL_CLIENT_SECRET}".encode()).digest()


def _canonical(event: Any) -> bytes:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _signature(transmission_id: str, transmission_time: str, webhook_id: str, event: Any) -> str:
    """Sign what PayPal signs (id|time|webhook id|CRC32 of the body), with an HMAC here."""
    message = f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(_canonical(event))}"
    return base64.b64encode(hmac.new(_signing_key(), message.encode(), "sha256").digest()).decode()


def build_event(event_type: str, order: dict[str, Any]) -> dict[str, Any]:
    """Return a PayPal-shaped webhook event about ``order``."""
    unit = _unit(order)
    captures, refunds = unit["payments"]["captures"], unit["payments"]["refunds"]
    if event_type == "PAYMENT.CAPTURE.REFUNDED" and refunds:
        resource_type, resource = "refund", _public(refunds[-1])
    elif event_type.startswith("PAYMENT.CAPTURE.") and captures:
        resource_type = "capture"
        resource = capture_resource(order, captures[-1]["id"]) or {}
    else:
        resource_type, resource = "checkout-order", representation(order)
    amount = resource.get("amount") or unit["amount"]
    root = order["_root"]
    event_id = f"WH-{_paypal_id()}-{_paypal_id()}"
    return {
        "id": event_id,
        "event_version": "1.0",
        "create_time": _now(),
        "resource_type": resource_type,
        "resource_version": "2.0",
        "event_type": event_type,
        "summary": f"{event_type} for {amount['value']} {amount['currency_code']}",
        "resource": resource,
        "links": [
            {
                "href": f"{root}/v1/notifications/webhooks-events/{event_id}",
                "rel": "self",
                "method": "GET",
            },
            {
                "href": f"{root}/v1/notifications/webhooks-events/{event_id}/resend",
                "rel": "resend",
                "method": "POST",
            },
        ],
    }


def send_webhook(event_type: str, order_id: str, target_url: str) -> dict[str, Any]:
    """POST a signed ``event_type`` event about the order to ``target_url``, as PayPal does.

    Records the transmission id it signed, so that ``verify-webhook-signature`` answers
    SUCCESS for it (and FAILURE for anything else). The ``duplicate_webhook`` fault sends
    the same delivery twice. Returns the event, its headers and the status codes.
    """
    state.count_call(PROVIDER, "webhook")
    order = state.load(PROVIDER, "order", order_id)
    if order is None:
        raise LookupError(f"no emulated PayPal order {order_id}")
    event = build_event(event_type, order)
    transmission_id = str(uuid.uuid4())
    transmission_time = _now()
    webhook_id = settings.PAYPAL_WEBHOOK_ID
    headers = {
        "Content-Type": "application/json",
        "PAYPAL-AUTH-ALGO": "SHA256withRSA",
        "PAYPAL-CERT-URL": f"{order['_root']}/v1/notifications/certs/CERT-sandbox-emulator",
        "PAYPAL-TRANSMISSION-ID": transmission_id,
        "PAYPAL-TRANSMISSION-SIG": _signature(
            transmission_id, transmission_time, webhook_id, event
        ),
        "PAYPAL-TRANSMISSION-TIME": transmission_time,
        "User-Agent": "PayPal/AUHD-214.0-58843836",
    }
    state.save(
        PROVIDER,
        "transmission",
        transmission_id,
        {"webhook_id": webhook_id, "event_id": event["id"]},
    )
    body = json.dumps(event).encode()
    times = 2 if state.take_fault(PROVIDER, "webhook") == "duplicate_webhook" else 1
    statuses = []
    with httpx.Client(timeout=timeout(), verify=tls_context()) as client:
        for _ in range(times):
            statuses.append(client.post(target_url, content=body, headers=headers).status_code)
    return {"event": event, "headers": headers, "body": body, "statuses": statuses}


@csrf_exempt
def webhook_trigger(request: HttpRequest) -> HttpResponse:
    """Send a webhook on request (demo and browser tests): JSON {event_type, order_id,
    target_url}; the target must be on this site, so the sandbox is no open relay."""
    if request.method != "POST":
        return _error(405)
    data, malformed = _json_body(request)
    if malformed is not None:
        return malformed
    target = str(data.get("target_url", ""))
    if urlsplit(target).netloc != request.get_host():
        return _error(
            400, "INVALID_PARAMETER_VALUE", "target_url must be on this site.", field="/target_url"
        )
    if (
        not data.get("event_type")
        or state.load(PROVIDER, "order", str(data.get("order_id", ""))) is None
    ):
        return _error(
            400, "INVALID_PARAMETER_VALUE", "event_type and a known order_id are required."
        )
    sent = send_webhook(str(data["event_type"]), str(data["order_id"]), target)
    return JsonResponse({"event_id": sent["event"]["id"], "statuses": sent["statuses"]})


@_api("verify", "POST")
def verify_webhook_signature(request: HttpRequest, *, fault: str) -> HttpResponse:
    data, malformed = _json_body(request)
    if malformed is not None:
        return malformed
    required = (
        "auth_algo",
        "cert_url",
        "transmission_id",
        "transmission_sig",
        "transmission_time",
        "webhook_id",
        "webhook_event",
    )
    for name in required:
        if not data.get(name):
            return _error(
                400, "MISSING_REQUIRED_PARAMETER", f"{name} is required.", field=f"/{name}"
            )
    signed = state.load(PROVIDER, "transmission", str(data["transmission_id"]))
    expected = _signature(
        str(data["transmission_id"]),
        str(data["transmission_time"]),
        str(data["webhook_id"]),
        data["webhook_event"],
    )
    good = (
        signed is not None
        and signed["webhook_id"] == data["webhook_id"]
        and data["auth_algo"] == "SHA256withRSA"
        and hmac.compare_digest(expected, str(data["transmission_sig"]))
    )
    return JsonResponse({"verification_status": "SUCCESS" if good else "FAILURE"})


# --- A stand-in exchange-rate source ----------------------------------------------------------


def set_fx_rate(currency: str, rate: str) -> None:
    """Make the stand-in rate source answer ``rate`` won per unit of ``currency``."""
    state.save(PROVIDER, "fx", currency.upper(), {"rate": rate})


@csrf_exempt
def fx_rate(request: HttpRequest) -> HttpResponse:
    """Answer ``{"rate": "1380.5"}`` for ``?currency=USD`` (the PAYPAL_FX_RATE_URL shape)."""
    state.count_call(PROVIDER, "fx_rate")
    fault = state.take_fault(PROVIDER, "fx_rate")
    if fault == "server_error":
        return JsonResponse({"error": "unavailable"}, status=503)
    if fault == "bad_rate":
        return JsonResponse({"rate": "n/a"})
    currency = request.GET.get("currency", "USD").upper()
    stored = state.load(PROVIDER, "fx", currency)
    return JsonResponse({"rate": stored["rate"] if stored else "1380.5", "currency": currency})


urlpatterns = [
    path("v1/oauth2/token", oauth_token, name="paypal-oauth"),
    path("v2/checkout/orders", create_order, name="paypal-orders"),
    path("v2/checkout/orders/<str:order_id>", get_order, name="paypal-order"),
    path("v2/checkout/orders/<str:order_id>/capture", capture_order, name="paypal-capture"),
    path("v2/payments/captures/<str:capture_id>", get_capture, name="paypal-capture-get"),
    path("v2/payments/captures/<str:capture_id>/refund", refund_capture, name="paypal-refund"),
    path("v2/payments/refunds/<str:refund_id>", get_refund, name="paypal-refund-get"),
    path(
        "v1/notifications/verify-webhook-signature",
        verify_webhook_signature,
        name="paypal-verify-webhook",
    ),
    path("checkoutnow", checkoutnow, name="paypal-checkoutnow"),
    path("_emulator/webhook", webhook_trigger, name="paypal-send-webhook"),
    path("_emulator/fx-rate", fx_rate, name="paypal-fx-rate"),
]
