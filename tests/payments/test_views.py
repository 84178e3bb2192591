"""The storefront's payment pages: checkout to KakaoPay and back, retry, and who may pay."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order
from payments.models import IntentStatus, PaymentIntent
from tests.orders.helpers import variant_of
from tests.orders.test_views_checkout import fill_cart, place, review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


@pytest.fixture
def shopper() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def checkout_with_kakaopay(client: Client) -> str:
    """Fill the cart, place with KakaoPay; return where checkout sent the buyer."""
    fill_cart(client, variant_of(price=15000))
    response = place(client, review(client), payment_method="kakaopay")
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_checkout_offers_the_providers_and_bank_transfer(shopper) -> None:
    fill_cart(shopper, variant_of())
    page = shopper.get(reverse("orders:checkout")).content.decode()
    for value in ("bank_transfer", "kakaopay", "naverpay"):
        assert f'value="{value}"' in page
    assert 'value="paypal"' not in page  # PayPal is for orders shipped abroad


def test_a_guest_pays_with_kakaopay_and_lands_on_the_complete_page(shopper, kakaopay_emulator):
    start = checkout_with_kakaopay(shopper)
    assert start.startswith(reverse("payments:start", args=[Order.objects.get().number]))

    to_kakaopay = shopper.get(start)
    assert to_kakaopay.status_code == 302
    sheet = to_kakaopay["Location"]
    assert sheet.startswith(kakaopay_emulator.base_url)
    back = kakaopay_emulator.buyer(sheet, "approve")

    landed = shopper.get(path_of(back))
    order = Order.objects.get()
    assert landed.status_code == 302
    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    assert order.status == Order.Status.PAID
    complete = shopper.get(landed["Location"]).content.decode()
    assert "Your payment is confirmed." in complete

    # The same return again (a refresh) changes nothing and approves nothing twice.
    assert shopper.get(path_of(back))["Location"] == landed["Location"]
    assert kakaopay_emulator.calls("approve") == 1


def test_a_cancelled_payment_brings_the_buyer_back_to_pay_again(shopper, kakaopay_emulator):
    start = checkout_with_kakaopay(shopper)
    sheet = shopper.get(start)["Location"]
    back = kakaopay_emulator.buyer(sheet, "cancel")

    landed = shopper.get(path_of(back))
    order = Order.objects.get()
    assert landed["Location"].startswith(reverse("payments:pay", args=[order.number]))
    page = shopper.get(landed["Location"]).content.decode()
    assert "The payment was cancelled." in page
    assert 'value="kakaopay"' in page
    assert PaymentIntent.objects.get().status == IntentStatus.CANCELLED
    assert order.status == Order.Status.PENDING_PAYMENT


def test_another_browser_cannot_start_or_see_the_payment_of_an_order(shopper, kakaopay_emulator):
    start = checkout_with_kakaopay(shopper)
    order = Order.objects.get()
    stranger = Client(HTTP_ACCEPT_LANGUAGE="en")

    assert stranger.get(start).status_code == 404
    assert stranger.get(reverse("payments:pay", args=[order.number])).status_code == 404
    assert not PaymentIntent.objects.exists()
    assert kakaopay_emulator.calls("ready") == 0


def test_an_unknown_or_malformed_payment_reference_is_not_found(shopper) -> None:
    assert shopper.get("/payments/00000000-0000-0000-0000-000000000000/return/").status_code == 404
    assert shopper.get("/payments/not-a-uuid/return/").status_code == 404


def test_an_unknown_method_sends_the_buyer_to_choose_again(shopper, kakaopay_emulator):
    checkout_with_kakaopay(shopper)
    order = Order.objects.get()
    response = shopper.get(reverse("payments:start", args=[order.number]) + "?method=bitcoin")
    assert response["Location"] == reverse("payments:pay", args=[order.number])
