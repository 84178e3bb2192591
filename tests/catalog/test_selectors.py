"""Reads of the catalog: the category tree and breadcrumbs in one query, product lists in a fixed number."""

import pytest

from catalog import selectors
from catalog.models import Product
from shop.exceptions import NotFoundError
from tests.catalog.factories import (
    CategoryFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
)
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def build_tree():
    fashion = CategoryFactory(name="패션", position=1)
    digital = CategoryFactory(name="디지털", position=0)
    women = CategoryFactory(name="여성", parent=fashion, position=1)
    men = CategoryFactory(name="남성", parent=fashion, position=0)
    tops = CategoryFactory(name="상의", parent=women)
    shirts = CategoryFactory(name="셔츠", parent=tops)
    return {"fashion": fashion, "digital": digital, "women": women, "men": men, "shirts": shirts}


def test_category_tree_of_any_depth_is_read_in_one_query(django_assert_num_queries):
    build_tree()
    with django_assert_num_queries(1):
        roots = selectors.category_tree()
        names = [
            (node.category.name, [child.category.name for child in node.children]) for node in roots
        ]
        shirts = roots[1].children[1].children[0].children[0]
    assert names == [("디지털", []), ("패션", ["남성", "여성"])]
    assert (shirts.category.name, shirts.depth) == ("셔츠", 3)


def test_inactive_category_hides_its_subtree():
    tree = build_tree()
    tree["women"].is_active = False
    tree["women"].save()
    fashion = selectors.category_tree()[1]
    assert [child.category.name for child in fashion.children] == ["남성"]


def test_breadcrumb_is_read_in_one_query_root_first(django_assert_num_queries):
    tree = build_tree()
    with django_assert_num_queries(1):
        crumbs = [
            category.name
            for category in selectors.category_ancestors(category_id=tree["shirts"].pk)
        ]
    assert crumbs == ["패션", "여성", "상의", "셔츠"]


def test_category_listing_includes_products_of_subcategories():
    tree = build_tree()
    shirt = ProductFactory()
    shirt.categories.add(tree["shirts"])
    ProductFactory().categories.add(tree["digital"])
    assert list(selectors.list_products(category_id=tree["fashion"].pk)) == [shirt]


def test_product_list_query_count_does_not_grow_with_products(django_assert_num_queries):
    category = CategoryFactory()
    for _ in range(6):
        product = ProductFactory(status=Product.Status.ON_SALE)
        product.categories.add(category)
        VariantFactory(product=product)
        VariantFactory(product=product)
    # products with vendors, their categories, their variants
    with django_assert_num_queries(3):
        rows = list(selectors.list_products())
        seen = [(p.vendor.name, len(p.categories.all()), len(p.variants.all())) for p in rows]
    assert len(seen) == 6
    assert all(categories == 1 and variants == 2 for _vendor, categories, variants in seen)


def test_get_product_prefetches_options_and_variants(django_assert_num_queries):
    variant = VariantFactory()
    value = OptionValueFactory(group__product=variant.product)
    # product and vendor, categories, groups, values, variants, their values, add-ons, texts
    with django_assert_num_queries(8):
        product = selectors.get_product(product_id=variant.product_id)
    with django_assert_num_queries(0):
        assert [v.pk for v in product.variants.all()] == [variant.pk]
        assert [list(group.values.all()) for group in product.option_groups.all()] == [[value]]
        assert product.vendor.pk == variant.product.vendor_id


def test_products_of_a_suspended_vendor_are_not_shown():
    product = ProductFactory(vendor__status=Vendor.Status.SUSPENDED)
    assert list(selectors.list_products()) == []
    with pytest.raises(NotFoundError):
        selectors.get_product(product_id=product.pk)
    assert selectors.get_product(product_id=product.pk, visible_only=False) == product


def test_a_cover_reads_the_same_whether_its_renditions_come_as_json_or_as_text() -> None:
    """PostgreSQL nests the JSON column in json_object(); SQLite nests it as a string."""
    from catalog.selectors.storefront import cover_parts

    renditions = {"webp": {"320": "r/1-320.webp"}}
    assert cover_parts({"renditions": renditions, "alt": "사진"}) == (renditions, "사진")
    assert cover_parts({"renditions": '{"webp": {"320": "r/1-320.webp"}}', "alt": None}) == (
        renditions,
        "",
    )
    assert cover_parts(None) == (None, "")
