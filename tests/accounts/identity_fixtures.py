"""Play the person in the PortOne emulator's verification window, over real HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

CODE = re.compile(r'data-testid="sandbox-code">(\d{6})<')


@dataclass
class PortOneWindow:
    def send(self, window_url: str, *, name: str, birth_date: str, phone: str) -> str:
        """Type the person's details, return the code the emulator 'sent' by SMS."""
        assert httpx.get(window_url).status_code == 200
        page = httpx.post(
            window_url,
            data={
                "action": "send",
                "name": name,
                "birth_date": birth_date,
                "phone": phone,
                "carrier": "SKT",
            },
        )
        assert page.status_code == 200, page.text
        return CODE.search(page.text).group(1)

    def confirm(self, window_url: str, otp: str) -> httpx.Response:
        return httpx.post(window_url, data={"action": "confirm", "otp": otp})

    def fail(self, window_url: str) -> str:
        answer = httpx.post(window_url, data={"action": "fail"})
        assert answer.status_code == 302
        return answer.headers["Location"]

    def verify(self, window_url: str, **person: str) -> str:
        """Go through the window; return where it sends the browser back (path + query)."""
        code = self.send(window_url, **person)
        answer = self.confirm(window_url, code)
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["Location"])
        return f"{back.path}?{back.query}"


@pytest.fixture
def portone(live_server, settings) -> PortOneWindow:
    # The client finds the emulator at SITE_URL/sandbox/portone in sandbox mode.
    settings.SITE_URL = live_server.url
    settings.ACCOUNTS_PORTONE_BASE_URL = ""
    return PortOneWindow()


def verify_member(client, portone: PortOneWindow, **person: str):
    """Start at my page, verify in the window, come back; return the final response."""
    start = client.post("/my/identity/", {"next": "/my/"})
    assert start.status_code == 302, start.content
    back = portone.verify(start["Location"], **person)
    return client.get(back)
