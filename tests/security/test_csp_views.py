"""The pages that load a provider's SDK widen the policy for themselves alone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.views import PENDING_KEY
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    parsed = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_the_identity_window_page_may_load_portones_sdk():
    client = Client()
    client.force_login(UserFactory())
    session = client.session
    session[PENDING_KEY] = {"id": "iv-1"}
    session.save()

    page = client.get(reverse("accounts:identity_sdk", args=["iv-1"]), {"storeId": "s"})

    assert page.status_code == 200
    policy = directives(page)
    assert "https://cdn.portone.io" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "<script>" not in page.content.decode()  # no inline script left on it


def test_no_other_page_may_load_a_provider_sdk(client):
    policy = directives(client.get("/cart/"))

    assert policy["script-src"] == ["'self'"]
    assert "frame-src" not in policy
