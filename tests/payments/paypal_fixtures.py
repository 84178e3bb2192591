"""Fixtures of the PayPal tests: the emulator on the live server, the buyer on its
approval page, and a receiver standing in for the shop's webhook endpoint.

``tests/payments/conftest.py`` re-exports ``paypal_emulator`` and ``webhook_receiver``
so the payment service tests can use them too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

PROVIDER = "paypal"


@dataclass
class PayPalEmulator:
    """Steer the PayPal emulator and play the buyer on its checkoutnow page."""

    base_url: str

    def fault(self, operation: str, fault: str, *, times: int = 1) -> None:
        from payments.emulators import state

        state.set_fault(PROVIDER, operation, fault, times=times)

    def calls(self, operation: str) -> int:
        from payments.emulators import state

        return state.calls(PROVIDER, operation)

    def order(self, order_id: str) -> dict[str, Any]:
        """Return the emulator's record of an order (with its ``_`` bookkeeping)."""
        from payments.emulators import state

        record = state.load(PROVIDER, "order", order_id)
        assert record is not None, order_id
        return record

    def buyer(self, approval_url: str, action: str = "pay") -> str:
        """Open the approval page, press a button; return where PayPal sends the buyer."""
        page = httpx.get(approval_url)
        assert page.status_code == 200, page.text
        assert f'value="{action}"' in page.text
        answer = httpx.post(approval_url, data={"token": _token(approval_url), "action": action})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def approve(self, approval_url: str, action: str = "pay") -> dict[str, str]:
        """Approve (or decline the card); return the query of the return URL."""
        return dict(parse_qsl(urlsplit(self.buyer(approval_url, action)).query))


def _token(url: str) -> str:
    return dict(parse_qsl(urlsplit(url).query))["token"]


@pytest.fixture
def paypal_emulator(live_server, settings) -> PayPalEmulator:
    from payments.emulators import state

    settings.PAYPAL_BASE_URL = f"{live_server.url}/sandbox/paypal"
    state.reset(PROVIDER)
    return PayPalEmulator(settings.PAYPAL_BASE_URL)


@dataclass
class WebhookReceiver:
    """An HTTP server that keeps each POST it receives (headers and raw body)."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield WebhookReceiver(f"http://127.0.0.1:{server.server_port}/webhooks/paypal", received)
    finally:
        server.shutdown()
        server.server_close()
