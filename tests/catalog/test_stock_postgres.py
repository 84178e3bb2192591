"""Stock at the database level on PostgreSQL: the CHECK constraint and concurrent decrements."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import AddOn, Variant
from tests.catalog.factories import AddOnFactory, VariantFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
def test_database_refuses_a_negative_variant_stock_written_around_the_services():
    variant = VariantFactory(stock=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock=F("stock") - 1)
    assert Variant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.django_db
def test_database_refuses_a_negative_addon_stock_in_raw_sql():
    addon = AddOnFactory(stock=0)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AddOn._meta.db_table} SET stock = -1 WHERE id = %s", [addon.pk])  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_two_buyers_of_the_last_item_never_take_it_twice():
    variant = VariantFactory(stock=1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def buy() -> None:
        try:
            barrier.wait()
            services.adjust_stock(variant_id=variant.pk, delta=-1, reason="order")
            outcomes.append("sold")
        except CatalogError:
            outcomes.append("out of stock")
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["out of stock", "sold"]
    assert Variant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_decrements_stop_exactly_at_zero():
    variant = VariantFactory(stock=5)
    barrier = threading.Barrier(8)
    sold: list[int] = []

    def buy() -> None:
        try:
            barrier.wait()
            services.adjust_stock(variant_id=variant.pk, delta=-1)
            sold.append(1)
        except CatalogError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=buy) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sold) == 5
    assert Variant.objects.get(pk=variant.pk).stock == 0


@pytest.mark.django_db(transaction=True)
def test_orders_over_the_same_variants_in_opposite_order_never_deadlock():
    first, second = VariantFactory(stock=10), VariantFactory(stock=10)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def order(quantities: dict[int, int]) -> None:
        try:
            barrier.wait()
            for _ in range(5):
                services.take_stock(quantities=quantities)
        except Exception as error:  # any error, a deadlock included, fails the test
            errors.append(error)
        finally:
            connection.close()

    # Python dicts keep insertion order: the two orders list the variants oppositely.
    threads = [
        threading.Thread(target=order, args=({first.pk: 1, second.pk: 1},)),
        threading.Thread(target=order, args=({second.pk: 1, first.pk: 1},)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Variant.objects.get(pk=first.pk).stock == 0
    assert Variant.objects.get(pk=second.pk).stock == 0
