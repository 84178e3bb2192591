"""What a broken or oversized webhook body gets (WH-07): a clear 4xx, never a 500.

PayPal's headers are present, so the shop reads the body: malformed JSON and a body
that is no PayPal event are refused as ``bad_payload`` before PayPal is asked to verify
anything; a body over the upload limit is refused with 413 before it is read.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import InboundWebhook

pytestmark = pytest.mark.django_db

HEADERS = {
    "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
    "HTTP_PAYPAL_CERT_URL": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT",
    "HTTP_PAYPAL_TRANSMISSION_ID": "0c4d8f7e-0000-4000-8000-000000000000",
    "HTTP_PAYPAL_TRANSMISSION_SIG": "c2lnbmF0dXJl",
    "HTTP_PAYPAL_TRANSMISSION_TIME": "2026-12-04T21:00:00Z",
}


def post(body: bytes, **headers: str):
    url = reverse("payments:webhook", args=["paypal"])
    return Client().post(url, data=body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"[1, 2]", b'"text"', b'{"no": "id"}', b"\xff\xfe\x00"]
)
def test_a_body_that_is_no_paypal_event_is_a_400(settings, body) -> None:
    settings.PAYPAL_WEBHOOK_ID = "WH-TEST"

    answer = post(body, **HEADERS)

    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_payload"
    assert not InboundWebhook.objects.exists()


def test_a_body_without_paypals_headers_is_refused_unread(settings) -> None:
    settings.PAYPAL_WEBHOOK_ID = "WH-TEST"

    answer = post(b"{not json")

    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_signature"


def test_a_five_megabyte_body_is_a_413(settings) -> None:
    settings.PAYPAL_WEBHOOK_ID = "WH-TEST"
    body = b'{"id": "WH-1", "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'

    answer = post(body, **HEADERS)

    assert answer.status_code == 413
    assert not InboundWebhook.objects.exists()


def test_a_webhook_for_a_provider_we_do_not_have_is_a_404() -> None:
    answer = Client().post(
        reverse("payments:webhook", args=["bitcoin"]), data=b"{}", content_type="application/json"
    )

    assert answer.status_code == 404
