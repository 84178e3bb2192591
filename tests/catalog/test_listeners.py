"""Cached storefront reads are dropped by catalog events: an edit shows up on the next view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import Category, Product
from shop.events import AdminObjectChanged, publish
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_price_change_shows_on_the_product_page_and_home_at_once(
    client, django_capture_on_commit_callbacks
) -> None:
    product = ProductFactory(price=Decimal(10000))
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "10,000원" in page(client, url)
    assert "10,000원" in page(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        services.change_price(product_id=product.pk, price="12000")
    assert "12,000원" in page(client, url)
    assert "12,000원" in page(client, "/")


def test_cached_product_page_is_served_from_the_cache(
    client, django_assert_num_queries, settings
) -> None:
    product = ProductFactory()
    url = reverse("catalog:product", args=[product.pk, product.slug])
    settings.CATALOG_CACHE_PAGES = False
    page(client, url)
    # Warm reads, rendered: none (the shipping summary is kept by shipping, see
    # tests/shipping/test_summary_cache.py).
    with django_assert_num_queries(0):
        page(client, url)
    settings.CATALOG_CACHE_PAGES = True
    page(client, url)
    # The page kept whole: shipping drops it when a policy changes (test_page_cache.py).
    with django_assert_num_queries(0):
        page(client, url)


def test_without_the_event_the_cache_would_be_stale(client) -> None:
    """Negative control: a write that publishes nothing is not seen, so the tests above
    really exercise the listeners."""
    product = ProductFactory(name="옛 이름")
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "옛 이름" in page(client, url)
    Product.objects.filter(pk=product.pk).update(name="새 이름")
    assert "옛 이름" in page(client, url)


def test_with_read_caching_off_every_view_reads_the_database(client, settings) -> None:
    """``CATALOG_CACHE_READS = False`` (how ``make bench`` measures uncached pages): the
    write the negative control above does not see shows at once, on every page."""
    settings.CATALOG_CACHE_READS = False
    product = ProductFactory(name="옛 이름")
    VariantFactory(product=product)
    category = CategoryFactory(slug="c")
    product.categories.add(category)
    urls = [
        reverse("catalog:product", args=[product.pk, product.slug]),
        "/",
        reverse("catalog:category", args=["c"]),
    ]
    for url in urls:
        assert "옛 이름" in page(client, url)
    Product.objects.filter(pk=product.pk).update(name="새 이름")
    Category.objects.filter(pk=category.pk).update(name="새 분류")
    for url in urls:
        assert "새 이름" in page(client, url)
    assert "새 분류" in page(client, urls[2])


def test_an_uncached_process_still_drops_what_cached_ones_stored(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    product = ProductFactory(price=Decimal(10000))
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "10,000원" in page(client, url)  # cached by a process that caches
    settings.CATALOG_CACHE_READS = False
    with django_capture_on_commit_callbacks(execute=True):
        services.change_price(product_id=product.pk, price="12000")
    settings.CATALOG_CACHE_READS = True
    assert "12,000원" in page(client, url)


def test_a_page_cached_before_its_option_script_existed_still_gets_one(client) -> None:
    from django.core.cache import cache

    from catalog.selectors import caching
    from catalog.selectors.product_page import product_page

    product = ProductFactory()
    VariantFactory(product=product)
    stale = product_page(product_id=product.pk)
    stale.options_script = ""  # as unpickled from a copy older than the field
    cache.set(caching.product_key(product.pk), stale)
    body = page(client, reverse("catalog:product", args=[product.pk, product.slug]))
    assert '<script id="product-options" type="application/json">' in body


def test_product_edit_status_and_stock_events_drop_the_cache(
    client, django_capture_on_commit_callbacks
) -> None:
    product = ProductFactory(name="옛 이름")
    variant = VariantFactory(product=product, stock=1)
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "옛 이름" in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_product(product_id=product.pk, name="새 이름")
    assert "새 이름" in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.adjust_stock(variant_id=variant.pk, delta=-1)
    assert 'class="product__soldout"' in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(product_id=product.pk, status=Product.Status.HIDDEN)
    assert client.get(url).status_code == 404
    assert "새 이름" not in page(client, "/")


def test_category_change_in_the_admin_refreshes_the_tree(
    client, django_capture_on_commit_callbacks
) -> None:
    category = CategoryFactory(name="옛 카테고리", slug="c")
    assert "옛 카테고리" in page(client, "/")
    Category.objects.filter(pk=category.pk).update(name="새 카테고리")
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            AdminObjectChanged(
                model="catalog.Category",
                object_id=str(category.pk),
                object_repr="새 카테고리",
                changes={"name": ["옛 카테고리", "새 카테고리"]},
            )
        )
    assert "새 카테고리" in page(client, "/")
    assert "새 카테고리" in page(client, reverse("catalog:category", args=["c"]))


def test_a_category_renamed_in_the_admin_shows_in_the_cached_product_breadcrumb(
    client, django_capture_on_commit_callbacks
) -> None:
    root = CategoryFactory(name="옛 상위", slug="root")
    leaf = CategoryFactory(name="신발", slug="shoes", parent=root)
    product = ProductFactory()
    product.categories.add(leaf)
    url = reverse("catalog:product", args=[product.pk, product.slug])
    body = page(client, url)
    assert "옛 상위" in body
    assert "신발" in body
    Category.objects.filter(pk=root.pk).update(name="새 상위")
    assert "옛 상위" in page(client, url)  # no event yet: the cached copy (negative control)
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            AdminObjectChanged(
                model="catalog.Category",
                object_id=str(root.pk),
                object_repr="새 상위",
                changes={"name": ["옛 상위", "새 상위"]},
            )
        )
    body = page(client, url)
    assert "새 상위" in body
    assert "옛 상위" not in body


def test_a_product_page_cached_without_its_breadcrumb_reads_the_tree(client) -> None:
    from django.core.cache import cache

    from catalog.selectors import caching
    from catalog.selectors.product_page import product_page

    product = ProductFactory()
    product.categories.add(CategoryFactory(name="운동화", slug="shoes"))
    older = product_page(product_id=product.pk)
    older.breadcrumb = None  # as unpickled from a copy older than the field
    cache.set(caching.product_key(product.pk), older)
    body = page(client, reverse("catalog:product", args=[product.pk, product.slug]))
    assert reverse("catalog:category", args=["shoes"]) in body


def test_admin_events_of_other_apps_leave_the_catalog_cache(
    client, django_capture_on_commit_callbacks
) -> None:
    category = CategoryFactory(name="그대로", slug="c")
    assert "그대로" in page(client, "/")
    Category.objects.filter(pk=category.pk).update(name="바뀜")
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            AdminObjectChanged(model="accounts.User", object_id="1", object_repr="x", changes={})
        )
    assert "그대로" in page(client, "/")


def test_a_vendor_edited_in_the_admin_refreshes_the_cached_pages(
    client, django_capture_on_commit_callbacks
) -> None:
    """A vendor's name and business details show on its products' pages."""
    product = ProductFactory()
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert product.vendor.name in page(client, url)
    type(product.vendor).objects.filter(pk=product.vendor_id).update(name="새 상호")
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            AdminObjectChanged(
                model="vendors.Vendor",
                object_id=str(product.vendor_id),
                object_repr="x",
                changes={},
            )
        )
    assert "새 상호" in page(client, url)


def test_category_admin_save_drops_the_tree(
    admin_client, client, django_capture_on_commit_callbacks
) -> None:
    category = CategoryFactory(name="옛 카테고리", slug="c", position=0)
    assert "옛 카테고리" in page(client, "/")
    url = reverse("admin:catalog_category_change", args=[category.pk])
    data = {
        "name": "새 카테고리",
        "slug": "c",
        "position": 0,
        "seo_title": "",
        "seo_description": "",
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    assert "새 카테고리" in page(client, "/")


def test_a_suspended_vendors_products_leave_every_cached_page_at_once(
    client, django_capture_on_commit_callbacks
) -> None:
    from vendors.services import suspend_vendor

    product = ProductFactory(name="정지될 판매자의 상품")
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert product.name in page(client, url)
    assert product.name in page(client, "/")

    with django_capture_on_commit_callbacks(execute=True):
        suspend_vendor(vendor_id=product.vendor_id, reason="서류 미비")

    assert client.get(url).status_code == 404
    assert product.name not in page(client, "/")
