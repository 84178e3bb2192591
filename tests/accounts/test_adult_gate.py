"""The 19+ gate: product page, cart, placement; and owners verified before vendor approval."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from orders import services as orders_services
from orders.exceptions import OrderError
from orders.models import Order
from tests.accounts.factories import UserFactory, verify_identity
from tests.orders.helpers import guest_cart, place, variant_of
from tests.vendors.factories import VendorFactory
from vendors import services as vendors_services
from vendors.exceptions import VendorError
from vendors.models import Vendor, VendorMembership

pytestmark = pytest.mark.django_db


def minor_birth() -> str:
    return f"{timezone.localdate().year - 18}-12-31"


@pytest.fixture
def adult_variant():
    return variant_of(adult_only=True, name="전통 소주 세트")


def page_of(client: Client, variant) -> str:
    product = variant.product
    response = client.get(reverse("catalog:product", args=[product.pk, product.slug]))
    assert response.status_code == 200
    return response.content.decode()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_and_unverified_visitors_see_the_gate_instead_of_the_buy_box(adult_variant):
    anonymous = page_of(Client(), adult_variant)
    assert 'data-testid="adult-gate"' in anonymous
    assert 'id="buy-form"' not in anonymous
    assert reverse("account_login") in anonymous

    unverified = page_of(signed_in(UserFactory()), adult_variant)
    assert 'id="buy-form"' not in unverified
    assert reverse("accounts:identity") in unverified


def test_a_verified_minor_sees_the_gate_and_an_adult_the_buy_box(adult_variant):
    minor, adult = UserFactory(), UserFactory()
    verify_identity(minor, birth_date=minor_birth())
    verify_identity(adult)

    assert 'id="buy-form"' not in page_of(signed_in(minor), adult_variant)
    page_of(Client(), adult_variant)  # an anonymous copy first: it must not be served on
    assert 'id="buy-form"' in page_of(signed_in(adult), adult_variant)


def test_an_ordinary_product_shows_the_buy_box_to_everyone():
    variant = variant_of()
    assert 'id="buy-form"' in page_of(Client(), variant)


def test_the_adult_product_page_runs_a_bounded_number_of_queries(
    adult_variant, django_assert_max_num_queries
):
    adult = UserFactory()
    verify_identity(adult)
    client = signed_in(adult)
    page_of(client, adult_variant)  # warm the catalog caches

    with django_assert_max_num_queries(12):
        page_of(client, adult_variant)


def test_the_cart_refuses_an_adult_product_to_a_guest_and_a_minor(adult_variant):
    with pytest.raises(OrderError) as refused:
        orders_services.add_to_cart(cart=guest_cart(), variant_id=adult_variant.pk, quantity=1)
    assert refused.value.code == "adult_only"
    assert refused.value.status_code == 403
    assert "variant" in refused.value.fields

    minor = UserFactory()
    verify_identity(minor, birth_date=minor_birth())
    cart = orders_services.get_or_create_cart(user=minor)
    with pytest.raises(OrderError):
        orders_services.add_to_cart(cart=cart, variant_id=adult_variant.pk, quantity=1)


def test_the_cart_takes_an_adult_product_from_a_verified_adult(adult_variant):
    adult = UserFactory()
    verify_identity(adult)
    cart = orders_services.get_or_create_cart(user=adult)

    line = orders_services.add_to_cart(cart=cart, variant_id=adult_variant.pk, quantity=1)

    assert line.variant.product.adult_only


def test_placement_checks_again_when_a_product_became_adults_only():
    variant = variant_of()
    cart = guest_cart()
    orders_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    Product.objects.filter(pk=variant.product_id).update(adult_only=True)

    with pytest.raises(OrderError) as refused:
        place(cart)

    assert refused.value.code == "adult_only"
    assert not Order.objects.exists()


def test_a_verified_adult_places_an_adult_order(adult_variant):
    adult = UserFactory()
    verify_identity(adult)
    cart = orders_services.get_or_create_cart(user=adult)
    orders_services.add_to_cart(cart=cart, variant_id=adult_variant.pk, quantity=1)

    result = place(cart, user=adult)

    assert result.order.user == adult


def test_the_cart_page_answers_a_refused_adult_product_without_a_500(adult_variant):
    response = Client().post(
        reverse("orders:cart_add"),
        {"product": adult_variant.product_id, "variant": adult_variant.pk, "quantity": 1},
    )
    assert response.status_code in (302, 400, 403)


def test_approval_refuses_a_vendor_whose_owner_is_not_verified():
    owner = UserFactory()
    vendor = VendorFactory(status=Vendor.Status.APPLIED)
    VendorMembership.objects.create(vendor=vendor, user=owner, role=VendorMembership.Role.OWNER)

    with pytest.raises(VendorError) as refused:
        vendors_services.approve_vendor(vendor_id=vendor.pk)
    assert refused.value.code == "owner_not_verified"
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.APPLIED

    verify_identity(owner)
    vendors_services.approve_vendor(vendor_id=vendor.pk)
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.APPROVED


def test_the_application_page_asks_an_unverified_owner_to_verify():
    user = UserFactory()
    client = signed_in(user)

    assert (
        'data-testid="owner-identity"' in client.get(reverse("vendors:apply_done")).content.decode()
    )
    verify_identity(user)
    assert (
        'data-testid="owner-identity"'
        not in client.get(reverse("vendors:apply_done")).content.decode()
    )
