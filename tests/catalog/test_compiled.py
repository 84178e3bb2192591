"""Storefront queries compiled once and run again (catalog.selectors.compiled)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.selectors import compiled
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def prices(pk: int) -> list[dict]:
    return compiled.fetch_values(
        lambda product_id: Product.objects.filter(pk=product_id).values("id", "price"),
        "test:price",
        "default",
        pk,
    )


def test_each_argument_gets_its_own_rows_from_one_compiled_query() -> None:
    first = ProductFactory(price=Decimal(1200))
    second = ProductFactory(price=Decimal(3400))
    assert prices(first.pk) == [{"id": first.pk, "price": Decimal(1200)}]
    assert prices(second.pk) == [{"id": second.pk, "price": Decimal(3400)}]
    assert prices(first.pk + second.pk + 1000) == []


def test_rows_are_read_fresh_every_time() -> None:
    product = ProductFactory(price=Decimal(1200))
    prices(product.pk)
    Product.objects.filter(pk=product.pk).update(price=Decimal(9900))
    with CaptureQueriesContext(connection) as queries:
        assert prices(product.pk)[0]["price"] == Decimal(9900)
    assert len(queries) == 1


def test_converters_run_as_the_orm_would() -> None:
    product = ProductFactory(notice={"material": "면 100%"})
    rows = compiled.fetch_values(
        lambda pk: Product.objects.filter(pk=pk).values("notice", "created_at"),
        "test:notice",
        "default",
        product.pk,
    )
    expected = Product.objects.filter(pk=product.pk).values("notice", "created_at").get()
    assert rows == [expected]
    assert rows[0]["notice"] == {"material": "면 100%"}


def test_a_query_that_ignores_its_argument_is_refused() -> None:
    """Else every product would be shown the rows of whichever was compiled first."""
    product = ProductFactory()
    with pytest.raises(ValueError, match="does not use its argument"):
        compiled.fetch_values(
            lambda pk: Product.objects.filter(pk=product.pk).values("id"),
            "test:ignores",
            "default",
            product.pk,
        )


def test_a_query_that_can_match_nothing_returns_no_rows() -> None:
    assert (
        compiled.fetch_values(lambda: Product.objects.none().values("id"), "test:none", "default")
        == []
    )
