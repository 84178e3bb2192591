"""Fixtures of the payment tests: each provider's emulator on the live server.

Each provider has its own namespaced fixture (``kakaopay_emulator``, ...) that points the
client at the emulator and forgets the emulator's call counts and faults.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

# --- KakaoPay ---------------------------------------------------------------------------------


@dataclass
class KakaoPayEmulator:
    """Steer the KakaoPay emulator and play the buyer on its payment sheet."""

    base_url: str

    def fault(self, operation: str, fault: str, *, times: int = 1) -> None:
        from payments.emulators import state

        state.set_fault("kakaopay", operation, fault, times=times)

    def calls(self, operation: str) -> int:
        from payments.emulators import state

        return state.calls("kakaopay", operation)

    def buyer(self, sheet_url: str, action: str = "approve", method: str = "MONEY") -> str:
        """Open the sheet, press a button; return where KakaoPay sends the buyer back to."""
        page = httpx.get(sheet_url)
        assert page.status_code == 200, page.text
        answer = httpx.post(sheet_url, data={"action": action, "method": method})
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def approve(self, sheet_url: str, method: str = "MONEY") -> dict[str, str]:
        """Approve on the sheet; return the query parameters of the approval return."""
        return dict(parse_qsl(urlsplit(self.buyer(sheet_url, "approve", method)).query))


@pytest.fixture
def kakaopay_emulator(live_server, settings) -> KakaoPayEmulator:
    from payments.emulators import state

    settings.KAKAOPAY_BASE_URL = f"{live_server.url}/sandbox/kakaopay"
    state.reset("kakaopay")
    return KakaoPayEmulator(settings.KAKAOPAY_BASE_URL)


# --- NaverPay and PayPal (their fixtures live in their own modules) --------------------------

from tests.payments.naverpay_fixtures import naverpay_emulator  # noqa: E402, F401
from tests.payments.paypal_fixtures import paypal_emulator, webhook_receiver  # noqa: E402, F401
