"""Cart rules: what may be added, quantities, configurations, merging, prices from the catalog."""

from decimal import Decimal

import pytest

from catalog.exceptions import CatalogError
from catalog.models import Product
from orders import selectors, services
from orders.exceptions import OrderError
from orders.models import Cart, CartLine
from shop.exceptions import NotFoundError
from tests.catalog.factories import TextOptionFactory
from tests.orders.helpers import addon_of, guest_cart, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("quantity", [0, -1, 1000, 10**12, "abc", "1.5", "1e3", "", None, True])
def test_bad_quantities_are_refused_and_nothing_is_added(quantity):
    variant = variant_of()
    cart = guest_cart()
    with pytest.raises(OrderError) as error:
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    assert "quantity" in error.value.fields
    assert not CartLine.objects.exists()


def test_quantity_as_text_digits_is_accepted():
    variant = variant_of()
    line = services.add_to_cart(cart=guest_cart(), variant_id=variant.pk, quantity=" 3 ")
    assert line.quantity == 3


def test_the_same_configuration_adds_up_on_one_line():
    variant = variant_of(stock=10)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=3)
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [5]


def test_different_text_inputs_make_separate_lines():
    variant = variant_of()
    option = TextOptionFactory(product=variant.product, max_length=10)
    cart = guest_cart()
    services.add_to_cart(
        cart=cart, variant_id=variant.pk, quantity=1, text_inputs={option.pk: "엄마"}
    )
    services.add_to_cart(
        cart=cart, variant_id=variant.pk, quantity=1, text_inputs={str(option.pk): "아빠"}
    )
    assert CartLine.objects.count() == 2


def test_a_text_longer_than_its_option_allows_is_refused():
    variant = variant_of()
    option = TextOptionFactory(product=variant.product, max_length=3)
    with pytest.raises(CatalogError) as error:
        services.add_to_cart(
            cart=guest_cart(),
            variant_id=variant.pk,
            quantity=1,
            text_inputs={option.pk: "너무 긴 글"},
        )
    assert f"text_options.{option.pk}" in error.value.fields


def test_more_than_in_stock_is_refused_on_add_and_on_raise():
    variant = variant_of(stock=3)
    cart = guest_cart()
    with pytest.raises(CatalogError):
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=4)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    with pytest.raises(CatalogError):
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
    assert CartLine.objects.get().quantity == 2


@pytest.mark.parametrize("status", [Product.Status.HIDDEN, Product.Status.SOLD_OUT])
def test_hidden_or_sold_out_products_cannot_be_added(status):
    variant = variant_of(status=status)
    with pytest.raises(CatalogError):
        services.add_to_cart(cart=guest_cart(), variant_id=variant.pk, quantity=1)
    assert not CartLine.objects.exists()


def test_a_variant_of_another_product_is_refused():
    variant, other = variant_of(), variant_of()
    with pytest.raises(OrderError) as error:
        services.add_to_cart(
            cart=guest_cart(), variant_id=variant.pk, quantity=1, product_id=other.product_id
        )
    assert "variant" in error.value.fields


def test_an_addon_of_another_product_is_refused():
    variant, other = variant_of(), variant_of()
    foreign = addon_of(other)
    with pytest.raises(OrderError) as error:
        services.add_to_cart(
            cart=guest_cart(), variant_id=variant.pk, quantity=1, addons={foreign.pk: 1}
        )
    assert f"addons.{foreign.pk}" in error.value.fields


def test_another_carts_line_is_not_found():
    variant = variant_of()
    mine, theirs = guest_cart("mine"), guest_cart("theirs")
    line = services.add_to_cart(cart=theirs, variant_id=variant.pk, quantity=1)
    with pytest.raises(NotFoundError):
        services.update_cart_line(cart=mine, line_id=line.pk, quantity=2)
    with pytest.raises(NotFoundError):
        services.remove_cart_line(cart=mine, line_id=line.pk)
    assert CartLine.objects.get().quantity == 1


def test_update_refuses_zero_and_remove_deletes():
    variant = variant_of()
    cart = guest_cart()
    line = services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    with pytest.raises(OrderError):
        services.update_cart_line(cart=cart, line_id=line.pk, quantity=0)
    services.update_cart_line(cart=cart, line_id=line.pk, quantity="4")
    assert CartLine.objects.get().quantity == 4
    services.remove_cart_line(cart=cart, line_id=line.pk)
    assert not CartLine.objects.exists()


def test_merge_on_sign_in_adds_identical_lines_and_moves_others(user):
    first, second = variant_of(), variant_of()
    member = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=member, variant_id=first.pk, quantity=1)
    guest = guest_cart("guest-session")
    services.add_to_cart(cart=guest, variant_id=first.pk, quantity=2)
    services.add_to_cart(cart=guest, variant_id=second.pk, quantity=1)
    services.merge_carts(session_key="guest-session", user=user)
    assert not Cart.objects.filter(session_key="guest-session").exists()
    quantities = dict(CartLine.objects.filter(cart=member).values_list("variant_id", "quantity"))
    assert quantities == {first.pk: 3, second.pk: 1}


def test_view_prices_come_from_the_catalog_and_group_by_vendor():
    cheap = vendor_with_policy(base_fee=Decimal(3000), free_threshold=Decimal(50000))
    free = vendor_with_policy(fee_type="free")
    a = variant_of(cheap, price=10000, extra=2000)
    b = variant_of(free, price=20000)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=a.pk, quantity=2)
    services.add_to_cart(cart=cart, variant_id=b.pk, quantity=1)
    addon = addon_of(a, price=1500)
    services.add_to_cart(cart=cart, variant_id=a.pk, quantity=1, addons={addon.pk: 2})
    view = selectors.cart_view(cart)
    assert [group.vendor.pk for group in view.groups] == [cheap.pk, free.pk]
    assert view.groups[0].shipping_fee == Decimal(3000)
    assert view.groups[1].shipping_fee == 0
    assert view.items_amount == Decimal(10000 * 3 + 20000 + 3000)
    assert view.option_extras_amount == Decimal(6000)
    assert view.total_amount == Decimal(30000 + 20000 + 3000 + 6000 + 3000)
    old_token = view.token
    Product.objects.filter(pk=a.product_id).update(price=Decimal(11000))
    assert selectors.cart_view(cart).items_amount == Decimal(11000 * 3 + 20000 + 3000)
    assert selectors.cart_view(cart).token != old_token


def test_cart_view_queries_do_not_grow_with_lines(django_assert_max_num_queries):
    vendors = [vendor_with_policy() for _ in range(3)]
    cart = guest_cart()
    for index in range(6):
        variant = variant_of(vendors[index % 3])
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    with django_assert_max_num_queries(8):
        view = selectors.cart_view(cart)
    assert len(view.lines) == 6
