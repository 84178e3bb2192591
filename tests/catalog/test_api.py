"""The public catalog API: categories, the product list with filters, product detail, schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.media.models import MediaStatus, ProductMedia
from catalog.models import Product
from tests.catalog.factories import (
    AddOnFactory,
    CategoryFactory,
    OptionGroupFactory,
    OptionValueFactory,
    ProductFactory,
    TextOptionFactory,
    VariantFactory,
)
from tests.vendors.factories import VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"


def detail(product: Product) -> str:
    return f"{PRODUCTS}{product.pk}/"


def ready_image(product: Product, **kwargs) -> ProductMedia:
    return ProductMedia.objects.create(
        product=product,
        kind="image",
        original="catalog/originals/x.jpg",
        status=MediaStatus.READY,
        renditions={
            "webp": {"320": "catalog/r/x-320.webp", "640": "catalog/r/x-640.webp"},
            "jpeg": {"640": "catalog/r/x-640.jpg"},
        },
        width=640,
        height=480,
        **kwargs,
    )


def product_with_stock(**kwargs) -> Product:
    product = ProductFactory(**kwargs)
    VariantFactory(product=product, stock=3)
    ready_image(product)
    return product


def count_queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


# --- Categories ---------------------------------------------------------------------------


def test_categories_come_as_a_tree_in_one_query(api_client):
    root = CategoryFactory(name="패션", position=0)
    child = CategoryFactory(name="상의", parent=root)
    CategoryFactory(name="티셔츠", parent=child)
    CategoryFactory(name="숨김", is_active=False)

    queries, body = count_queries(api_client, "/api/v1/categories/")

    assert queries == 1
    assert [node["name"] for node in body] == ["패션"]
    assert body[0]["children"][0]["name"] == "상의"
    assert body[0]["children"][0]["children"][0]["depth"] == 2


# --- Product list ----------------------------------------------------------------------------


def test_the_list_shows_products_on_sale_of_approved_vendors_only(api_client):
    shown = product_with_stock()
    ProductFactory(status=Product.Status.DRAFT)
    ProductFactory(status=Product.Status.HIDDEN)
    ProductFactory(vendor__status=Vendor.Status.SUSPENDED)
    deleted = ProductFactory()
    Product.objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00:00Z")

    body = api_client.get(PRODUCTS).json()

    assert [item["id"] for item in body["results"]] == [shown.pk]
    item = body["results"][0]
    assert item["price"] == "10000"
    assert item["in_stock"] is True
    assert item["vendor"]["slug"] == shown.vendor.slug
    assert item["image"]["url"].endswith("x-320.webp")


def test_the_list_runs_the_same_queries_for_1_or_20_products(api_client):
    product_with_stock()
    one, _body = count_queries(api_client, PRODUCTS)
    for _ in range(19):
        product_with_stock()

    twenty, body = count_queries(api_client, PRODUCTS)

    assert len(body["results"]) == 20
    assert twenty == one
    assert twenty <= 2


def test_filters_reuse_the_storefront_filterset(api_client):
    category = CategoryFactory(slug="shoes")
    sub = CategoryFactory(parent=category)
    cheap = product_with_stock(price=Decimal(5000))
    cheap.categories.add(sub)
    dear = product_with_stock(price=Decimal(90000))
    dear.categories.add(category)
    ProductFactory(price=Decimal(7000))  # no stock
    other = product_with_stock(vendor=VendorFactory(slug="elsewhere"))

    def ids(query: str) -> list[int]:
        response = api_client.get(f"{PRODUCTS}?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert set(ids("category=shoes")) == {cheap.pk, dear.pk}
    assert ids("category=shoes&max_price=10000") == [cheap.pk]
    assert ids("sort=price_desc&in_stock=true")[:2] == [dear.pk, other.pk]
    assert ids("vendor=elsewhere") == [other.pk]
    assert ids("sort=price_asc&in_stock=true")[0] == cheap.pk


def test_a_bad_filter_value_is_a_400_naming_it(api_client):
    response = api_client.get(f"{PRODUCTS}?min_price=abc")

    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "fields"}
    assert "min_price" in response.json()["fields"]


def test_cursor_pages_follow_the_chosen_sort_without_repeats(api_client):
    products = [product_with_stock(price=Decimal(1000 * (n % 3))) for n in range(7)]

    seen, url = [], f"{PRODUCTS}?sort=price_asc&page_size=3"
    while url:
        body = api_client.get(url).json()
        seen += [(Decimal(item["price"]), item["id"]) for item in body["results"]]
        url = body["next"]

    assert sorted(pk for _price, pk in seen) == sorted(product.pk for product in products)
    assert [price for price, _pk in seen] == sorted(price for price, _pk in seen)


def test_sold_out_products_say_so_in_the_list(api_client):
    product = ProductFactory()
    VariantFactory(product=product, stock=0)

    [item] = api_client.get(PRODUCTS).json()["results"]

    assert item["in_stock"] is False
    assert item["image"] is None


# --- Product detail --------------------------------------------------------------------------


def full_product(variants: int = 2) -> Product:
    product = ProductFactory(price=Decimal(20000))
    color = OptionGroupFactory(product=product, name="색상")
    values = [OptionValueFactory(group=color, value=f"색{n}") for n in range(variants)]
    for n, value in enumerate(values):
        variant = VariantFactory(
            product=product, label=value.value, extra_price=Decimal(500 * n), stock=n
        )
        variant.option_values.add(value)
    VariantFactory(product=product, is_active=False, label="단종")
    AddOnFactory(product=product, name="선물 포장")
    AddOnFactory(product=product, name="판매 중지", is_active=False)
    TextOptionFactory(product=product)
    ready_image(product)
    ProductMedia.objects.create(
        product=product, kind="image", original="catalog/originals/y.jpg", status="pending"
    )
    return product


def test_detail_has_variants_with_final_prices_stock_status_addons_and_ready_media(api_client):
    product = full_product()

    body = api_client.get(detail(product)).json()

    assert body["option_groups"][0]["name"] == "색상"
    assert [v["label"] for v in body["variants"]] == ["색0", "색1"]
    first, second = body["variants"]
    assert (first["price"], first["stock_status"], first["in_stock"]) == (
        "20000",
        "out_of_stock",
        False,
    )
    assert (second["extra_price"], second["price"], second["in_stock"]) == ("500", "20500", True)
    assert second["option_value_ids"] == [body["option_groups"][0]["values"][1]["id"]]
    assert "stock" not in second  # shoppers see a status, not the count
    assert [addon["name"] for addon in body["addons"]] == ["선물 포장"]
    assert body["text_options"][0]["max_length"] == 10
    [media] = body["media"]
    assert media["images"]["webp"]["640"].endswith("x-640.webp")
    assert media["images"]["jpeg"]["640"].endswith("x-640.jpg")
    assert body["in_stock"] is True


def test_detail_runs_the_same_queries_for_2_or_40_variants(api_client):
    small, big = full_product(variants=2), full_product(variants=40)

    few, _ = count_queries(api_client, detail(small))
    many, body = count_queries(api_client, detail(big))

    assert len(body["variants"]) == 40
    assert many == few
    assert many <= 10


@pytest.mark.parametrize("status", [Product.Status.DRAFT, Product.Status.HIDDEN])
def test_a_draft_or_hidden_product_is_not_found(api_client, status):
    product = ProductFactory(status=status)

    response = api_client.get(detail(product))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_sold_out_product_is_shown_as_sold_out(api_client):
    product = ProductFactory(status=Product.Status.SOLD_OUT)
    VariantFactory(product=product, stock=2)

    body = api_client.get(detail(product)).json()

    assert body["status"] == "sold_out"
    assert body["in_stock"] is False


# --- Schema ------------------------------------------------------------------------------------


def test_schema_documents_every_catalog_endpoint_with_its_bodies(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    for path in [
        "/api/v1/categories/",
        "/api/v1/products/",
        "/api/v1/products/{product_id}/",
        "/api/v1/seller/products/",
        "/api/v1/seller/products/{product_id}/",
        "/api/v1/seller/products/{product_id}/status/",
        "/api/v1/seller/products/{product_id}/options/",
        "/api/v1/seller/products/{product_id}/variants/",
        "/api/v1/seller/products/{product_id}/variants/generate/",
        "/api/v1/seller/variants/{variant_id}/stock/",
    ]:
        assert path in paths, path
    list_params = {param["name"] for param in paths["/api/v1/products/"]["get"]["parameters"]}
    assert {"category", "min_price", "max_price", "in_stock", "option", "sort", "cursor"} <= (
        list_params
    )

    def ref(node: dict) -> dict:
        return components[node["$ref"].rsplit("/", 1)[-1]]

    product = ref(
        paths["/api/v1/products/{product_id}/"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
    )
    variant = components["Variant"]
    assert {"variants", "addons", "media", "text_options"} <= set(product["properties"])
    assert {"price", "extra_price", "stock_status", "in_stock"} <= set(variant["properties"])
    grid = paths["/api/v1/seller/products/{product_id}/variants/"]["patch"]
    grid_body = ref(grid["requestBody"]["content"]["application/json"]["schema"])
    assert "rows" in grid_body["properties"]
    assert grid["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Error"
    )
    create = ref(
        paths["/api/v1/seller/products/"]["post"]["requestBody"]["content"]["application/json"][
            "schema"
        ]
    )
    assert not {"vendor", "id", "deleted_at", "sales_count"} & set(create["properties"])
