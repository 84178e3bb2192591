"""The NaverPay emulator fixture: the client pointed at the live server, the buyer played
with httpx on the emulator's windows (imported by ``tests/payments/conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest


@dataclass
class NaverPayEmulator:
    """Steer the NaverPay emulator and play the buyer on its windows."""

    base_url: str

    def fault(self, operation: str, fault: str, *, times: int = 1) -> None:
        from payments.emulators import state

        state.set_fault("naverpay", operation, fault, times=times)

    def calls(self, operation: str) -> int:
        from payments.emulators import state

        return state.calls("naverpay", operation)

    def buyer(self, window_url: str, action: str = "approve") -> str:
        """Open the window, press a button; return where NaverPay sends the buyer back to."""
        page = httpx.get(window_url)
        assert page.status_code == 200, page.text
        assert f'value="{action}"' in page.text
        answer = httpx.post(window_url, data={"action": action, "method": "CARD"})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def back(self, window_url: str, action: str = "approve") -> dict[str, str]:
        """Press a button in the window; return the query parameters of the return URL."""
        return dict(parse_qsl(urlsplit(self.buyer(window_url, action)).query))


@pytest.fixture
def naverpay_emulator(live_server, settings) -> NaverPayEmulator:
    from payments.emulators import state

    settings.NAVERPAY_BASE_URL = f"{live_server.url}/sandbox/naverpay"
    state.reset("naverpay")
    return NaverPayEmulator(settings.NAVERPAY_BASE_URL)
