"""A PayPal webhook naming a foreign signing certificate (security.md SSRF-04).

A genuine delivery from the emulator is caught, its ``PAYPAL-CERT-URL`` swapped for a
canary server on loopback (or a look-alike host), and handed to the shop: it must be
refused before PayPal's verify API is asked, and nobody may ever contact the canary.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from payments.emulators import paypal as emulator
from payments.providers.base import ProviderError
from payments.providers.paypal import PayPal, cert_url_is_paypals
from tests.payments.paypal_fixtures import paypal_emulator, webhook_receiver  # noqa: F401
from tests.payments.test_paypal_client import payment_request


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets, of any method."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def handle_one_request(self) -> None:
            hits.append(self.requestline or "connection")
            super().handle_one_request()

        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/cert.pem", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def delivery(paypal_emulator, webhook_receiver) -> tuple[dict[str, str], bytes]:  # noqa: F811
    """A genuine, signed CHECKOUT.ORDER.APPROVED delivery, caught before the shop gets it."""
    client = PayPal()
    action = client.begin(payment_request(), record=lambda exchange: None)
    paypal_emulator.approve(action.url)
    emulator.send_webhook(
        "CHECKOUT.ORDER.APPROVED", action.provider_payment_id, webhook_receiver.url
    )
    headers, body = webhook_receiver.received[0]
    return {name.lower(): value for name, value in headers.items()}, body


@pytest.fixture
def verify_calls(paypal_emulator):  # noqa: F811
    return lambda: paypal_emulator.calls("verify")


def test_the_genuine_delivery_is_accepted(delivery):
    headers, body = delivery

    notices = PayPal().parse_webhook(headers, body, record=lambda exchange: None)

    assert notices[0].event_type == "CHECKOUT.ORDER.APPROVED"


def test_a_cert_url_on_loopback_is_refused_and_never_contacted(delivery, verify_calls, canary):
    canary_url, hits = canary
    headers, body = delivery
    verified_before = verify_calls()

    with pytest.raises(ProviderError) as refused:
        PayPal().parse_webhook(
            {**headers, "paypal-cert-url": canary_url}, body, record=lambda exchange: None
        )

    assert refused.value.code == "bad_signature"
    assert verify_calls() == verified_before  # PayPal was not even asked
    assert hits == []


@pytest.mark.parametrize(
    ("url", "paypals"),
    [
        ("https://api.paypal.com/v1/notifications/certs/CERT-1", True),
        ("https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-1", True),
        ("https://api.paypal.com.attacker.example/cert", False),
        ("https://attackerpaypal.com/cert", False),
        ("http://api.paypal.com/cert", False),  # not over TLS
        ("https://169.254.169.254/latest/meta-data/", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_only_paypal_hosts_sign_live_webhooks(url, paypals):
    assert cert_url_is_paypals(url, "https://api-m.paypal.com") is paypals
