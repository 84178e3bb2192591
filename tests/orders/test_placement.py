"""Placing an order: server-side totals, snapshots, stock, changed carts, bad checkout input."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import AddOn, Product, Variant
from orders import selectors, services
from orders.exceptions import OrderError
from orders.models import CartLine, Order, OrderLine, VendorShipment
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory
from tests.orders.helpers import (
    DETAILS,
    addon_of,
    guest_cart,
    place,
    variant_of,
    vendor_with_policy,
)

pytestmark = pytest.mark.django_db


def test_placement_snapshots_lines_and_takes_stock():
    vendor = vendor_with_policy(base_fee=Decimal(3000), free_threshold=Decimal(50000))
    variant = variant_of(vendor, price=12000, extra=1000, stock=5)
    addon = addon_of(variant, price=2000, stock=4)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=2, addons={addon.pk: 3})
    result = place(cart)
    order = result.order
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.items_amount == Decimal(24000 + 6000)
    assert order.option_extras_amount == Decimal(2000)
    assert order.shipping_amount == Decimal(3000)
    assert order.total_amount == Decimal(35000)
    assert order.vat_amount == Decimal(3182)  # 35000 / 11, half up
    assert order.deposit_deadline is not None
    assert order.payment_expires_at == order.deposit_deadline
    line = OrderLine.objects.get()
    assert (line.product_name, line.unit_price, line.extra_price) == (
        variant.product.name,
        Decimal(12000),
        Decimal(1000),
    )
    assert line.addons[0]["quantity"] == 3
    assert line.addons_amount == Decimal(6000)
    assert Variant.objects.get(pk=variant.pk).stock == 3
    assert AddOn.objects.get(pk=addon.pk).stock == 1
    assert not CartLine.objects.exists()
    assert order.check_lookup_token(result.lookup_token)
    last = result.lookup_token[-1]
    assert not order.check_lookup_token(result.lookup_token[:-1] + ("1" if last == "0" else "0"))
    assert AuditEvent.objects.filter(event_type="orders.OrderPlaced").count() == 1
    # A later catalog edit never changes the placed order.
    Product.objects.filter(pk=variant.product_id).update(name="바뀐 이름", price=1)
    line.refresh_from_db()
    assert line.unit_price == Decimal(12000)
    assert line.product_name != "바뀐 이름"


def test_jeju_postcode_adds_the_surcharge():
    vendor = vendor_with_policy(base_fee=Decimal(3000), jeju_surcharge=Decimal(3000))
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant_of(vendor).pk, quantity=1)
    order = place(cart, postcode="63100").order
    assert order.shipping_amount == Decimal(6000)
    assert VendorShipment.objects.get().shipping_quote[0]["remote_kind"] == "jeju"


def test_a_cart_changed_since_review_is_refused_and_nothing_changes():
    variant = variant_of(stock=5)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)  # another tab
    with pytest.raises(OrderError) as error:
        services.place_order(cart=cart, details=DETAILS, cart_token=token)
    assert error.value.code == "cart_changed"
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=variant.pk).stock == 5


def test_a_price_change_since_review_is_refused():
    variant = variant_of()
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    Product.objects.filter(pk=variant.product_id).update(price=Decimal(20000))
    with pytest.raises(OrderError):
        services.place_order(cart=cart, details=DETAILS, cart_token=token)
    assert not Order.objects.exists()


def test_client_sent_prices_totals_and_status_are_ignored():
    variant = variant_of(price=10000)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    order = place(
        cart, total_amount="1", unit_price="1", status="paid", shipping_amount="0", user_id=1
    ).order
    assert order.total_amount == Decimal(13000)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.user_id is None


def test_another_members_address_id_is_refused(user, other_user):
    theirs = AddressFactory(user=other_user)
    variant = variant_of()
    cart = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    with pytest.raises(OrderError) as error:
        place(cart, user=user, address_id=theirs.pk)
    assert "address_id" in error.value.fields
    assert not Order.objects.exists()
    mine = AddressFactory(user=user, postcode="63100")
    order = place(cart, user=user, address_id=mine.pk, postcode="63100").order
    assert order.postcode == "63100"
    assert order.user_id == user.pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("orderer_email", "not-an-email"),
        ("postcode", "1234"),
        ("orderer_phone", "12"),
        ("recipient_name", ""),
        ("payment_method", "bitcoin"),
    ],
)
def test_bad_checkout_fields_are_named(field, value):
    variant = variant_of()
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    with pytest.raises(OrderError) as error:
        place(cart, **{field: value})
    assert field in error.value.fields
    assert not Order.objects.exists()
    assert CartLine.objects.exists()


def test_sold_out_at_placement_rolls_everything_back():
    first, second = variant_of(stock=5), variant_of(stock=1)
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=first.pk, quantity=2)
    services.add_to_cart(cart=cart, variant_id=second.pk, quantity=1)
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    Variant.objects.filter(pk=second.pk).update(stock=0)  # someone else bought it
    with pytest.raises(OrderError) as error:
        services.place_order(cart=cart, details=DETAILS, cart_token=token)
    assert error.value.code == "out_of_stock"
    assert error.value.status_code == 409
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=first.pk).stock == 5
    assert CartLine.objects.count() == 2


def test_empty_cart_is_refused():
    with pytest.raises(OrderError) as error:
        services.place_order(cart=guest_cart(), details=DETAILS, cart_token="x")
    assert error.value.code == "cart_empty"


def test_placing_the_same_cart_twice_makes_one_order():
    cart = guest_cart()
    services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    services.place_order(cart=cart, details=DETAILS, cart_token=token)
    with pytest.raises(OrderError):
        services.place_order(cart=cart, details=DETAILS, cart_token=token)
    assert Order.objects.count() == 1


def cart_of(lines: int, vendors: int):
    shops = [vendor_with_policy() for _ in range(vendors)]
    cart = guest_cart(f"cart-{lines}")
    for index in range(lines):
        variant = variant_of(shops[index % vendors])
        addon = addon_of(variant)
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1, addons={addon.pk: 1})
    return cart


def placement_queries(cart) -> int:
    token = selectors.cart_view(cart, postcode=DETAILS["postcode"]).token
    with CaptureQueriesContext(connection) as queries:
        services.place_order(cart=cart, details=DETAILS, cart_token=token)
    return len(queries)


def test_placement_runs_at_most_25_queries_and_does_not_grow_per_line():
    five = placement_queries(cart_of(5, 3))
    ten = placement_queries(cart_of(10, 3))
    assert five <= 25, five
    assert ten == five
