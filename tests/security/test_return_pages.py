"""A payment return URL carries the provider's one-time token (KakaoPay's pg_token). The
shop processes it and sends the buyer on to a clean URL at once, and neither page is
stored by a browser or proxy nor names its URL to another site (AC-12)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from orders.models import Order
from tests.orders.helpers import variant_of
from tests.orders.test_views_checkout import fill_cart, place, review
from tests.payments.conftest import kakaopay_emulator  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_return_page_moves_on_to_a_clean_url_and_is_never_stored(kakaopay_emulator):  # noqa: F811
    shopper = Client(HTTP_ACCEPT_LANGUAGE="en")
    fill_cart(shopper, variant_of(price=15000))
    start = place(shopper, review(shopper), payment_method="kakaopay")["Location"]
    back = kakaopay_emulator.buyer(shopper.get(start)["Location"], "approve")
    assert "pg_token=" in back

    returned = shopper.get(path_of(back))
    landed = shopper.get(returned["Location"])

    assert Order.objects.get().status == Order.Status.PAID
    assert returned.status_code in {302, 303}
    assert urlsplit(returned["Location"]).query == ""  # the token stays behind
    for response in (returned, landed):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] in {"no-referrer", "same-origin"}
    assert landed.status_code == 200
