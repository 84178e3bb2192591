"""Automatic sold out: the last item sold makes a product sold out; returning stock undoes
only what the rule did, never a merchant's own "sold out"."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import Product
from shop.models import AuditEvent
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

ON_SALE, SOLD_OUT = Product.Status.ON_SALE, Product.Status.SOLD_OUT


def status_of(product: Product) -> str:
    return Product.all_objects.values_list("status", flat=True).get(pk=product.pk)


def status_events(product: Product) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            event_type="catalog.ProductStatusChanged", subject_id=str(product.pk)
        )
        .order_by("id")
        .values_list("payload", flat=True)
    )


def test_taking_the_last_items_of_every_variant_makes_the_product_sold_out():
    product = ProductFactory(status=ON_SALE)
    first = VariantFactory(product=product, stock=1)
    second = VariantFactory(product=product, stock=2)

    services.take_stock(quantities={first.pk: 1})
    assert status_of(product) == ON_SALE  # the second variant still sells

    services.take_stock(quantities={second.pk: 2})

    assert status_of(product) == SOLD_OUT
    [event] = status_events(product)
    assert event["old_status"] == ON_SALE
    assert event["new_status"] == SOLD_OUT
    assert event["automatic"] is True


def test_an_inactive_variant_with_stock_does_not_keep_a_product_on_sale():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=1)
    VariantFactory(product=product, stock=50, is_active=False)

    services.take_stock(quantities={variant.pk: 1})

    assert status_of(product) == SOLD_OUT


def test_take_stock_adds_one_update_and_locks_nothing_more_when_stock_remains():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=5)

    with CaptureQueriesContext(connection) as queries:
        services.take_stock(quantities={variant.pk: 1})

    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    product_updates = [
        query["sql"] for query in queries if query["sql"].lstrip().upper().startswith("UPDATE")
    ]
    assert len(product_updates) == 2  # the variant's decrement and the sold-out check
    assert "FOR UPDATE" not in " ".join(query["sql"] for query in queries)
    assert statements.count("INSERT") == 1  # the StockChanged event, no status event
    assert status_of(product) == ON_SALE


def test_releasing_stock_puts_an_automatically_sold_out_product_back_on_sale():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=1)
    services.take_stock(quantities={variant.pk: 1})

    services.release_stock(quantities={variant.pk: 1}, reason="payment expired")

    assert status_of(product) == ON_SALE
    assert [event["new_status"] for event in status_events(product)] == [SOLD_OUT, ON_SALE]
    assert status_events(product)[-1]["automatic"] is True


def test_a_merchants_own_sold_out_stays_when_stock_returns():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=3)
    services.change_status(product_id=product.pk, status=SOLD_OUT)

    services.adjust_stock(variant_id=variant.pk, delta=5)
    services.release_stock(quantities={variant.pk: 1})

    assert status_of(product) == SOLD_OUT
    assert [event["automatic"] for event in status_events(product)] == [False]


def test_a_merchant_marking_an_automatic_sold_out_again_keeps_it_sold_out():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=1)
    services.take_stock(quantities={variant.pk: 1})
    services.change_status(product_id=product.pk, status=ON_SALE)
    services.change_status(product_id=product.pk, status=SOLD_OUT)  # the merchant decides

    services.adjust_stock(variant_id=variant.pk, delta=4)

    assert status_of(product) == SOLD_OUT


def test_an_adjustment_to_zero_and_back_flips_the_product_both_ways():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=2)

    services.adjust_stock(variant_id=variant.pk, delta=-2)
    assert status_of(product) == SOLD_OUT

    services.adjust_stock(variant_id=variant.pk, delta=3)
    assert status_of(product) == ON_SALE


def test_the_variant_grid_sells_out_and_restocks():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=4)

    services.update_variant_grid(
        product_id=product.pk, rows=[{"variant_id": variant.pk, "stock": 0}]
    )
    assert status_of(product) == SOLD_OUT

    services.update_variant_grid(
        product_id=product.pk, rows=[{"variant_id": variant.pk, "stock": 7}]
    )
    assert status_of(product) == ON_SALE


def test_drafts_hidden_and_deleted_products_are_left_alone():
    draft = ProductFactory(status=Product.Status.DRAFT)
    hidden = ProductFactory(status=Product.Status.HIDDEN)
    deleted = ProductFactory(status=ON_SALE)
    variants = [VariantFactory(product=product, stock=1) for product in (draft, hidden, deleted)]
    services.delete_product(product_id=deleted.pk)

    services.take_stock(quantities={variant.pk: 1 for variant in variants})

    assert [status_of(p) for p in (draft, hidden, deleted)] == [
        Product.Status.DRAFT,
        Product.Status.HIDDEN,
        ON_SALE,
    ]


def test_a_failed_order_rolls_the_sold_out_back_with_it():
    product = ProductFactory(status=ON_SALE)
    last = VariantFactory(product=product, stock=1)
    short = VariantFactory(stock=0)

    with pytest.raises(CatalogError):
        services.take_stock(quantities={last.pk: 1, short.pk: 1})

    assert status_of(product) == ON_SALE
    assert status_events(product) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_of_the_last_items_sell_out_the_product_once():
    product = ProductFactory(status=ON_SALE)
    variant = VariantFactory(product=product, stock=3)
    barrier = threading.Barrier(6)
    sold: list[int] = []

    def buy() -> None:
        try:
            barrier.wait()
            services.take_stock(quantities={variant.pk: 1}, reason="order")
            sold.append(1)
        except CatalogError:  # the losers are refused as out of stock
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(sold) == 3
    assert status_of(product) == SOLD_OUT
    assert [event["new_status"] for event in status_events(product)] == [SOLD_OUT]
