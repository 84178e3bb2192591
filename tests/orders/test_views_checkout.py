"""Checkout and the order complete page: every amount from the server, the Jeju surcharge,
saved addresses, field errors that change nothing, a cart changed since review, CSRF."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import CartLine, Order
from tests.accounts.factories import AddressFactory, UserFactory
from tests.orders.helpers import DETAILS, addon_of, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db

JEJU = "63100"  # 제주시
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "checkout-summary"}
CHECKOUT_MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def _bank_account(settings):
    settings.ORDERS_BANK_ACCOUNT = "국민은행 123456-01-234567 (주)샵"
    settings.SITE_URL = "https://shop.example"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def html(response) -> str:
    return response.content.decode()


def fill_cart(client: Client, *variants, quantity: str = "1") -> None:
    for variant in variants:
        response = client.post(
            reverse("orders:cart_add"),
            {"variant": variant.pk, "product": variant.product_id, "quantity": quantity},
        )
        assert response.status_code == 302


def token_on(page: str) -> str:
    match = re.search(r'name="cart_token" value="([0-9a-f]+)"', page)
    assert match, "the summary carries the cart token"
    return match.group(1)


def review(client: Client, **data) -> str:
    """Return the token of the summary the shopper sees for ``data`` (no JavaScript)."""
    if data:
        response = client.post(reverse("orders:checkout"), {**data, "action": "recalculate"})
    else:
        response = client.get(reverse("orders:checkout"))
    assert response.status_code == 200
    return token_on(html(response))


def place(client: Client, token: str, **data):
    return client.post(
        reverse("orders:checkout"), {**DETAILS, **data, "cart_token": token, "action": "place"}
    )


# --- The page and its summary ------------------------------------------------------------------


def test_guest_checkout_states_every_amount(client):
    vendor = vendor_with_policy(base_fee=Decimal(3000), free_threshold=Decimal(50000))
    variant = variant_of(vendor, price=10000, extra=2000)
    addon = addon_of(variant, price=1500)
    client.post(
        reverse("orders:cart_add"),
        {
            "variant": variant.pk,
            "product": variant.product_id,
            "quantity": "2",
            f"addon_{addon.pk}": "1",
        },
    )
    page = html(client.get(reverse("orders:checkout")))
    assert 'name="orderer_email"' in page
    assert 'name="address_id"' not in page  # guests have no address book
    assert vendor.name in page
    for label, amount in [
        ("Items", "20,000원"),
        ("Option extras", "4,000원"),
        ("Add-on items", "1,500원"),
        ("Shipping", "3,000원"),
        ("Discounts", "\u22120원"),
        ("Points used", "\u22120원"),
        ("of which tax-free", "0원"),
    ]:
        assert f"<dt>{label}</dt><dd>{amount}</dd>" in page, label
    assert 'id="order-total">28,500원<' in page
    assert "국민은행 123456-01-234567" in page
    assert "72 hours" in page
    assert 'hx-post="/checkout/summary/"' in page


def test_a_jeju_postcode_adds_the_surcharge_with_or_without_javascript(client):
    vendor = vendor_with_policy(base_fee=Decimal(3000), jeju_surcharge=Decimal(4000))
    fill_cart(client, variant_of(vendor, price=10000))
    mainland = html(client.get(reverse("orders:checkout")))
    assert "Jeju surcharge" not in mainland
    assert 'id="order-total">13,000원<' in mainland

    plain = html(
        client.post(reverse("orders:checkout"), {"postcode": JEJU, "action": "recalculate"})
    )
    assert "Jeju surcharge" in plain
    assert "4,000원" in plain
    assert 'id="order-total">17,000원<' in plain
    assert f'value="{JEJU}"' in plain  # what was typed is kept
    assert 'class="errorlist"' not in plain  # recalculating is not submitting

    fragment = html(client.post(reverse("orders:checkout_summary"), {"postcode": JEJU}, **HTMX))
    assert fragment.lstrip().startswith('<section id="checkout-summary"')
    assert "Jeju surcharge" in fragment
    assert token_on(fragment) == token_on(plain)

    response = place(client, token_on(plain), postcode=JEJU)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.shipping_amount == Decimal(7000)
    assert order.total_amount == Decimal(17000)


def test_the_mainland_token_does_not_place_a_jeju_order(client):
    vendor = vendor_with_policy(jeju_surcharge=Decimal(4000))
    fill_cart(client, variant_of(vendor))
    mainland_token = review(client)
    response = place(client, mainland_token, postcode=JEJU)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()
    assert "Your cart changed since you reviewed it." in html(client.get(reverse("orders:cart")))


def test_member_checkout_prefills_the_orderer_and_lists_saved_addresses(client):
    user = UserFactory(name="김회원", phone="010-5555-6666")
    home = AddressFactory(user=user, label="집", postcode=JEJU, is_default=True)
    AddressFactory(user=user, label="회사")
    client.force_login(user)
    fill_cart(client, variant_of(vendor_with_policy(jeju_surcharge=Decimal(4000))))
    page = html(client.get(reverse("orders:checkout")))
    assert 'value="김회원"' in page
    assert f'value="{user.email}"' in page
    assert 'value="010-5555-6666"' in page
    assert "[집]" in page
    assert "[회사]" in page
    assert re.search(rf'value="{home.pk}"[^>]*checked', page)
    # The default address is in Jeju: the summary quotes for it from the start.
    assert "Jeju surcharge" in page


def test_a_member_orders_to_a_saved_address(client):
    user = UserFactory()
    address = AddressFactory(user=user, recipient="박수령", postcode="48058", is_default=True)
    client.force_login(user)
    fill_cart(client, variant_of())
    token = review(client)
    data = {
        name: value for name, value in DETAILS.items() if not name.startswith(("recipient", "post"))
    }
    data.update(road_address="", detail_address="", address_id=address.pk)
    response = client.post(
        reverse("orders:checkout"), {**data, "cart_token": token, "action": "place"}
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.user == user
    assert (order.recipient_name, order.postcode) == ("박수령", "48058")
    assert response["Location"] == reverse("orders:complete", args=[order.number])
    page = html(client.get(response["Location"]))
    assert order.number in page
    assert "Your order link" not in page  # members see their orders on my page


# --- Placement and the complete page -----------------------------------------------------------


def test_a_guest_places_a_bank_transfer_order_and_sees_the_link_once(client):
    fill_cart(client, variant_of(price=20000))
    response = place(client, review(client))
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.user is None
    assert order.payment_method == "bank_transfer"
    assert order.depositor_name == DETAILS["orderer_name"]  # left empty: the orderer's
    assert not CartLine.objects.exists()

    page = html(client.get(response["Location"]))
    assert order.number in page
    assert "국민은행 123456-01-234567" in page
    assert "23,000원" in page
    assert timezone.localtime(order.deposit_deadline).strftime("%Y-%m-%d %H:%M") in page
    link = f"https://shop.example/orders/lookup/{order.number}/{order.lookup_token()}/"
    assert link in page

    again = html(client.get(response["Location"]))
    assert order.number in again
    assert order.lookup_token() not in again  # shown only once
    assert Client().get(response["Location"]).status_code == 404  # another browser


def test_amounts_posted_by_the_client_are_ignored(client):
    fill_cart(client, variant_of(price=10000))
    token = review(client)
    place(
        client,
        token,
        total_amount="1",
        items_amount="1",
        shipping_amount="0",
        price="1",
        status="paid",
        user="1",
    )
    order = Order.objects.get()
    assert order.total_amount == Decimal(13000)
    assert order.items_amount == Decimal(10000)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.user is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"orderer_email": ""}, "orderer_email"),
        ({"orderer_phone": ""}, "orderer_phone"),
        ({"orderer_email": "not-an-email"}, "orderer_email"),
        ({"postcode": "12"}, "postcode"),
        ({"recipient_name": ""}, "recipient_name"),
        ({"recipient_phone": "12"}, "recipient_phone"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"delivery_memo": "x" * 201}, "delivery_memo"),
    ],
)
def test_bad_checkout_input_shows_a_field_error_and_places_nothing(client, changes, field):
    variant = variant_of(stock=5)
    fill_cart(client, variant)
    response = place(client, review(client), **changes)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert f'id="id_{field}_error"' in html(response) or form.errors[field][0] in html(response)
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 5


def test_another_members_address_is_refused(client):
    user = UserFactory()
    someone_elses = AddressFactory()
    client.force_login(user)
    fill_cart(client, variant_of())
    for _own in range(2):  # with no address book, then with one
        response = place(client, review(client), address_id=someone_elses.pk)
        assert response.status_code == 400
        assert "address_id" in response.context["form"].errors
        assert "Select a valid choice." in html(response)
        assert not Order.objects.exists()
        AddressFactory(user=user)
    guest = Client(HTTP_ACCEPT_LANGUAGE="en")
    fill_cart(guest, variant_of())
    response = place(guest, review(guest), address_id=someone_elses.pk)
    assert response.status_code == 400
    assert "address_id" in response.context["form"].errors
    assert not Order.objects.exists()


def test_a_cart_changed_in_another_tab_is_refused_and_the_cart_shown(client):
    variant = variant_of(stock=10)
    fill_cart(client, variant)
    token = review(client)
    line = CartLine.objects.get()
    client.post(reverse("orders:cart_update", args=[line.pk]), {"quantity": "3"})
    response = place(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()
    page = html(client.get(response["Location"]))
    assert "Your cart changed since you reviewed it." in page
    variant.refresh_from_db()
    assert variant.stock == 10


def test_an_item_sold_out_since_review_sends_the_shopper_back_to_the_cart(client):
    variant = variant_of(stock=3)
    fill_cart(client, variant, quantity="2")
    token = review(client)
    type(variant).objects.filter(pk=variant.pk).update(stock=1)
    response = place(client, token)
    assert response["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()
    assert "Only 1 left." in html(client.get(reverse("orders:cart")))


def test_an_empty_cart_has_no_checkout(client):
    assert client.get(reverse("orders:checkout"))["Location"] == reverse("orders:cart")
    assert place(client, "0" * 32)["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()


def test_csrf_is_enforced_on_checkout():
    owner = Client()
    fill_cart(owner, variant_of())
    token = review(owner)
    client = Client(enforce_csrf_checks=True)
    client.cookies = owner.cookies
    assert place(client, token).status_code == 403
    assert client.post(reverse("orders:checkout_summary"), {"postcode": JEJU}).status_code == 403
    assert not Order.objects.exists()


def test_the_checkout_page_costs_the_same_for_1_or_6_lines(django_assert_max_num_queries):
    def shopper(lines: int) -> Client:
        client = Client()
        for index in range(lines):
            variant = variant_of(vendor_with_policy() if index % 2 == 0 else None)
            fill_cart(client, variant)
        return client

    small, big = shopper(1), shopper(6)
    counts = []
    for client in (small, big):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("orders:checkout")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(CHECKOUT_MAX_QUERIES):
        big.get(reverse("orders:checkout"))


def test_a_guests_purchase_runs_a_fixed_number_of_queries_per_request(django_assert_num_queries):
    """The storefront flow ``make bench`` rushes: each step's queries, counted exactly.

    A query more on any of these is paid on every order; change a number only knowing
    why. (A transaction is counted as its BEGIN and COMMIT: here, inside the test's own
    transaction, they are a SAVEPOINT and its RELEASE.)
    """
    variant = variant_of()
    client = Client()
    # Begin, the cart (its key is new: no lookup), the variant checked, its text options,
    # a savepoint (the service's own transaction), the cart locked, the same configuration
    # looked for, the line, release, commit; the lines counted for the header; the new
    # session (a key collision check, then begin, insert, commit: cached_db).
    with django_assert_num_queries(15):
        fill_cart(client, variant)
    # The cart, its lines (a line without add-ons or texts looks no add-on up), the
    # policies (a domestic quote of a policy that is not tiered reads neither tiers nor
    # zones), the remote areas.
    with django_assert_num_queries(4):
        token = review(client)
    # The cart; begin, the review's three reads again, the order, its vendor part and
    # lines, the audit event, the cart's add-ons and lines deleted, the stock locked and
    # taken, commit; the session saved (the guest's access to the order): begin, update,
    # commit.
    with django_assert_num_queries(17):
        response = place(client, token)
    assert response.status_code == 302
    # The order with its vendor parts and lines; the session saved (the link is shown once).
    with django_assert_num_queries(6):
        assert client.get(response["Location"]).status_code == 200
