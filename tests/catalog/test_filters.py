"""ProductFilter: price range, vendor, stock, option values, category subtree, text and sort."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import QueryDict

from catalog.filters import ProductFilter, parse_option_filters
from catalog.selectors import visible_products
from tests.catalog.factories import (
    CategoryFactory,
    OptionGroupFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
)
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    result = ProductFilter(QueryDict(query), queryset=visible_products())
    return [product.name for product in result.qs]


def test_price_range_keeps_products_between_the_bounds() -> None:
    for price in (5000, 10000, 20000):
        ProductFactory(name=f"p{price}", price=Decimal(price))
    assert sorted(names("min_price=6000&max_price=20000")) == ["p10000", "p20000"]
    assert names("max_price=5000") == ["p5000"]


def test_a_negative_or_non_numeric_price_is_a_form_error_not_a_crash() -> None:
    ProductFactory()
    result = ProductFilter(QueryDict("min_price=abc&max_price=-1"), queryset=visible_products())
    assert not result.is_valid()
    assert set(result.errors) == {"min_price", "max_price"}


def test_vendor_filter_takes_repeated_or_comma_separated_slugs() -> None:
    one, two, three = (VendorFactory(slug=slug) for slug in ("one", "two", "three"))
    for vendor in (one, two, three):
        ProductFactory(vendor=vendor, name=vendor.slug)
    assert sorted(names("vendor=one&vendor=two")) == ["one", "two"]
    assert sorted(names("vendor=one,three")) == ["one", "three"]


def test_in_stock_keeps_products_with_an_active_variant_in_stock() -> None:
    stocked = ProductFactory(name="stocked")
    VariantFactory(product=stocked, stock=3)
    empty = ProductFactory(name="empty")
    VariantFactory(product=empty, stock=0)
    inactive = ProductFactory(name="inactive")
    VariantFactory(product=inactive, stock=5, is_active=False)
    assert names("in_stock=true") == ["stocked"]
    assert len(names("in_stock=false")) == 3


def test_option_values_of_one_group_or_and_groups_and() -> None:
    def product(name: str, color: str, size: str) -> None:
        item = ProductFactory(name=name)
        OptionValueFactory(group=OptionGroupFactory(product=item, name="색상"), value=color)
        OptionValueFactory(group=OptionGroupFactory(product=item, name="사이즈"), value=size)

    product("black-m", "블랙", "M")
    product("white-m", "화이트", "M")
    product("black-l", "블랙", "L")
    assert sorted(names("option=색상:블랙&option=색상:화이트&option=사이즈:M")) == [
        "black-m",
        "white-m",
    ]
    assert names("option=색상:레드") == []


def test_malformed_option_filters_are_ignored() -> None:
    assert parse_option_filters(["색상:블랙", "nonsense", ":x", "y:", "색상:블랙"]) == {
        "색상": ["블랙"]
    }


def test_category_filter_includes_the_subtree() -> None:
    root = CategoryFactory(slug="fashion")
    child = CategoryFactory(slug="shoes", parent=root)
    ProductFactory(name="in-child").categories.add(child)
    ProductFactory(name="in-root").categories.add(root)
    ProductFactory(name="elsewhere").categories.add(CategoryFactory())
    assert sorted(names("category=fashion")) == ["in-child", "in-root"]
    assert names("category=shoes") == ["in-child"]
    assert names("category=unknown") == []


def test_text_search_matches_korean_substrings_of_name_and_brand() -> None:
    ProductFactory(name="무선 블루투스 이어폰")
    ProductFactory(name="유선 이어폰", brand="소리전자")
    ProductFactory(name="노트북 거치대")
    assert sorted(names("q=이어폰")) == ["무선 블루투스 이어폰", "유선 이어폰"]
    assert names("q=소리") == ["유선 이어폰"]
    assert names("q=블루투스 이어") == ["무선 블루투스 이어폰"]


def test_sorts_order_by_price_and_popularity_with_the_id_as_tie_breaker() -> None:
    cheap = ProductFactory(name="cheap", price=Decimal(1000), sales_count=5)
    dear = ProductFactory(name="dear", price=Decimal(9000), sales_count=50)
    ProductFactory(name="mid", price=Decimal(5000), sales_count=5)
    assert names("sort=price_asc") == ["cheap", "mid", "dear"]
    assert names("sort=price_desc") == ["dear", "mid", "cheap"]
    assert names("sort=popular") == ["dear", "mid", "cheap"]  # mid: same count, newer id
    assert names("")[-1] == cheap.name  # newest first by default
    assert names("sort=nonsense") == names("")  # an unknown sort falls back to newest
    assert dear.pk > cheap.pk
