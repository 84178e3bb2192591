"""sitemap.xml lists active categories and visible products on the public site address."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from catalog.models import Product
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://shop.example.kr")
def test_sitemap_lists_categories_and_visible_products_on_site_url(client) -> None:
    CategoryFactory(slug="fashion")
    CategoryFactory(slug="closed", is_active=False)
    shown = ProductFactory(slug="shown")
    sold_out = ProductFactory(slug="sold-out", status=Product.Status.SOLD_OUT)
    ProductFactory(slug="draft", status=Product.Status.DRAFT)
    ProductFactory(slug="hidden", status=Product.Status.HIDDEN)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    assert "<loc>https://shop.example.kr/c/fashion/</loc>" in body
    assert "closed" not in body
    assert f"<loc>https://shop.example.kr/p/{shown.pk}/shown/</loc>" in body
    assert f"/p/{sold_out.pk}/sold-out/" in body  # still a page worth indexing
    assert "/draft/" not in body
    assert "/hidden/" not in body
    assert "<lastmod>" in body


def test_sitemap_url_is_named(client) -> None:
    assert reverse("catalog:sitemap") == "/sitemap.xml"


def test_sitemap_queries_do_not_grow_with_products(client, django_assert_max_num_queries) -> None:
    ProductFactory()
    client.get("/sitemap.xml")
    for _ in range(30):
        ProductFactory()
    with django_assert_max_num_queries(4):
        assert client.get("/sitemap.xml").status_code == 200
