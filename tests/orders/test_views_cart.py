"""The cart page: add from the product page, change and remove lines (htmx and plain POST),
vendor groups with their shipping, problems, fixed query counts, CSRF and merge on sign-in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalog.services import option_key
from orders import services
from orders.models import Cart, CartLine
from orders.views.session import CART_COUNT, CART_KEY
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    OptionGroupFactory,
    OptionValueFactory,
    TextOptionFactory,
    VariantFactory,
)
from tests.orders.helpers import addon_of, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "cart"}
CART_MAX_QUERIES = 10


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def add(client: Client, variant, quantity="1", **extra):
    data = {"variant": variant.pk, "product": variant.product_id, "quantity": quantity, **extra}
    return client.post(reverse("orders:cart_add"), data)


def page(response) -> str:
    return response.content.decode()


def guest_cart_of(client: Client) -> Cart:
    return Cart.objects.get(session_key=client.session[CART_KEY], user=None)


# --- Rendering ---------------------------------------------------------------------------------


def test_an_empty_cart_renders_without_creating_a_cart_or_a_session(client):
    response = client.get(reverse("orders:cart"))
    assert response.status_code == 200
    assert "Your cart is empty." in page(response)
    assert not Cart.objects.exists()
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_adding_from_the_product_page_goes_back_there_with_a_message(client):
    variant = variant_of(price=12000, extra=1000)
    response = add(client, variant, "2")
    product_url = reverse("catalog:product", args=[variant.product_id, variant.product.slug])
    assert response.status_code == 302
    assert response["Location"] == product_url
    line = CartLine.objects.get()
    assert (line.variant_id, line.quantity) == (variant.pk, 2)
    assert line.cart.session_key == client.session[CART_KEY]
    assert client.session[CART_COUNT] == 1
    followed = client.get(product_url)
    assert "Added to your cart." in page(followed)
    assert 'id="cart-count" class="cart-count">1<' in page(followed)


def test_cart_lists_lines_grouped_by_vendor_with_shipping_and_totals(client):
    cheap = vendor_with_policy(base_fee=Decimal(3000), free_threshold=Decimal(50000))
    free = vendor_with_policy(base_fee=Decimal(2500), free_threshold=Decimal(10000))
    first = variant_of(cheap, price=10000, extra=500)
    second = variant_of(free, price=20000)
    addon = addon_of(first, price=3000)
    text = TextOptionFactory(product=first.product, label="각인", max_length=10)
    add(client, first, "2", **{f"addon_{addon.pk}": "1", f"text_{text.pk}": "엄마"})
    add(client, second, "1")

    html = page(client.get(reverse("orders:cart")))

    assert cheap.name in html
    assert free.name in html
    assert first.label in html
    assert "+500원" in html
    assert f"Add-on: {addon.name} \u00d7 1" in html
    assert "각인: “엄마”" in html
    # Vendor one: 2 x 10,500 + 3,000 add-on = 24,000 + 3,000 shipping (under 50,000).
    assert "24,000원" in html
    assert "= <strong>27,000원</strong>" in html
    # Vendor two: 20,000 over its 10,000 threshold ships free.
    assert "= <strong>20,000원</strong>" in html
    assert 'id="order-total">47,000원<' in html
    assert reverse("orders:checkout") in html


def test_a_price_posted_with_the_add_is_ignored(client):
    variant = variant_of(price=15000)
    add(client, variant, "1", price="1", unit_price="1", total="1", amount="1")
    html = page(client.get(reverse("orders:cart")))
    assert 'id="order-total">18,000원<' in html  # 15,000 + 3,000 shipping from the catalog


def test_options_chosen_without_javascript_find_their_variant(client):
    vendor = vendor_with_policy()
    colour = OptionGroupFactory(product__vendor=vendor, name="색상")
    size = OptionGroupFactory(product=colour.product, name="사이즈")
    red, large = OptionValueFactory(group=colour), OptionValueFactory(group=size)
    wanted = VariantFactory(product=colour.product, option_key=option_key([red.pk, large.pk]))
    VariantFactory(product=colour.product)
    data = {
        "product": colour.product_id,
        "variant": "",
        f"option_{colour.pk}": red.pk,
        f"option_{size.pk}": large.pk,
        "quantity": "1",
    }
    response = client.post(reverse("orders:cart_add"), data)
    assert response.status_code == 302
    assert CartLine.objects.get().variant_id == wanted.pk


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["0", "-1", "1000", "abc", "1.5", ""])
def test_a_bad_quantity_on_add_says_so_and_changes_nothing(client, quantity):
    variant = variant_of()
    response = add(client, variant, quantity)
    assert response.status_code == 302
    assert not Cart.objects.exists()
    assert not CartLine.objects.exists()
    assert CART_KEY not in client.session
    followed = page(client.get(response["Location"]))
    assert "Enter a whole number from 1 to 999." in followed


def test_a_variant_of_another_product_is_refused(client):
    variant, other = variant_of(), variant_of()
    response = client.post(
        reverse("orders:cart_add"),
        {"variant": other.pk, "product": variant.product_id, "quantity": "1"},
    )
    assert response.status_code == 302
    assert not CartLine.objects.exists()
    assert "This option belongs to another product." in page(client.get(response["Location"]))


def test_more_than_in_stock_is_refused_on_add(client):
    variant = variant_of(stock=2)
    response = add(client, variant, "3")
    assert not CartLine.objects.exists()
    assert "left" in page(client.get(response["Location"]))


# --- Change and remove -------------------------------------------------------------------------


def test_htmx_changes_a_quantity_and_swaps_the_cart_and_the_header_count(client):
    variant = variant_of(price=10000)
    add(client, variant, "1")
    line = CartLine.objects.get()
    response = client.post(reverse("orders:cart_update", args=[line.pk]), {"quantity": "3"}, **HTMX)
    html = page(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="cart"')  # the fragment, not the whole page
    assert "<html" not in html
    assert 'id="cart-count" class="cart-count" hx-swap-oob="true">1<' in html
    assert "30,000원" in html
    line.refresh_from_db()
    assert line.quantity == 3


def test_htmx_bad_quantity_shows_the_error_on_the_line_and_changes_nothing(client):
    variant = variant_of(stock=5)
    add(client, variant, "2")
    line = CartLine.objects.get()
    for bad in ("0", "abc", "6"):
        response = client.post(
            reverse("orders:cart_update", args=[line.pk]), {"quantity": bad}, **HTMX
        )
        assert response.status_code == 200
        assert 'class="errorlist"' in page(response)
        line.refresh_from_db()
        assert line.quantity == 2


def test_without_javascript_a_change_redirects_and_a_bad_one_answers_400(client):
    variant = variant_of()
    add(client, variant, "1")
    line = CartLine.objects.get()
    url = reverse("orders:cart_update", args=[line.pk])
    response = client.post(url, {"quantity": "2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:cart")
    response = client.post(url, {"quantity": "-4"})
    assert response.status_code == 400
    assert "Enter a whole number from 1 to 999." in page(response)
    line.refresh_from_db()
    assert line.quantity == 2


def test_removing_a_line(client):
    variant = variant_of()
    add(client, variant, "1")
    line = CartLine.objects.get()
    response = client.post(reverse("orders:cart_remove", args=[line.pk]), **HTMX)
    assert "Your cart is empty." in page(response)
    assert 'hx-swap-oob="true" hidden>' in page(response)
    assert not CartLine.objects.exists()
    assert client.session[CART_COUNT] == 0


def test_another_shoppers_line_is_404_for_change_and_remove(client):
    variant = variant_of()
    owner = Client()
    add(owner, variant, "1")
    theirs = CartLine.objects.get()
    add(client, variant_of(), "1")  # this shopper has a cart of their own
    member = Client()
    member.force_login(UserFactory())
    add(member, variant_of(), "1")
    for intruder in (client, member):
        update = reverse("orders:cart_update", args=[theirs.pk])
        remove = reverse("orders:cart_remove", args=[theirs.pk])
        assert intruder.post(update, {"quantity": "5"}).status_code == 404
        assert intruder.post(remove).status_code == 404
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_problems_are_shown_and_block_the_order_button(client):
    short = variant_of(stock=5)
    add(client, short, "4")
    type(short).objects.filter(pk=short.pk).update(stock=2)
    html = page(client.get(reverse("orders:cart")))
    assert "Only 2 left." in html
    assert "has-problem" in html
    assert f'href="{reverse("orders:checkout")}"' not in html


# --- Cost, CSRF, sign-in -----------------------------------------------------------------------


def cart_with(lines: int) -> Client:
    client = Client()
    for index in range(lines):
        vendor = vendor_with_policy() if index % 2 == 0 else None
        variant = variant_of(vendor)
        addon = addon_of(variant)
        add(client, variant, "1", **{f"addon_{addon.pk}": "1"})
    return client


def test_the_cart_page_costs_the_same_for_1_or_6_lines(django_assert_max_num_queries):
    small, big = cart_with(1), cart_with(6)
    assert CartLine.objects.filter(cart=guest_cart_of(big)).count() == 6
    counts = []
    for client in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("orders:cart")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(CART_MAX_QUERIES):
        big.get(reverse("orders:cart"))


def test_csrf_is_enforced_on_every_cart_write():
    variant = variant_of()
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": "1"})
    assert response.status_code == 403
    owner = Client()
    add(owner, variant, "1")
    line = CartLine.objects.get()
    client.cookies = owner.cookies  # the owner's session, without the token
    assert (
        client.post(reverse("orders:cart_update", args=[line.pk]), {"quantity": "3"}).status_code
        == 403
    )
    assert client.post(reverse("orders:cart_remove", args=[line.pk])).status_code == 403
    line.refresh_from_db()
    assert line.quantity == 1


def test_signing_in_merges_the_guest_cart_into_the_members(client):
    user = UserFactory()
    kept = variant_of(stock=20)
    member_cart = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=member_cart, variant_id=kept.pk, quantity=2)
    add(client, kept, "3")
    other = variant_of()
    add(client, other, "1")
    guest_key = client.session[CART_KEY]

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert not Cart.objects.filter(session_key=guest_key).exists()
    lines = dict(CartLine.objects.filter(cart=member_cart).values_list("variant_id", "quantity"))
    assert lines == {kept.pk: 5, other.pk: 1}
    assert CART_KEY not in client.session
    assert client.session[CART_COUNT] == 2
    html = page(client.get(reverse("orders:cart")))
    assert other.product.name in html
    assert kept.product.name in html


def test_signing_in_shows_the_members_own_cart_count(client):
    user = UserFactory()
    cart = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session[CART_COUNT] == 1
    assert 'id="cart-count" class="cart-count">1<' in page(client.get(reverse("orders:cart")))
