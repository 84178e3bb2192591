"""Storefront pages of the catalog: home, category listing, search and the product page.

Every page is asserted to run the same number of SQL queries whatever its size.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.media.models import MediaKind, MediaStatus, ProductMedia
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

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries(client, url: str, **params) -> int:
    """Return the queries a cold request runs (caches emptied first)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def with_image(product: Product, *, position: int = 0) -> ProductMedia:
    return ProductMedia.objects.create(
        product=product,
        kind=MediaKind.IMAGE,
        original="catalog/originals/x.jpg",
        status=MediaStatus.READY,
        position=position,
        renditions={
            "webp": {"320": f"r/{product.pk}-320.webp", "640": f"r/{product.pk}-640.webp"},
            "jpeg": {"640": f"r/{product.pk}-640.jpg"},
        },
    )


def products_in(category, count: int, **kwargs) -> list[Product]:
    made = []
    for _ in range(count):
        product = ProductFactory(**kwargs)
        product.categories.add(category)
        with_image(product)
        VariantFactory(product=product)
        made.append(product)
    return made


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_root_categories_and_new_products(client) -> None:
    root = CategoryFactory(name="패션", slug="fashion")
    CategoryFactory(name="신발", slug="shoes", parent=root)
    ProductFactory(name="새 운동화")
    ProductFactory(name="숨긴 상품", status=Product.Status.HIDDEN)
    page = html(client.get("/"))
    assert "패션" in page
    assert reverse("catalog:category", args=["fashion"]) in page
    assert "신발" not in page  # featured: the top level only
    assert "새 운동화" in page
    assert "숨긴 상품" not in page
    assert reverse("home") == reverse("catalog:home") == "/"


def test_home_runs_the_same_queries_for_one_or_many_products(client) -> None:
    category = CategoryFactory()
    products_in(category, 1)
    one = queries(client, "/")
    products_in(category, 20)
    assert queries(client, "/") == one <= MAX_QUERIES


# --- Category ---------------------------------------------------------------------------------


def test_category_lists_its_subtree_and_hides_what_shoppers_may_not_see(client) -> None:
    root = CategoryFactory(slug="fashion", name="패션")
    child = CategoryFactory(slug="shoes", name="신발", parent=root)
    ProductFactory(name="운동화").categories.add(child)
    ProductFactory(name="초안", status=Product.Status.DRAFT).categories.add(root)
    ProductFactory(name="정지된 판매자", vendor=VendorFactory(status="suspended")).categories.add(
        root
    )
    gone = ProductFactory(name="삭제됨")
    gone.categories.add(root)
    Product.all_objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    page = html(client.get(reverse("catalog:category", args=["fashion"])))
    assert "운동화" in page
    for hidden in ("초안", "정지된 판매자", "삭제됨"):
        assert hidden not in page
    assert '<link rel="canonical" href="http://' in page


def test_unknown_or_inactive_category_is_404(client) -> None:
    CategoryFactory(slug="closed", is_active=False)
    assert client.get(reverse("catalog:category", args=["closed"])).status_code == 404
    assert client.get(reverse("catalog:category", args=["nope"])).status_code == 404


def test_category_filters_and_facets(client) -> None:
    category = CategoryFactory(slug="c")
    seller = VendorFactory(slug="seller-a", name="판매자A")
    cheap = ProductFactory(name="싼것", price=Decimal(1000), vendor=seller)
    dear = ProductFactory(name="비싼것", price=Decimal(90000))
    for product in (cheap, dear):
        product.categories.add(category)
    OptionValueFactory(group=OptionGroupFactory(product=cheap, name="색상"), value="블랙")
    url = reverse("catalog:category", args=["c"])
    page = html(client.get(url, {"max_price": "5000"}))
    assert "싼것" in page
    assert "비싼것" not in page
    page = html(client.get(url, {"option": "색상:블랙"}))
    assert "싼것" in page
    assert "비싼것" not in page
    page = html(client.get(url, {"vendor": "seller-a"}))
    assert "싼것" in page
    assert "비싼것" not in page
    page = html(client.get(url))
    assert 'value="색상:블랙"' in page
    assert "판매자A" in page


def test_bad_filter_values_render_the_page_not_an_error(client) -> None:
    category = CategoryFactory(slug="c")
    ProductFactory(name="상품").categories.add(category)
    url = reverse("catalog:category", args=["c"])
    for params in (
        {"min_price": "abc"},
        {"max_price": "-5"},
        {"cursor": "!!!garbage"},
        {"sort": "drop table"},
        {"option": "::"},
    ):
        assert "상품" in html(client.get(url, params))


def test_keyset_pages_walk_every_product_once_in_each_sort(client) -> None:
    category = CategoryFactory(slug="c")
    made = []
    for index in range(30):
        product = ProductFactory(price=Decimal(1000 * (index % 7)), sales_count=index % 4)
        product.categories.add(category)
        made.append(product.pk)
    url = reverse("catalog:category", args=["c"])
    for sort in ("newest", "price_asc", "price_desc", "popular"):
        seen, cursor, pages = [], "", 0
        while True:
            page = html(client.get(url, {"sort": sort, "cursor": cursor}))
            seen += [int(pk) for pk in re.findall(r'href="/p/(\d+)/', page)]
            pages += 1
            match = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)', page)
            if not match:
                break
            cursor = match.group(1)
        assert sorted(seen) == sorted(made), sort
        assert len(seen) == len(set(seen))
        assert pages == 2


def test_previous_cursor_returns_to_the_first_page(client) -> None:
    category = CategoryFactory(slug="c")
    for _ in range(30):
        ProductFactory().categories.add(category)
    url = reverse("catalog:category", args=["c"])
    first = html(client.get(url))
    cursor = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)', first).group(1)
    second = html(client.get(url, {"cursor": cursor}))
    back = re.search(r'rel="prev" href="[^"]*cursor=([^"&]+)', second).group(1)
    again = html(client.get(url, {"cursor": back}))
    ids = re.compile(r'href="/p/(\d+)/')
    assert ids.findall(again) == ids.findall(first)
    assert 'rel="prev"' not in again


def test_category_page_costs_the_same_for_1_or_24_products_and_on_page_10(client) -> None:
    category = CategoryFactory(slug="c")
    products_in(category, 1)
    url = reverse("catalog:category", args=["c"])
    one = queries(client, url)
    products_in(category, 24 * 10)
    full = queries(client, url)
    cursor = ""
    for _ in range(9):
        page = html(client.get(url, {"cursor": cursor} if cursor else {}))
        cursor = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)', page).group(1)
    tenth = queries(client, url, cursor=cursor)
    assert one == full == tenth <= MAX_QUERIES
    filtered = queries(client, url, in_stock="true", option="색상:블랙", min_price="10")
    assert filtered <= one  # no hit: the cover query is skipped


def test_listing_pages_read_their_cards_with_the_covers_in_one_query(
    client, django_assert_num_queries, settings
) -> None:
    settings.CATALOG_CACHE_PAGES = False  # the reads under the page cache (test_page_cache.py)
    category = CategoryFactory(slug="c")
    products_in(category, 3, name="이어폰")
    url = reverse("catalog:category", args=["c"])
    # Cold: the category tree, the page of cards (covers as a subquery), two facets.
    with django_assert_num_queries(4):
        page = html(client.get(url))
    assert page.count('srcset="/media/r/') == 3  # every card came with its cover
    with django_assert_num_queries(1):  # warm: the tree and the facets are cached
        html(client.get(url))
    with django_assert_num_queries(1):
        assert html(client.get(reverse("catalog:search"), {"q": "이어폰"})).count("srcset=") == 3
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(2):  # the tree and the newest cards
        html(client.get("/"))


def test_facets_offer_every_vendor_of_the_category_and_its_option_values_only() -> None:
    from catalog import selectors

    category, other = CategoryFactory(slug="c"), CategoryFactory(slug="o")
    plain = ProductFactory(vendor=VendorFactory(name="옵션 없는 판매자"))
    dressed = ProductFactory(vendor=VendorFactory(name="가 판매자"))
    for product in (plain, dressed):
        product.categories.add(category)
    colors = OptionGroupFactory(product=dressed, name="색상")
    for value in ("화이트", "블랙"):
        OptionValueFactory(group=colors, value=value)
    elsewhere = ProductFactory(vendor=VendorFactory(name="다른 분류 판매자"))
    elsewhere.categories.add(other)
    OptionValueFactory(group=OptionGroupFactory(product=elsewhere, name="사이즈"), value="XL")
    facets = selectors.category_facets(selectors.category_by_slug(slug="c"))
    assert [name for _slug, name in facets.vendors] == ["가 판매자", "옵션 없는 판매자"]
    assert facets.options == [("색상", ["블랙", "화이트"])]


def test_htmx_filter_request_gets_only_the_results(client) -> None:
    category = CategoryFactory(slug="c")
    ProductFactory(name="상품").categories.add(category)
    response = client.get(
        reverse("catalog:category", args=["c"]),
        headers={"HX-Request": "true", "HX-Target": "listing-results"},
    )
    body = html(response)
    assert body.lstrip().startswith('<div id="listing-results"')
    assert "<html" not in body


# --- Search -----------------------------------------------------------------------------------


def test_search_finds_korean_substrings(client) -> None:
    ProductFactory(name="무선 블루투스 이어폰")
    ProductFactory(name="노트북 거치대", brand="책상친구")
    page = html(client.get(reverse("catalog:search"), {"q": "루투"}))
    assert "무선 블루투스 이어폰" in page
    assert "노트북" not in page
    assert "노트북 거치대" in html(client.get(reverse("catalog:search"), {"q": "책상"}))
    empty = html(client.get(reverse("catalog:search")))
    assert "무선" not in empty


def test_search_escapes_the_query(client) -> None:
    page = html(client.get(reverse("catalog:search"), {"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in page


def test_search_costs_the_same_for_few_or_many_hits(client) -> None:
    category = CategoryFactory()
    products_in(category, 1, name="이어폰 하나")
    one = queries(client, reverse("catalog:search"), q="이어폰")
    products_in(category, 30, name="이어폰 여럿")
    assert queries(client, reverse("catalog:search"), q="이어폰") == one <= MAX_QUERIES


# --- Product page -----------------------------------------------------------------------------


def product_with_options(values_per_group: int = 2) -> Product:
    product = ProductFactory(name="티셔츠", slug="t-shirt", price=Decimal(20000))
    colors = OptionGroupFactory(product=product, name="색상", position=0)
    sizes = OptionGroupFactory(product=product, name="사이즈", position=1)
    color_values = [
        OptionValueFactory(group=colors, value=f"색{i}") for i in range(values_per_group)
    ]
    size_values = [OptionValueFactory(group=sizes, value=f"S{i}") for i in range(values_per_group)]
    for ci, color in enumerate(color_values):
        for si, size in enumerate(size_values):
            variant = VariantFactory(
                product=product,
                option_key=f"{color.pk}-{size.pk}",
                label=f"{color.value} / {size.value}",
                extra_price=Decimal(1000 * ci),
                stock=0 if (ci, si) == (0, 0) else 5,
            )
            variant.option_values.add(color, size)
    return product


def test_product_page_shows_options_price_stock_addons_text_options_and_notice(client) -> None:
    product = product_with_options()
    AddOnFactory(product=product, name="선물 포장", price=Decimal(2000))
    TextOptionFactory(product=product, label="각인 문구", max_length=10)
    with_image(product)
    page = html(client.get(reverse("catalog:product", args=[product.pk, product.slug])))
    assert "티셔츠" in page
    assert "20,000원" in page
    assert "선물 포장" in page
    assert 'name="addon_' in page
    assert "각인 문구" in page
    assert 'maxlength="10"' in page
    assert "상세페이지 참조" in page  # the product information notice
    assert product.vendor.business_registration_number in page
    data = json.loads(
        re.search(r'id="product-options" type="application/json">(.*?)</script>', page, re.S).group(
            1
        )
    )
    assert data["price"] == "20000"
    assert len(data["variants"]) == 4
    soldout = [variant for variant in data["variants"] if not variant["in_stock"]]
    assert len(soldout) == 1
    assert soldout[0]["label"] == "색0 / S0"
    assert {variant["price"] for variant in data["variants"]} == {"20000", "21000"}
    assert all(len(variant["values"]) == 2 for variant in data["variants"])
    assert '<meta property="og:title" content="티셔츠">' in page
    og_image = f"http://127.0.0.1:8000/media/r/{product.pk}-640.webp"
    assert f'<meta property="og:image" content="{og_image}">' in page


def test_product_page_redirects_to_its_canonical_slug(client) -> None:
    product = ProductFactory(slug="real-slug")
    canonical = reverse("catalog:product", args=[product.pk, "real-slug"])
    response = client.get(reverse("catalog:product", args=[product.pk, "old-slug"]))
    assert response.status_code == 301
    assert response["Location"] == canonical
    response = client.get(reverse("catalog:product_short", args=[product.pk]))
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{canonical}">' in html(
        client.get(canonical)
    )


def test_korean_slug_round_trips(client) -> None:
    product = ProductFactory(slug="반팔-티셔츠")
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert client.get(url).status_code == 200


def test_hidden_draft_deleted_or_suspended_products_are_404(client) -> None:
    hidden = ProductFactory(status=Product.Status.HIDDEN)
    draft = ProductFactory(status=Product.Status.DRAFT)
    suspended = ProductFactory(vendor=VendorFactory(status="suspended"))
    deleted = ProductFactory()
    Product.all_objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00:00Z")
    for product in (hidden, draft, suspended, deleted):
        url = reverse("catalog:product", args=[product.pk, product.slug])
        assert client.get(url).status_code == 404
    assert client.get("/p/999999/x/").status_code == 404


def test_sold_out_product_cannot_be_bought(client) -> None:
    product = ProductFactory(status=Product.Status.SOLD_OUT)
    VariantFactory(product=product, stock=0)
    page = html(client.get(reverse("catalog:product", args=[product.pk, product.slug])))
    assert 'class="product__soldout"' in page
    assert 'id="add-to-cart"' not in page or 'id="add-to-cart" disabled' in page


def test_description_is_printed_sanitised_even_if_written_around_the_services(client) -> None:
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(
        description='<p onclick="x()">좋아요</p><script>alert(1)</script>'
    )
    page = html(client.get(reverse("catalog:product", args=[product.pk, product.slug])))
    assert "좋아요" in page
    assert "alert(1)" not in page
    assert "onclick" not in page


def test_product_page_costs_the_same_for_1_or_30_variants(client) -> None:
    one = ProductFactory(slug="one")
    VariantFactory(product=one)
    many = product_with_options(values_per_group=6)  # 36 variants
    for product in (one, many):
        AddOnFactory(product=product)
        TextOptionFactory(product=product)
        with_image(product)
        with_image(product, position=1)
    small = queries(client, reverse("catalog:product", args=[one.pk, one.slug]))
    big = queries(client, reverse("catalog:product", args=[many.pk, many.slug]))
    assert small == big <= MAX_QUERIES
    # The product, its categories, option values, variants (value links joined), add-ons,
    # text options, media; the category tree; the shipping summary; the rating summary
    # (reviews app: one query without reviews, tests/reviews/test_views.py counts the rest).
    assert big == 10


def test_variants_carry_their_option_values_and_variants_without_options_none(client) -> None:
    many = product_with_options()
    plain = ProductFactory(slug="plain")
    VariantFactory(product=plain, stock=3)
    for product, expected in ((many, 4), (plain, 1)):
        page = html(client.get(reverse("catalog:product", args=[product.pk, product.slug])))
        data = json.loads(
            re.search(
                r'id="product-options" type="application/json">(.*?)</script>', page, re.S
            ).group(1)
        )
        assert len(data["variants"]) == expected
        for variant in data["variants"]:
            assert len(variant["values"]) == (2 if product is many else 0)
            assert variant["values"] == sorted(variant["values"])


def test_product_page_shows_the_vendor_shipping_policy(client) -> None:
    from shipping.models import ShippingPolicy

    product = ProductFactory()
    ShippingPolicy.objects.create(
        vendor=product.vendor,
        name="기본",
        fee_type=ShippingPolicy.FeeType.CONDITIONAL_FREE,
        base_fee=Decimal(3000),
        free_threshold=Decimal(50000),
        jeju_surcharge=Decimal(3000),
        is_default=True,
    )
    page = html(client.get(reverse("catalog:product", args=[product.pk, product.slug])))
    assert "3,000원" in page
    assert "50,000원" in page
