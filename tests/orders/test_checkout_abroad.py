"""Checkout to an address abroad: the country decides the address rules, the shipping
zone fee, which vendors can ship at all, and the payment methods (PayPal abroad, the
Korean methods and bank transfer at home); the order keeps its country."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from orders import selectors, services
from orders.exceptions import OrderError
from orders.models import CartLine, Order
from orders.services.placement import clean_details, international_phone
from shop import plugins
from tests.accounts.factories import AddressFactory, UserFactory
from tests.orders.helpers import DETAILS, guest_cart, variant_of, vendor_with_policy
from tests.orders.test_views_checkout import CHECKOUT_MAX_QUERIES, fill_cart, html, token_on
from tests.shipping.factories import OverseasRateFactory, OverseasZoneFactory, ShippingPolicyFactory
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

ABROAD = {
    "country": "US",
    "recipient_name": "Jane Doe",
    "recipient_phone": "+1 (415) 555-0100",
    "postcode": "94105-1234",
    "road_address": "500 Howard St, San Francisco, CA",
    "detail_address": "Suite 300",
    "payment_method": "paypal",
}
US_FEE = Decimal(25000)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def overseas_vendor(*, countries=("US", "CA"), fee=US_FEE, name="Global Goods"):
    vendor = VendorFactory(name=name)
    policy = ShippingPolicyFactory(vendor=vendor, ships_overseas=True, base_fee=Decimal(3500))
    zone = OverseasZoneFactory(policy=policy, countries=list(countries))
    OverseasRateFactory(zone=zone, max_weight_grams=2000, fee=fee)
    return vendor


def recalculate(client: Client, **data):
    response = client.post(reverse("orders:checkout"), {**data, "action": "recalculate"})
    assert response.status_code == 200
    return response


def place(client: Client, token: str, **data):
    return client.post(
        reverse("orders:checkout"),
        {**DETAILS, **ABROAD, **data, "cart_token": token, "action": "place"},
    )


# What installed plugins offer besides (make test installs the example Toss plugin).
PLUGIN_METHODS = {
    item.name
    for app in plugins.discover_plugin_apps()
    for item in plugins.registrations(app)
    if item.kind == "payment provider"
}


def radios(page: str) -> set[str]:
    return set(re.findall(r'name="payment_method" value="([^"]+)"', page))


# --- The page -------------------------------------------------------------------------------


def test_the_page_starts_in_korea_and_offers_the_korean_methods(client):
    fill_cart(client, variant_of(overseas_vendor(), price=20000))
    page = html(client.get(reverse("orders:checkout")))
    assert re.search(r'<option value="KR"[^>]*selected', page)
    assert page.index('<option value="KR"') < page.index('<option value="AF"')  # Korea first
    assert radios(page) == {"bank_transfer", "kakaopay", "naverpay"} | PLUGIN_METHODS
    assert "Road address" in page
    assert 'hx-select="form.checkout"' in page  # another country re-renders the whole form


def test_choosing_a_country_abroad_quotes_its_zone_and_offers_paypal_only(client):
    fill_cart(client, variant_of(overseas_vendor(), price=20000))
    page = html(recalculate(client, country="US"))
    assert re.search(r'<option value="US"[^>]*selected', page)
    assert "Shipping abroad to United States" in page
    assert "Overseas shipping" in page
    assert 'id="order-total">45,000원<' in page  # 20,000 + the zone's 25,000
    assert radios(page) == {"paypal"}  # no bank transfer, KakaoPay or NaverPay abroad
    assert re.search(r'name="payment_method" value="paypal"[^>]*checked', page)
    assert 'name="depositor_name"' not in page
    assert "Address line 1" in page
    assert "Postal code" in page
    assert "+1 415 555 0100" in page  # the phone placeholder abroad


def test_the_htmx_summary_follows_the_country(client):
    fill_cart(client, variant_of(overseas_vendor(), price=20000))
    fragment = html(
        client.post(
            reverse("orders:checkout_summary"),
            {"country": "US", "postcode": "94105"},
            HTTP_HX_REQUEST="true",
        )
    )
    assert "Shipping abroad to United States" in fragment
    assert 'id="order-total">45,000원<' in fragment
    page = html(recalculate(client, country="US", postcode="94105"))
    assert token_on(fragment) == token_on(page)


def test_an_order_placed_abroad_keeps_its_country_and_goes_to_paypal(client):
    fill_cart(client, variant_of(overseas_vendor(), price=20000))
    token = token_on(html(recalculate(client, **ABROAD)))
    response = place(client, token)
    assert response.status_code == 302, response.context["form"].errors
    order = Order.objects.get()
    assert order.country == "US"
    assert order.postcode == "94105-1234"
    assert order.recipient_phone == "+1 (415) 555-0100"
    assert order.road_address == ABROAD["road_address"]
    assert order.shipping_amount == US_FEE
    assert order.total_amount == Decimal(45000)
    assert order.payment_method == "paypal"
    assert order.depositor_name == ""
    assert response["Location"].startswith(reverse("payments:start", args=[order.number]))
    assert "method=paypal" in response["Location"]
    complete = html(client.get(reverse("orders:complete", args=[order.number])))
    assert "United States" in complete


def test_the_korean_token_does_not_place_an_order_abroad(client):
    fill_cart(client, variant_of(overseas_vendor()))
    korean_token = token_on(html(client.get(reverse("orders:checkout"))))
    response = place(client, korean_token)
    assert response["Location"] == reverse("orders:cart")
    assert not Order.objects.exists()


def test_a_vendor_that_ships_only_in_korea_makes_the_cart_unshippable_abroad(client):
    domestic = vendor_with_policy()
    domestic.name = "Seoul Market"
    domestic.save()
    fill_cart(client, variant_of(overseas_vendor(), price=20000), variant_of(domestic, price=9000))
    page = html(recalculate(client, country="US"))
    assert "Not everything in this cart can be shipped to United States of America" in page
    assert "Seoul Market does not ship to United States of America." in page
    assert "Overseas shipping" in page  # the vendor that can still shows its fee
    assert 'id="order-total"' not in page  # no total that could not be charged
    assert 'name="cart_token" value=""' in page  # nothing to place with

    response = place(client, "0" * 32)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["country"] == ["Seoul Market does not ship to United States of America."]
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 2


def test_a_country_outside_every_zone_is_not_served(client):
    fill_cart(client, variant_of(overseas_vendor(name="Asia Only", countries=("JP",))))
    page = html(recalculate(client, country="FR"))
    assert "Asia Only does not ship to France." in page
    assert radios(page) == {"paypal"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recipient_phone": "010-3333-4444"}, "recipient_phone", "international format"),
        ({"recipient_phone": "+1 12"}, "recipient_phone", "international format"),
        ({"postcode": "12345678901"}, "postcode", "at most 10 characters"),
        ({"postcode": "941#05"}, "postcode", "postal code"),
        ({"road_address": ""}, "road_address", "required"),
        ({"payment_method": "kakaopay"}, "payment_method", "valid choice"),
        ({"payment_method": "bank_transfer"}, "payment_method", "valid choice"),
        ({"country": "XX"}, "country", "valid choice"),
    ],
)
def test_bad_input_abroad_is_a_field_error_and_orders_nothing(client, changes, field, message):
    fill_cart(client, variant_of(overseas_vendor()))
    token = token_on(html(recalculate(client, **ABROAD)))
    response = place(client, token, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Order.objects.exists()


def test_abroad_the_postcode_may_be_empty_and_the_orderer_phone_korean_or_international(client):
    fill_cart(client, variant_of(overseas_vendor(countries=("HK",))))
    data = {**ABROAD, "country": "HK", "postcode": "", "orderer_phone": "+852 2123 4567"}
    token = token_on(html(recalculate(client, **data)))
    response = place(client, token, **data)
    assert response.status_code == 302, response.context["form"].errors
    order = Order.objects.get()
    assert (order.country, order.postcode, order.orderer_phone) == ("HK", "", "+852 2123 4567")


def test_in_korea_the_rules_stay_korean(client):
    fill_cart(client, variant_of())
    token = token_on(html(client.get(reverse("orders:checkout"))))
    for changes, field in [
        ({"recipient_phone": "+82 10 3333 4444"}, "recipient_phone"),
        ({"postcode": "SW1A 1AA"}, "postcode"),
        ({"payment_method": "paypal"}, "payment_method"),
    ]:
        response = place(client, token, country="KR", **{**DETAILS, **changes})
        assert response.status_code == 400
        assert field in response.context["form"].errors
    assert not Order.objects.exists()


def test_a_saved_korean_address_cannot_be_used_abroad(client):
    user = UserFactory()
    address = AddressFactory(user=user, is_default=True)
    client.force_login(user)
    fill_cart(client, variant_of(overseas_vendor()))
    page = html(recalculate(client, country="US", address_id=address.pk))
    assert 'name="address_id"' not in page  # the Korean address book is not offered abroad
    token = token_on(page)
    response = place(client, token, address_id=address.pk)
    assert response.status_code == 400
    assert "Saved addresses are in Korea" in " ".join(response.context["form"].errors["address_id"])
    assert not Order.objects.exists()


def test_the_page_abroad_costs_no_more_queries_than_at_home(django_assert_max_num_queries):
    client = Client()
    for _index in range(3):
        fill_cart(client, variant_of(overseas_vendor()))
    with django_assert_max_num_queries(CHECKOUT_MAX_QUERIES):
        recalculate(client, country="US")


# --- The service ----------------------------------------------------------------------------


def test_the_service_validates_the_method_for_the_country():
    details = {**DETAILS, **ABROAD, "payment_method": "naverpay"}
    with pytest.raises(OrderError) as refused, translation.override("en"):
        clean_details(details, user=None)
    assert refused.value.fields["payment_method"] == [
        "This payment method is not offered for delivery to that country."
    ]
    with pytest.raises(OrderError) as refused:
        clean_details({**DETAILS, "payment_method": "paypal"}, user=None)
    assert "payment_method" in refused.value.fields
    with pytest.raises(OrderError) as refused:
        clean_details({**DETAILS, **ABROAD, "country": "ZZ"}, user=None)
    assert set(refused.value.fields) == {"country"}
    cleaned = clean_details(
        {**DETAILS, **ABROAD, "country": "us", "postcode": " m5v  3l9 "}, user=None
    )
    assert (cleaned["country"], cleaned["postcode"]) == ("US", "M5V 3L9")
    assert (
        clean_details({**DETAILS, **ABROAD, "payment_method": ""}, user=None)["payment_method"]
        == "paypal"
    )  # abroad no method means the first one offered there


def test_international_numbers_are_tidied_and_checked():
    assert international_phone("  +44  20 7946   0958 ") == "+44 20 7946 0958"
    for bad in ("+0 123 4567", "+1 415", "0044 20 7946 0958", "+1 415 555 0100 ext 2"):
        with pytest.raises(Exception, match="international format"), translation.override("en"):
            international_phone(bad)


def test_the_cart_view_abroad_names_the_vendors_that_cannot_ship():
    cart = guest_cart("abroad")
    domestic = vendor_with_policy()
    services.add_to_cart(cart=cart, variant_id=variant_of(overseas_vendor()).pk, quantity=1)
    services.add_to_cart(cart=cart, variant_id=variant_of(domestic).pk, quantity=1)
    with translation.override("en"):
        view = selectors.cart_view(cart, country="US")
    assert view.token == ""
    assert view.shipping_problems == {
        "country": [f"{domestic.name} does not ship to United States of America."]
    }
    home = selectors.cart_view(cart)
    assert home.token
    assert not home.shipping_problems
    assert home.country == "KR"


# --- The API --------------------------------------------------------------------------------


def test_the_api_quotes_and_places_an_order_abroad_with_paypal():
    api = APIClient()
    variant = variant_of(overseas_vendor(), price=20000)
    assert (
        api.post("/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 1}).status_code
        == 201
    )
    cart = api.get("/api/v1/cart/?country=US&postcode=94105").json()
    assert (cart["country"], cart["shipping_amount"], cart["shipping_problems"]) == (
        "US",
        "25000",
        {},
    )
    response = api.post(
        "/api/v1/checkout/", {**DETAILS, **ABROAD, "cart_token": cart["token"]}, format="json"
    )
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.country == "US"
    assert "method=paypal" in response.json()["payment_url"]


def test_the_api_refuses_a_bad_country_and_shows_an_unshippable_cart():
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    variant = variant_of(price=10000)  # a vendor shipping within Korea only
    api.post("/api/v1/cart/lines/", {"variant_id": variant.pk, "quantity": 1})
    bad = api.get("/api/v1/cart/?country=XX")
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"country"}
    cart = api.get("/api/v1/cart/?country=US").json()
    assert cart["token"] == ""
    assert cart["shipping_problems"]["country"] == [
        f"{variant.product.vendor.name} does not ship to United States of America."
    ]
    response = api.post(
        "/api/v1/checkout/", {**DETAILS, **ABROAD, "cart_token": "0" * 32}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_shippable"
    assert set(body["fields"]) == {"country"}
    assert not Order.objects.exists()
