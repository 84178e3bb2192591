"""Korean substring search: works on SQLite; on PostgreSQL the trigram GIN index serves it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from catalog.filters import ProductFilter
from catalog.models import Product
from catalog.selectors import visible_products
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    from django.http import QueryDict

    rows = ProductFilter(QueryDict(f"q={query}"), queryset=visible_products()).qs
    return sorted(product.name for product in rows)


def test_korean_substrings_match_inside_words() -> None:
    ProductFactory(name="유기농 제주 감귤 3kg", brand="귤나라")
    ProductFactory(name="감귤 주스")
    ProductFactory(name="사과 5kg")
    assert found("감귤") == ["감귤 주스", "유기농 제주 감귤 3kg"]
    assert found("귤나") == ["유기농 제주 감귤 3kg"]  # the brand
    assert found("제주 감귤") == ["유기농 제주 감귤 3kg"]  # every word must match
    assert found("3KG") == ["유기농 제주 감귤 3kg"]  # case-insensitive


def test_like_wildcards_in_the_query_are_literal() -> None:
    ProductFactory(name="100% 오렌지")
    ProductFactory(name="오렌지")
    assert found("100%") == ["100% 오렌지"]
    assert found("_") == []


def test_search_page_shows_the_hits(client) -> None:
    ProductFactory(name="감귤 주스")
    body = client.get(reverse("catalog:search"), {"q": "귤 주"}).content.decode()
    assert "감귤 주스" in body


@pytest.mark.postgres
def test_trigram_indexes_exist_and_serve_icontains_on_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_product' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"catalog_product_name_trgm", "catalog_product_brand_trgm"} <= names
    for index in range(300):
        ProductFactory(name=f"상품 {index} 감귤" if index % 50 == 0 else f"상품 {index}")
    # Unordered: with the default order the planner may walk the newest-first index instead.
    rows = Product.objects.filter(name__icontains="감귤나무").order_by().only("id")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
        # A test-sized table is cheaper to scan; forbid that to see which index serves it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalog_product_name_trgm" in plan
