"""API abuse (security.md 5.11, INP-04): huge pages, odd methods, injected sorts.

Each answer must be a bounded page or a clear 4xx; never a 500, never everything at once.
"""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Product
from tests.catalog.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
MAX_PAGE = 100  # shop.api.CursorPagination.max_page_size


@pytest.fixture
def many_products() -> list[Product]:
    products = ProductFactory.create_batch(MAX_PAGE + 5)
    for product in products:
        VariantFactory(product=product, stock=1)
    return products


@pytest.mark.parametrize("size", ["100000", str(2**63), "101"])
def test_a_huge_page_size_is_capped(api_client, many_products, size):
    response = api_client.get(PRODUCTS, {"page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_PAGE
    assert response.json()["next"]


@pytest.mark.parametrize("size", ["-1", "0", "abc", "1e9", "NaN"])
def test_a_nonsense_page_size_falls_back_to_the_default_page(api_client, many_products, size):
    response = api_client.get(PRODUCTS, {"page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20


@pytest.mark.parametrize("cursor", ["garbage", "cD0xMDAwMDA=", "%00", "x" * 5000])
def test_a_forged_cursor_is_a_4xx_not_a_500(api_client, cursor):
    response = api_client.get(PRODUCTS, {"cursor": cursor})

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "sort",
    ["password", "vendor__payout_account_number", "-id; DROP TABLE catalog_product", "' OR 1=1--"],
)
def test_an_injected_or_unknown_sort_is_refused_or_ignored_and_reads_no_other_field(
    api_client, sort
):
    ProductFactory.create_batch(2)

    response = api_client.get(PRODUCTS, {"sort": sort, "ordering": sort})

    assert response.status_code in {200, 400}
    assert Product.objects.count() == 2  # nothing dropped
    if response.status_code == 200:
        assert len(response.json()["results"]) == 2


@pytest.mark.parametrize("path", ["/", PRODUCTS, "/api/v1/me/", "/accounts/login/", "/cart/"])
@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
def test_unsupported_methods_are_405_everywhere(path, method):
    response = Client().generic(method, path)

    assert response.status_code in {401, 403, 405}  # the API asks for sign-in first
    assert response.status_code != 200
    assert b"Cookie" not in response.content  # a TRACE never echoes the request
