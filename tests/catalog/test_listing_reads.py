"""The listing pages' cheap paths give what the slow ones gave: card URLs and prices,
facet checkbox values, and cached reads kept in the process that still follow every event.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse

from catalog.models import Category
from catalog.selectors import caching, category_index, category_listing, storefront
from shop.money import format_krw
from tests.catalog.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "slug", ["plain-slug", "한글-슬러그", "with space", "odd%25:@~!$&'()*+,;=", "x" * 120]
)
def test_card_urls_are_what_reverse_makes(slug: str) -> None:
    make = storefront.product_url_maker()
    assert make(7, slug) == reverse("catalog:product", args=[7, slug])


def test_card_urls_refuse_what_reverse_refuses() -> None:
    make = storefront.product_url_maker()
    for slug in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            make(7, slug)


def test_card_urls_follow_the_script_prefix() -> None:
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/shop/")
    try:
        assert storefront.product_url_maker()(7, "s") == "/shop/p/7/s/"
    finally:
        set_script_prefix(before)


def test_listing_cards_carry_their_url_and_price_text(client) -> None:
    category = CategoryFactory(slug="c")
    product = ProductFactory(price=Decimal(1234567), slug="이어폰-1")
    product.categories.add(category)
    page = storefront.keyset_page(
        storefront.in_category(storefront.visible_products(), category_index().get("c"))
    )
    (card,) = page.cards
    assert card.url == reverse("catalog:product", args=[product.pk, product.slug])
    assert card.price_text == format_krw(product.price) == "1,234,567원"
    body = client.get(reverse("catalog:category", args=["c"])).content.decode()
    assert f'href="{card.url}"' in body
    assert "1,234,567원" in body


def test_facet_checkboxes_send_group_and_value() -> None:
    facets = storefront.Facets(
        vendors=[], options=[("색상", ["블랙", "화이트"]), ("사이즈", ["M"])]
    )
    assert facets.option_choices == [
        ("색상", [("블랙", "색상:블랙"), ("화이트", "색상:화이트")]),
        ("사이즈", [("M", "사이즈:M")]),
    ]


def test_a_kept_category_tree_still_follows_a_catalog_change() -> None:
    CategoryFactory(slug="c", name="옛 이름")
    assert category_index().get("c").name == "옛 이름"
    Category.objects.filter(slug="c").update(name="새 이름")
    assert category_index().get("c").name == "옛 이름"  # cached (no event): the control
    caching.forget_catalog()
    assert category_index().get("c").name == "새 이름"


def test_kept_facets_still_follow_a_product_change() -> None:
    from tests.vendors.factories import VendorFactory

    category = CategoryFactory(slug="c")
    ProductFactory(vendor=VendorFactory(name="가 판매자")).categories.add(category)
    listing = category_listing("c")
    assert [name for _slug, name in listing.facets.vendors] == ["가 판매자"]
    ProductFactory(vendor=VendorFactory(name="나 판매자")).categories.add(category)
    assert len(category_listing("c").facets.vendors) == 1  # cached until an event
    caching.forget_listings()
    assert [name for _slug, name in category_listing("c").facets.vendors] == [
        "가 판매자",
        "나 판매자",
    ]


def test_a_snapshot_reads_the_generations_once() -> None:
    with caching.snapshot():
        first = caching.listing_key("x")
        caching.forget_listings()  # another process's change, in the middle of a page
        assert caching.listing_key("x") == first  # one page, one view of the catalog
    assert caching.listing_key("x") != first


def test_an_unknown_category_has_no_listing() -> None:
    CategoryFactory(slug="c", is_active=False)
    assert category_listing("c") is None
    assert category_listing("nope") is None


def _card(**changes) -> storefront.ProductCard:
    values = {
        "id": 1,
        "name": "이어폰",
        "slug": "e",
        "brand": "",
        "price": Decimal(1000),
        "vendor_name": "가 판매자",
        "url": "/p/1/e/",
        "price_text": "1,000원",
    }
    return storefront.ProductCard(**{**values, **changes})


def test_a_kept_card_grid_is_the_template_and_follows_every_card_value() -> None:
    from django.template.loader import render_to_string

    from catalog.templatetags.catalog_tags import product_cards

    card = _card()
    assert product_cards([card]) == render_to_string("catalog/_cards.html", {"cards": [card]})
    assert "1,000원" in product_cards([card])
    assert "2,000원" in product_cards([_card(price_text="2,000원")])  # not the kept grid
    assert "<script>" not in product_cards([_card(name="<script>")])  # still escaped


def test_a_kept_empty_grid_is_in_the_reader_s_language() -> None:
    from django.utils import translation

    from catalog.templatetags.catalog_tags import product_cards

    with translation.override("en"):
        english = product_cards([])
    with translation.override("ko"):
        korean = product_cards([])
    assert "No products found." in english
    assert english != korean


def test_a_reused_listing_query_still_reads_the_rows_afresh(
    client, django_assert_num_queries, settings
) -> None:
    """The reads under the page cache (which would keep the page whole): rows are fresh."""
    from catalog.models import Product

    settings.CATALOG_CACHE_PAGES = False

    category = CategoryFactory(slug="c")
    product = ProductFactory(price=Decimal(1000), name="이어폰")
    product.categories.add(category)
    url = reverse("catalog:category", args=["c"])
    assert "1,000원" in client.get(url).content.decode()
    Product.objects.filter(pk=product.pk).update(price=Decimal(2500), name="헤드폰")  # no event
    with django_assert_num_queries(1):  # the tree and facets cached, the page's rows not
        body = client.get(url).content.decode()
    assert "2,500원" in body
    assert "헤드폰" in body
    Product.objects.filter(pk=product.pk).update(status=Product.Status.HIDDEN)
    assert "헤드폰" not in client.get(url).content.decode()


def test_a_subcategory_added_to_the_tree_is_listed_under_its_parent(client) -> None:
    parent = CategoryFactory(slug="p")
    ProductFactory(name="위 상품").categories.add(parent)
    url = reverse("catalog:category", args=["p"])
    assert "위 상품" in client.get(url).content.decode()
    child = CategoryFactory(slug="k", parent=parent)
    ProductFactory(name="아래 상품").categories.add(child)
    caching.forget_catalog()  # what the admin's category edit publishes
    assert "아래 상품" in client.get(url).content.decode()


def test_only_a_filter_other_than_the_sort_narrows() -> None:
    from django.http import QueryDict

    from catalog.filters import ProductFilter

    assert not ProductFilter(QueryDict("sort=price_asc&cursor=x&utm=1")).narrows
    assert ProductFilter(QueryDict("min_price=")).narrows
    assert ProductFilter(QueryDict("vendor=a")).narrows
