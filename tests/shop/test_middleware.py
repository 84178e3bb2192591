"""Every request gets an id that is echoed and logged; the client IP is not spoofable.

``SHOP_LOG_FORMAT=json`` is checked in a subprocess, since logging is configured once
per process from the settings.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

BASE_DIR = Path(__file__).resolve().parents[2]
logger = logging.getLogger("shop.tests.middleware")


def whoami(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"request_id": request.request_id, "client_ip": request.client_ip})


def noisy(request: HttpRequest) -> HttpResponse:
    logger.warning("stock is low\nfor item %s", request.GET.get("item", "?"))
    return HttpResponse("logged")


urlpatterns = [path("whoami/", whoami), path("noisy/", noisy)]

pytestmark = pytest.mark.urls(__name__)


def test_a_request_gets_a_fresh_id_that_is_echoed(client):
    first = client.get("/whoami/")
    second = client.get("/whoami/")

    request_id = first.json()["request_id"]
    assert len(request_id) == 32
    assert first["X-Request-ID"] == request_id
    assert second["X-Request-ID"] != request_id


def test_a_well_formed_incoming_request_id_is_kept(client):
    response = client.get("/whoami/", HTTP_X_REQUEST_ID="lb-7f3a.9_b-01")

    assert response.json()["request_id"] == "lb-7f3a.9_b-01"
    assert response["X-Request-ID"] == "lb-7f3a.9_b-01"


@pytest.mark.parametrize(
    "malicious",
    [
        "abc\r\nSet-Cookie: sessionid=stolen",
        "abc\nINFO forged log line",
        "<script>alert(1)</script>",
        "a" * 65,
        "id with spaces",
        "'; DROP TABLE shop_auditevent; --",
    ],
)
def test_a_malicious_request_id_is_replaced(client, malicious):
    response = client.get("/whoami/", HTTP_X_REQUEST_ID=malicious)

    request_id = response.json()["request_id"]
    assert request_id != malicious
    assert len(request_id) == 32
    assert request_id.isalnum()
    assert response["X-Request-ID"] == request_id
    assert "stolen" not in str(response.cookies)


def test_forwarded_for_is_ignored_without_trusted_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.5")

    assert response.json()["client_ip"] == "10.0.0.5"


def test_only_the_trusted_hop_of_forwarded_for_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client prepended a forged address; the one proxy appended the real one.
    response = client.get(
        "/whoami/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", REMOTE_ADDR="10.0.0.5"
    )

    assert response.json()["client_ip"] == "198.51.100.7"


def test_two_trusted_proxies_take_the_second_address_from_the_right(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    response = client.get(
        "/whoami/",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7, 10.0.0.9",
        REMOTE_ADDR="10.0.0.5",
    )

    assert response.json()["client_ip"] == "198.51.100.7"


def test_too_few_forwarded_hops_fall_back_to_the_peer(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="10.0.0.5")

    assert response.json()["client_ip"] == "10.0.0.5"


def test_a_garbage_forwarded_address_gives_no_ip(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/whoami/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.5")

    assert response.json()["client_ip"] is None


JSON_LOG_PROBE = """
import logging, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
logging.getLogger("shop.tests.middleware").warning("outside any request")
with override_settings(ROOT_URLCONF="tests.shop.test_middleware", ALLOWED_HOSTS=["testserver"]):
    response = Client().get("/noisy/?item=42", HTTP_X_REQUEST_ID="req-json-1")
assert response["X-Request-ID"] == "req-json-1"
"""


def test_json_log_format_writes_one_object_per_line_with_the_request_id(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "SHOP_LOG_FORMAT": "json",
        "PYTHONWARNINGS": "ignore",  # warnings bypass logging; every other line is a record
    }

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", JSON_LOG_PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    ours = [record for record in records if record["logger"] == "shop.tests.middleware"]
    assert len(ours) == 2
    outside, inside = ours
    for record in ours:
        assert {"time", "level", "logger", "request_id", "message"} <= set(record)
        assert record["level"] == "WARNING"
    assert outside["request_id"] == "-"
    assert inside["request_id"] == "req-json-1"
    assert inside["message"] == "stock is low\nfor item 42"  # a newline cannot forge a line
