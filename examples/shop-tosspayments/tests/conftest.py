"""Fixtures of the plugin's tests: the Toss emulator on the shop's live server.

The plugin's tests run with the shop's own suite (``make test`` installs the plugin
first), so they may use the shop's test builders (``tests.orders.helpers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest


@dataclass
class TossEmulator:
    base_url: str

    def fault(self, operation: str, fault: str) -> None:
        from shop_tosspayments import emulator

        emulator.set_fault(operation, fault)

    def calls(self, operation: str) -> int:
        from shop_tosspayments import emulator

        return emulator.calls(operation)

    def buyer(self, window_url: str, action: str = "approve") -> str:
        """Open the window, press a button; return where Toss sends the buyer back to."""
        page = httpx.get(window_url)
        assert page.status_code == 200, page.text
        answer = httpx.post(window_url, data={"action": action})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def approve(self, window_url: str) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.buyer(window_url)).query))


@pytest.fixture
def toss_emulator(live_server, settings) -> TossEmulator:
    from shop_tosspayments import emulator

    settings.SITE_URL = live_server.url
    settings.TOSSPAYMENTS_BASE_URL = f"{live_server.url}/sandbox/tosspayments"
    emulator.reset()
    return TossEmulator(settings.TOSSPAYMENTS_BASE_URL)
