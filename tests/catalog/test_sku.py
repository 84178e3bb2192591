"""SKUs: a non-blank SKU is unique among one vendor's live variants, with field errors."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import Variant
from tests.catalog.factories import (
    OptionGroupFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
)
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def sku_of(variant: Variant) -> str:
    return Variant.objects.values_list("sku", flat=True).get(pk=variant.pk)


def test_the_grid_refuses_a_sku_another_product_of_the_vendor_uses():
    vendor = VendorFactory()
    VariantFactory(product__vendor=vendor, product__name="머그컵", sku="MUG-1", label="블랙")
    variant = VariantFactory(product__vendor=vendor)

    with pytest.raises(CatalogError) as refused:
        services.update_variant_grid(
            product_id=variant.product_id, rows=[{"variant_id": variant.pk, "sku": " MUG-1 "}]
        )

    assert list(refused.value.fields) == ["rows.0.sku"]
    assert "MUG-1" in refused.value.fields["rows.0.sku"][0]
    assert "머그컵 (블랙)" in refused.value.fields["rows.0.sku"][0]
    assert sku_of(variant) == ""


def test_the_grid_refuses_two_rows_with_the_same_new_sku_and_saves_nothing():
    product = ProductFactory()
    first, second = VariantFactory(product=product), VariantFactory(product=product)

    with pytest.raises(CatalogError) as refused:
        services.update_variant_grid(
            product_id=product.pk,
            rows=[
                {"variant_id": first.pk, "sku": "A-1", "stock": 3},
                {"variant_id": second.pk, "sku": "A-1"},
            ],
        )

    assert set(refused.value.fields) == {"rows.0.sku", "rows.1.sku"}
    assert Variant.objects.get(pk=first.pk).stock == 10


def test_swapping_two_skus_in_one_grid_is_allowed():
    product = ProductFactory()
    first = VariantFactory(product=product, sku="A")
    second = VariantFactory(product=product, sku="B")

    services.update_variant_grid(
        product_id=product.pk,
        rows=[{"variant_id": first.pk, "sku": "B"}, {"variant_id": second.pk, "sku": "A"}],
    )

    assert (sku_of(first), sku_of(second)) == ("B", "A")


def test_other_vendors_inactive_variants_deleted_products_and_blank_skus_do_not_count():
    vendor = VendorFactory()
    VariantFactory(sku="SHARED")  # another vendor
    VariantFactory(product__vendor=vendor, sku="OLD", is_active=False)
    gone = VariantFactory(product__vendor=vendor, sku="GONE")
    services.delete_product(product_id=gone.product_id)
    VariantFactory(product__vendor=vendor, sku="")
    variant = VariantFactory(product__vendor=vendor)
    rows = [{"variant_id": variant.pk, "sku": sku} for sku in ["SHARED", "OLD", "GONE", ""]]

    for row in rows:
        services.update_variant_grid(product_id=variant.product_id, rows=[row])
        assert sku_of(variant) == row["sku"]


def test_reactivating_a_variant_whose_sku_was_reused_is_refused():
    vendor = VendorFactory()
    old = VariantFactory(product__vendor=vendor, sku="X-9", is_active=False)
    VariantFactory(product__vendor=vendor, sku="X-9")

    with pytest.raises(CatalogError) as refused:
        services.update_variant_grid(
            product_id=old.product_id, rows=[{"variant_id": old.pk, "active": True}]
        )

    assert list(refused.value.fields) == ["rows.0.sku"]
    assert Variant.objects.get(pk=old.pk).is_active is False


def test_an_old_duplicate_does_not_block_editing_other_columns():
    vendor = VendorFactory()
    VariantFactory(product__vendor=vendor, sku="DUP")
    legacy = VariantFactory(product__vendor=vendor, sku="DUP")  # saved before the rule

    services.update_variant_grid(
        product_id=legacy.product_id, rows=[{"variant_id": legacy.pk, "stock": 1}]
    )

    assert Variant.objects.get(pk=legacy.pk).stock == 1


def test_add_variant_refuses_a_taken_sku_naming_the_field():
    vendor = VendorFactory()
    VariantFactory(product__vendor=vendor, sku="TEE-M")
    group = OptionGroupFactory(product__vendor=vendor)
    value = OptionValueFactory(group=group)

    with pytest.raises(CatalogError) as refused:
        services.add_variant(product_id=group.product_id, option_value_ids=[value.pk], sku="TEE-M")

    assert list(refused.value.fields) == ["sku"]
    assert not Variant.objects.filter(product_id=group.product_id).exists()
    created = services.add_variant(
        product_id=group.product_id, option_value_ids=[value.pk], sku=" TEE-L "
    )
    assert created.sku == "TEE-L"


def test_restoring_a_product_whose_sku_was_given_away_is_refused():
    vendor = VendorFactory()
    old = VariantFactory(product__vendor=vendor, sku="CUP")
    services.delete_product(product_id=old.product_id)
    VariantFactory(product__vendor=vendor, sku="CUP")

    with pytest.raises(CatalogError) as refused:
        services.restore_product(product_id=old.product_id)

    assert list(refused.value.fields) == ["sku"]


def test_generated_variants_start_without_a_sku_so_generation_never_collides():
    vendor = VendorFactory()
    VariantFactory(product__vendor=vendor, sku="")
    product = ProductFactory(vendor=vendor)
    services.set_options(
        product_id=product.pk, groups=[{"name": "색상", "values": ["블랙", "화이트"]}]
    )

    result = services.generate_variants(product_id=product.pk, stock=2)

    assert [variant.sku for variant in result.created] == ["", ""]
