"""Units sold for the "most popular" sort: counted when paid, taken back when cancelled."""

from __future__ import annotations

import pytest

from catalog.models import Product
from orders import services
from orders.models import Order
from tests.orders.helpers import guest_cart, place, placed_order, variant_of

pytestmark = pytest.mark.django_db


def sales_of(product_id: int) -> int:
    return Product.all_objects.get(pk=product_id).sales_count


def test_units_count_once_the_order_is_paid(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order, variant = placed_order(quantity=3)
    assert sales_of(variant.product_id) == 0  # awaiting payment: not sold yet

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_deposit_confirmed(order_id=order.pk)
    assert sales_of(variant.product_id) == 3


def test_a_cancelled_paid_order_takes_its_units_back(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order, variant = placed_order(quantity=2)
        services.mark_deposit_confirmed(order_id=order.pk)
    assert sales_of(variant.product_id) == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order_id=order.pk, reason="changed my mind")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert sales_of(variant.product_id) == 0


def test_the_count_adds_up_orders_and_survives_a_repeat(django_capture_on_commit_callbacks) -> None:
    variant = variant_of(stock=20)
    for key, quantity in (("a", 1), ("b", 4)):
        cart = guest_cart(key)
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
        with django_capture_on_commit_callbacks(execute=True):
            order = place(cart).order
            services.mark_deposit_confirmed(order_id=order.pk)

    assert services.recount_sales(order_id=order.pk) == {variant.product_id: 5}
    assert sales_of(variant.product_id) == 5


def test_the_last_unit_sold_marks_the_product_sold_out() -> None:
    order, variant = placed_order(quantity=2, stock=2)
    assert Product.all_objects.get(pk=variant.product_id).status == Product.Status.SOLD_OUT

    services.cancel_order(order_id=order.pk, reason="unpaid")
    assert Product.all_objects.get(pk=variant.product_id).status == Product.Status.ON_SALE
