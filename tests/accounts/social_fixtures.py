"""A cookie-keeping HTTP 'browser' for the Kakao/Naver login flows on the live server.

Everything goes over real HTTP: the shop's allauth views and the provider emulators
run in the live server, and allauth's server-to-server token and profile calls reach
the emulators there too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx
import pytest

FORM_ACTION = re.compile(r'<form[^>]*method="post"[^>]*>', re.I)


@dataclass
class Browser:
    base_url: str
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, follow_redirects=False, timeout=20)

    def csrf(self) -> str:
        if "csrftoken" not in self.http.cookies:
            self.http.get("/accounts/login/")
        return self.http.cookies["csrftoken"]

    def post(self, url: str, data: dict | None = None) -> httpx.Response:
        return self.http.post(url, data={"csrfmiddlewaretoken": self.csrf(), **(data or {})})

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def start_login(self, provider: str, *, process: str = "login") -> str:
        """Press "log in with <provider>"; return the provider's consent page URL."""
        answer = self.post(f"/accounts/{provider}/login/?process={process}")
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def consent(self, url: str, *, action: str = "approve", **person: str) -> str:
        """Answer the provider's consent page; return the callback URL it sends us to."""
        assert httpx.get(url).status_code == 200
        data = {"action": action, "email_verified": "on", **person}
        if person.get("email_verified") == "":
            del data["email_verified"]
        answer = httpx.post(url, data=data)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def signed_in(self) -> bool:
        return self.get("/my/").status_code == 200


@pytest.fixture
def browser(live_server, settings) -> Browser:
    # The social adapters find the emulators at SITE_URL/sandbox/... in sandbox mode.
    settings.SITE_URL = live_server.url
    return Browser(live_server.url)
