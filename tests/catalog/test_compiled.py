"""Queries compiled once and run again with new arguments (catalog.selectors.compiled)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product, Variant
from catalog.selectors import compiled
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def prices(product_id: int):
    return Product.objects.filter(pk=product_id).values("id", "price", "created_at")


def stocks(product_id: int, floor: int):
    return (
        Variant.objects.filter(product_id=product_id, stock__gte=floor)
        .order_by("pk")
        .values_list("stock", flat=True)
    )


def test_each_call_reads_its_own_arguments_rows_fresh() -> None:
    first, second = ProductFactory(price=Decimal(1000)), ProductFactory(price=Decimal(2500))
    run = lambda pk: compiled.fetch(prices, "test prices", "default", (pk,))  # noqa: E731
    assert run(first.pk) == list(prices(first.pk))
    assert run(second.pk)[0]["price"] == Decimal(2500)  # converters applied: a Decimal
    assert run(second.pk)[0]["created_at"] == second.created_at
    Product.objects.filter(pk=first.pk).update(price=Decimal(1200))
    assert run(first.pk)[0]["price"] == Decimal(1200)  # the SQL is kept, never the rows
    assert run(10**12) == []


def test_several_arguments_and_flat_lists() -> None:
    product = ProductFactory()
    for stock in (0, 3, 7):
        VariantFactory(product=product, stock=stock)
    run = lambda floor: compiled.fetch(stocks, "test stocks", "default", (product.pk, floor))  # noqa: E731
    assert run(1) == [3, 7]
    assert run(5) == [7]
    assert run(0) == list(stocks(product.pk, 0)) == [0, 3, 7]


def test_a_query_is_compiled_once_and_run_as_one_statement() -> None:
    product = ProductFactory()
    compiled.fetch(prices, "test once", "default", (product.pk,))
    with CaptureQueriesContext(connection) as captured:
        compiled.fetch(prices, "test once", "default", (product.pk,))
    assert len(captured.captured_queries) == 1
    assert str(compiled.STAND_INS[0]) not in captured.captured_queries[0]["sql"]


def test_what_cannot_be_run_again_is_run_by_django_each_time() -> None:
    product = ProductFactory()
    instances = lambda pk: Product.objects.filter(pk=pk)  # noqa: E731  (no values(): models)
    assert compiled.fetch(instances, "test models", "default", (product.pk,)) == [product]
    # An argument Django does not pass as a parameter cannot be replaced: no reuse.
    sliced = lambda count: Product.objects.values("id")[:count]  # noqa: E731
    assert len(compiled.fetch(sliced, "test sliced", "default", (1,))) == 1
    ProductFactory()
    assert len(compiled.fetch(sliced, "test sliced", "default", (2,))) == 2
    nothing = lambda: Product.objects.filter(pk__in=[]).values("id")  # noqa: E731
    assert compiled.fetch(nothing, "test nothing", "default") == []
