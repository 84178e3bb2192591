"""The plugin against the shop: it appears at checkout and pays through its emulator over HTTP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from shop_tosspayments.models import TossReceipt

from orders.models import Order
from payments.models import IntentStatus, PaymentIntent
from tests.orders.helpers import variant_of
from tests.orders.test_views_checkout import fill_cart, place, review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shopper() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def checkout_with_toss(client: Client, price: int = 15000) -> str:
    """Fill the cart and place the order with Toss; return the Toss window's URL."""
    fill_cart(client, variant_of(price=price))
    placed = place(client, review(client), payment_method="tosspayments")
    assert placed.status_code == 302, placed.content.decode()[:2000]
    to_toss = client.get(placed["Location"])  # the shop's payments:start page
    assert to_toss.status_code == 302
    return to_toss["Location"]


def test_checkout_offers_toss_and_shows_its_block(shopper) -> None:
    fill_cart(shopper, variant_of())
    page = shopper.get(reverse("orders:checkout")).content.decode()
    assert 'value="tosspayments"' in page
    assert 'data-plugin="tosspayments"' in page  # its checkout_extras slot block
    korean = Client(HTTP_ACCEPT_LANGUAGE="ko")
    fill_cart(korean, variant_of())
    page = korean.get(reverse("orders:checkout")).content.decode()
    assert "토스페이먼츠: 카드와 간편결제로 결제하고" in page  # the plugin's own translation


def test_a_guest_pays_with_toss_through_its_window(shopper, toss_emulator) -> None:
    window = checkout_with_toss(shopper)
    assert window.startswith(f"{toss_emulator.base_url}/window?")
    back = toss_emulator.buyer(window)  # the plugin's success URL, with paymentKey
    assert "/tosspayments/" in back
    assert "paymentKey=" in back

    to_shop = shopper.get(path_of(back))
    landed = shopper.get(path_of(to_shop["Location"]))
    order = Order.objects.get()
    assert landed["Location"] == reverse("orders:complete", args=[order.number])
    assert order.status == Order.Status.PAID
    intent = PaymentIntent.objects.get()
    assert intent.provider == "tosspayments"
    assert intent.status == IntentStatus.PAID
    assert intent.provider_payment_id.startswith("tgen_")
    assert toss_emulator.calls("confirm") == 1
    # The plugin's own listener kept the receipt (its own table, its own migration).
    receipt = TossReceipt.objects.get()
    assert (receipt.order_id, receipt.amount) == (order.pk, order.total_amount)

    # A refresh of the return changes nothing and confirms nothing twice.
    shopper.get(path_of(to_shop["Location"]))
    assert toss_emulator.calls("confirm") == 1


def test_a_buyer_who_quits_the_window_is_back_on_the_pay_page(shopper, toss_emulator) -> None:
    back = toss_emulator.buyer(checkout_with_toss(shopper), "cancel")
    landed = shopper.get(path_of(shopper.get(path_of(back))["Location"]))
    order = Order.objects.get()
    assert landed["Location"].startswith(reverse("payments:pay", args=[order.number]))
    assert order.status == Order.Status.PENDING_PAYMENT
    assert PaymentIntent.objects.get().status == IntentStatus.CANCELLED
    assert toss_emulator.calls("confirm") == 0


def test_a_declined_card_fails_the_attempt_and_leaves_the_order_unpaid(shopper, toss_emulator):
    toss_emulator.fault("confirm", "decline")
    back = toss_emulator.buyer(checkout_with_toss(shopper))
    shopper.get(path_of(shopper.get(path_of(back))["Location"]))
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    intent = PaymentIntent.objects.get()
    assert intent.status == IntentStatus.FAILED
    assert not TossReceipt.objects.exists()


def test_an_amount_changed_in_the_window_is_refused_by_toss(shopper, toss_emulator) -> None:
    window = checkout_with_toss(shopper, price=15000)
    assert _amount(window) == "15000" or int(_amount(window)) > 15000  # items + shipping
    cheaper = window.replace(f"amount={_amount(window)}", "amount=100")
    back = toss_emulator.buyer(cheaper)
    shopper.get(path_of(shopper.get(path_of(back))["Location"]))
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    assert PaymentIntent.objects.get().status == IntentStatus.FAILED


def _amount(url: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(urlsplit(url).query)["amount"][0]
