"""The catalog's business rules, through its services."""

from decimal import Decimal

import pytest

from catalog import selectors, services
from catalog.exceptions import CatalogError, CatalogErrorCode
from catalog.models import Product, Variant
from catalog.notices import NoticeType
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.catalog.factories import (
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
    full_notice,
)
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def new_product(**values):
    vendor = values.pop("vendor", None) or VendorFactory()
    values.setdefault("name", "티셔츠")
    values.setdefault("slug", "t-shirt")
    values.setdefault("price", 19000)
    values.setdefault("notice_type", NoticeType.CLOTHING)
    values.setdefault("notice", full_notice(NoticeType.CLOTHING))
    return services.create_product(vendor_id=vendor.pk, **values)


def with_colors_and_sizes(product: Product) -> None:
    services.set_options(
        product_id=product.pk,
        groups=[
            {"name": "색상", "values": ["블랙", "화이트"]},
            {"name": "사이즈", "values": ["S", "M", "L"]},
        ],
    )


def test_description_loses_scripts_event_handlers_and_javascript_urls():
    product = new_product(
        description=(
            '<p onclick="steal()">좋은 옷<script>alert(1)</script></p>'
            '<img src="https://cdn.example.com/a.jpg" onerror="alert(2)">'
            '<a href="javascript:alert(3)">클릭</a><a href="https://example.com">링크</a>'
        )
    )
    stored = Product.objects.get(pk=product.pk).description
    assert "script" not in stored
    assert "alert" not in stored
    assert "onclick" not in stored
    assert "onerror" not in stored
    assert "javascript:" not in stored
    assert "<p>좋은 옷</p>" in stored
    assert 'href="https://example.com"' in stored


def test_update_sanitises_the_description_too():
    product = new_product()
    services.update_product(product_id=product.pk, description="<b>ok</b><script>x()</script>")
    assert Product.objects.get(pk=product.pk).description == "<b>ok</b>"


@pytest.mark.parametrize("price", [-1, "-500", "abc", "10.5", "", None, "NaN"])
def test_negative_or_non_numeric_price_is_a_price_field_error(price):
    with pytest.raises(CatalogError) as caught:
        new_product(price=price)
    assert caught.value.code == CatalogErrorCode.INVALID_PRODUCT
    assert "price" in caught.value.fields
    assert not Product.all_objects.exists()


def test_notice_missing_an_item_of_its_type_is_refused_naming_it():
    notice = full_notice(NoticeType.CLOTHING)
    del notice["care_instructions"]
    with pytest.raises(CatalogError) as caught:
        new_product(notice=notice)
    assert "care_instructions" in caught.value.fields["notice"][0]


def test_notice_with_items_of_another_type_is_refused():
    notice = {**full_notice(NoticeType.CLOTHING), "ingredients": "정제수"}
    with pytest.raises(CatalogError) as caught:
        new_product(notice=notice)
    assert "ingredients" in " ".join(caught.value.fields["notice"])


def test_changing_the_notice_type_requires_that_types_items():
    product = new_product()
    with pytest.raises(CatalogError) as caught:
        services.update_product(product_id=product.pk, notice_type=NoticeType.COSMETICS)
    assert "notice" in caught.value.fields
    services.update_product(
        product_id=product.pk,
        notice_type=NoticeType.COSMETICS,
        notice=full_notice(NoticeType.COSMETICS),
    )
    assert Product.objects.get(pk=product.pk).notice_type == NoticeType.COSMETICS


def test_updating_the_notice_alone_is_checked_against_the_stored_type():
    product = new_product()
    with pytest.raises(CatalogError) as caught:
        services.update_product(product_id=product.pk, notice={"color": "블랙"})
    assert "notice" in caught.value.fields
    assert Product.objects.get(pk=product.pk).notice == full_notice(NoticeType.CLOTHING)


def test_create_publishes_an_event_with_the_new_values():
    product = new_product()
    event = AuditEvent.objects.get(event_type="catalog.ProductCreated")
    assert event.subject_id == str(product.pk)
    assert event.payload["changes"]["price"] == [None, "19000"]
    assert event.payload["changes"]["name"] == [None, "티셔츠"]


def test_update_publishes_before_and_after_of_what_changed_only():
    product = new_product()
    services.update_product(product_id=product.pk, name="반팔 티셔츠", price=21000)
    event = AuditEvent.objects.get(event_type="catalog.ProductChanged")
    assert event.payload["changes"] == {
        "name": ["티셔츠", "반팔 티셔츠"],
        "price": ["19000", "21000"],
    }


def test_update_changing_nothing_publishes_nothing():
    product = new_product()
    services.update_product(product_id=product.pk, name="티셔츠")
    assert not AuditEvent.objects.filter(event_type="catalog.ProductChanged").exists()


def test_another_vendors_product_is_not_found():
    product = new_product()
    with pytest.raises(NotFoundError):
        services.update_product(product_id=product.pk, vendor_id=VendorFactory().pk, name="x")


def test_status_change_is_an_event_with_old_and_new_status():
    product = new_product()
    services.change_status(product_id=product.pk, status=Product.Status.ON_SALE)
    event = AuditEvent.objects.get(event_type="catalog.ProductStatusChanged")
    assert (event.payload["old_status"], event.payload["new_status"]) == ("draft", "on_sale")


def test_soft_deleted_product_disappears_from_selectors_and_comes_back_on_restore():
    product = ProductFactory()
    assert list(selectors.list_products()) == [product]
    services.delete_product(product_id=product.pk)
    assert list(selectors.list_products()) == []
    assert not Product.objects.filter(pk=product.pk).exists()
    assert Product.all_objects.filter(pk=product.pk).exists()
    with pytest.raises(NotFoundError):
        selectors.get_product(product_id=product.pk)
    services.restore_product(product_id=product.pk)
    assert list(selectors.list_products()) == [product]
    assert AuditEvent.objects.filter(event_type="catalog.ProductDeleted").count() == 1
    assert AuditEvent.objects.filter(event_type="catalog.ProductRestored").count() == 1


def test_storefront_lists_only_products_on_sale():
    shown = ProductFactory(status=Product.Status.ON_SALE)
    for status in [Product.Status.DRAFT, Product.Status.HIDDEN]:
        ProductFactory(status=status)
    assert list(selectors.list_products()) == [shown]


def test_two_option_groups_generate_every_combination():
    product = new_product()
    with_colors_and_sizes(product)
    result = services.generate_variants(product_id=product.pk, stock=3)
    labels = sorted(variant.label for variant in product.variants.all())
    assert labels == sorted(f"{c} / {s}" for c in ["블랙", "화이트"] for s in ["S", "M", "L"])
    assert len(result.created) == 6
    assert all(variant.option_values.count() == 2 for variant in product.variants.all())
    assert set(product.variants.values_list("stock", flat=True)) == {3}
    event = AuditEvent.objects.get(event_type="catalog.VariantsGenerated")
    assert sorted(event.payload["created_variant_ids"]) == sorted(v.pk for v in result.created)


def test_generating_again_keeps_existing_variants_and_adds_only_new_values():
    product = new_product()
    with_colors_and_sizes(product)
    services.generate_variants(product_id=product.pk)
    first_ids = set(product.variants.values_list("pk", flat=True))
    assert services.generate_variants(product_id=product.pk).created == []
    services.set_options(
        product_id=product.pk,
        groups=[
            {"name": "색상", "values": ["블랙", "화이트", "네이비"]},
            {"name": "사이즈", "values": ["S", "M", "L"]},
        ],
    )
    result = services.generate_variants(product_id=product.pk)
    assert len(result.created) == 3
    assert first_ids < set(product.variants.values_list("pk", flat=True))


def test_removed_option_value_deactivates_its_variants():
    product = new_product()
    with_colors_and_sizes(product)
    services.generate_variants(product_id=product.pk)
    services.set_options(
        product_id=product.pk,
        groups=[
            {"name": "색상", "values": ["블랙"]},
            {"name": "사이즈", "values": ["S", "M", "L"]},
        ],
    )
    active = sorted(product.variants.filter(is_active=True).values_list("label", flat=True))
    assert active == ["블랙 / L", "블랙 / M", "블랙 / S"]
    assert product.variants.filter(is_active=False).count() == 3


@pytest.mark.parametrize("stock", [-1, "3", 1.5])
def test_generating_with_a_bad_starting_stock_is_a_field_error(stock):
    product = new_product()
    with pytest.raises(CatalogError) as caught:
        services.generate_variants(product_id=product.pk, stock=stock)
    assert "stock" in caught.value.fields
    assert not product.variants.exists()


def test_product_without_options_gets_one_variant():
    product = new_product()
    services.generate_variants(product_id=product.pk)
    assert product.variants.count() == 1


def test_adding_a_combination_that_exists_is_a_field_error():
    product = new_product()
    with_colors_and_sizes(product)
    services.generate_variants(product_id=product.pk)
    variant = product.variants.first()
    value_ids = list(reversed(variant.option_values.values_list("pk", flat=True)))
    with pytest.raises(CatalogError) as caught:
        services.add_variant(product_id=product.pk, option_value_ids=value_ids)
    assert caught.value.code == CatalogErrorCode.DUPLICATE_COMBINATION
    assert "option_values" in caught.value.fields
    assert product.variants.count() == 6


def test_adding_a_combination_missing_a_group_or_of_another_product_is_refused():
    product = new_product()
    with_colors_and_sizes(product)
    black = product.option_groups.get(name="색상").values.get(value="블랙")
    stranger = OptionValueFactory()
    for value_ids in [[black.pk], [black.pk, stranger.pk]]:
        with pytest.raises(CatalogError) as caught:
            services.add_variant(product_id=product.pk, option_value_ids=value_ids)
        assert "option_values" in caught.value.fields
    assert not product.variants.exists()


def test_adding_a_new_combination_by_hand_links_its_values():
    product = new_product()
    with_colors_and_sizes(product)
    values = [group.values.first() for group in product.option_groups.all()]
    variant = services.add_variant(
        product_id=product.pk, option_value_ids=[v.pk for v in values], extra_price=1000, stock=4
    )
    assert variant.label == "블랙 / S"
    assert set(variant.option_values.all()) == set(values)
    assert len(services.generate_variants(product_id=product.pk).created) == 5


def test_option_groups_with_repeated_values_are_refused_naming_the_group():
    product = new_product()
    with pytest.raises(CatalogError) as caught:
        services.set_options(
            product_id=product.pk,
            groups=[{"name": "색상", "values": ["블랙"]}, {"name": "사이즈", "values": ["S", "S"]}],
        )
    assert list(caught.value.fields) == ["groups.1.values"]


def grid_product():
    product = new_product(price=10000)
    with_colors_and_sizes(product)
    services.generate_variants(product_id=product.pk, stock=1)
    return product, list(product.variants.order_by("pk"))


def test_variant_grid_saves_every_row():
    product, variants = grid_product()
    changed = services.update_variant_grid(
        product_id=product.pk,
        rows=[
            {"variant_id": variants[0].pk, "extra_price": "2000", "stock": 7, "active": True},
            {"variant_id": variants[1].pk, "extra_price": -10000, "stock": 0, "active": False},
        ],
    )
    assert changed == 2
    first, second = Variant.objects.get(pk=variants[0].pk), Variant.objects.get(pk=variants[1].pk)
    assert (first.extra_price, first.stock) == (Decimal(2000), 7)
    assert (second.extra_price, second.is_active) == (Decimal(-10000), False)
    event = AuditEvent.objects.filter(event_type="catalog.ProductChanged").order_by("-pk")[0]
    assert event.payload["changes"][f"variants.{variants[0].pk}.stock"] == [1, 7]


def test_grid_accepts_amounts_typed_with_thousands_separators():
    product, variants = grid_product()
    services.update_variant_grid(
        product_id=product.pk,
        rows=[{"variant_id": variants[0].pk, "extra_price": "1,500", "stock": " 12 "}],
    )
    variant = Variant.objects.get(pk=variants[0].pk)
    assert (variant.extra_price, variant.stock) == (Decimal(1500), 12)


def test_grid_refuses_amounts_and_stock_too_large_for_the_columns():
    product, variants = grid_product()
    with pytest.raises(CatalogError) as caught:
        services.update_variant_grid(
            product_id=product.pk,
            rows=[{"variant_id": variants[0].pk, "extra_price": 10**12, "stock": 2**31}],
        )
    assert set(caught.value.fields) == {"rows.0.extra_price", "rows.0.stock"}


def test_one_bad_grid_row_saves_nothing_and_names_each_bad_row_and_field():
    product, variants = grid_product()
    with pytest.raises(CatalogError) as caught:
        services.update_variant_grid(
            product_id=product.pk,
            rows=[
                {"variant_id": variants[0].pk, "extra_price": 500, "stock": 9},
                {"variant_id": variants[1].pk, "extra_price": -10001},
                {"variant_id": variants[2].pk, "stock": -1},
                {"variant_id": variants[3].pk, "extra_price": "abc"},
                {"variant_id": 999999, "stock": 1},
            ],
        )
    assert set(caught.value.fields) == {
        "rows.1.extra_price",
        "rows.2.stock",
        "rows.3.extra_price",
        "rows.4.variant_id",
    }
    assert Variant.objects.get(pk=variants[0].pk).stock == 1
    grid_events = AuditEvent.objects.filter(
        event_type="catalog.ProductChanged", payload__changes__has_key="options"
    )
    assert (
        AuditEvent.objects.filter(event_type="catalog.ProductChanged").count()
        == grid_events.count()
    )


def test_grid_refuses_a_stock_that_moved_since_the_editor_saw_it():
    product, variants = grid_product()
    services.adjust_stock(variant_id=variants[0].pk, delta=-1, reason="sold meanwhile")
    with pytest.raises(CatalogError) as caught:
        services.update_variant_grid(
            product_id=product.pk,
            rows=[
                {"variant_id": variants[1].pk, "extra_price": 100},
                {"variant_id": variants[0].pk, "stock": 5, "stock_was": 1},
            ],
        )
    assert list(caught.value.fields) == ["rows.1.stock"]
    assert Variant.objects.get(pk=variants[0].pk).stock == 0
    assert Variant.objects.get(pk=variants[1].pk).extra_price == 0


def test_grid_refuses_another_products_variant():
    product, _variants = grid_product()
    stranger = VariantFactory()
    with pytest.raises(CatalogError) as caught:
        services.update_variant_grid(
            product_id=product.pk, rows=[{"variant_id": stranger.pk, "stock": 5}]
        )
    assert "rows.0.variant_id" in caught.value.fields
    assert Variant.objects.get(pk=stranger.pk).stock == 10


def test_base_price_cannot_drop_below_a_negative_option_price():
    product, variants = grid_product()
    services.update_variant_grid(
        product_id=product.pk, rows=[{"variant_id": variants[0].pk, "extra_price": -5000}]
    )
    with pytest.raises(CatalogError) as caught:
        services.change_price(product_id=product.pk, price=4000)
    assert "price" in caught.value.fields
    assert Product.objects.get(pk=product.pk).price == Decimal(10000)


def test_change_prices_by_percent_rounds_to_whole_won_and_publishes_price_changes():
    first = ProductFactory(price=Decimal(9999))
    second = ProductFactory(price=Decimal(20000))
    changed = services.change_prices_by_percent(product_ids=[first.pk, second.pk], percent=10)
    assert changed == 2
    assert Product.objects.get(pk=first.pk).price == Decimal(10999)
    assert Product.objects.get(pk=second.pk).price == Decimal(22000)
    events = AuditEvent.objects.filter(event_type="catalog.PriceChanged")
    assert {(e.payload["old_price"], e.payload["new_price"]) for e in events} == {
        ("9999", "10999"),
        ("20000", "22000"),
    }


def test_adjust_stock_moves_stock_and_publishes_it():
    variant = VariantFactory(stock=2)
    assert services.adjust_stock(variant_id=variant.pk, delta=-2, reason="order 1") == 0
    event = AuditEvent.objects.get(event_type="catalog.StockChanged")
    assert (event.payload["delta"], event.payload["stock"]) == (-2, 0)


def test_adjust_stock_never_goes_below_zero():
    variant = VariantFactory(stock=1)
    with pytest.raises(CatalogError) as caught:
        services.adjust_stock(variant_id=variant.pk, delta=-2)
    assert caught.value.code == CatalogErrorCode.OUT_OF_STOCK
    assert Variant.objects.get(pk=variant.pk).stock == 1
    assert not AuditEvent.objects.filter(event_type="catalog.StockChanged").exists()


def test_slug_is_unique_per_vendor_not_globally():
    first = new_product()
    with pytest.raises(CatalogError) as caught:
        new_product(vendor=first.vendor)
    assert list(caught.value.fields) == ["slug"]
    assert Product.objects.count() == 1
    assert new_product().slug == first.slug  # another vendor may use the same slug
