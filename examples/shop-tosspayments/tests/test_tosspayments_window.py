"""The production window page runs under the shop's Content-Security-Policy: its inline
script carries the request's nonce and Toss's SDK host is allowed on this page only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

SDK = "https://js.tosspayments.com"


def script_sources(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    [directive] = [part for part in policy.split(";") if part.split()[0] == "script-src"]
    return directive.split()[1:]


def test_the_window_page_allows_the_sdk_and_its_own_inline_script():
    response = Client().get(reverse("tosspayments:window"), {"orderId": "A-1"})

    sources = script_sources(response)
    [nonce] = re.findall(r'<script nonce="([^"]+)">', response.content.decode())
    assert SDK in sources
    assert f"'nonce-{nonce}'" in sources
    assert "'unsafe-inline'" not in sources


@pytest.mark.django_db
def test_other_pages_do_not_allow_the_sdk():
    assert SDK not in script_sources(Client().get("/cart/"))
