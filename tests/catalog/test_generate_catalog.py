"""``generate_catalog``: a synthetic catalog of any size, valid, repeatable and replaceable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.media.models import MediaStatus, ProductMedia
from catalog.models import Category, OptionValue, Product, Variant
from catalog.services import check_notice, option_key
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

SMALL = ["--products", "40", "--categories", "7", "--vendors", "2", "--variants", "3"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_catalog", *args, stdout=out)
    return out.getvalue()


def test_it_builds_the_catalog_asked_for() -> None:
    output = _generate(*SMALL)

    assert "2 vendors, 7 categories, 40 products, 120 variants, 40 media" in output
    assert Vendor.objects.filter(slug__startswith="gen-vendor-", status="approved").count() == 2
    products = Product.objects.on_sale().filter(vendor__slug__startswith="gen-vendor-")
    assert products.count() == 40
    assert products.values("vendor").distinct().count() == 2
    assert Category.objects.count() == 7


def test_categories_are_a_two_level_tree_with_products_in_the_leaves() -> None:
    _generate(*SMALL)

    roots = Category.objects.filter(parent__isnull=True)
    children = Category.objects.filter(parent__isnull=False)
    assert roots.count() == 1
    assert children.count() == 6
    assert not children.filter(parent__parent__isnull=False).exists()
    assert not Product.objects.filter(categories__isnull=True).exists()
    assert not Product.objects.filter(categories__parent__isnull=True).exists()
    assert set(Category.objects.filter(products__isnull=False).values_list("pk", flat=True)) == set(
        children.values_list("pk", flat=True)
    )


def test_products_are_valid_korean_products_with_variants_priced_and_stocked() -> None:
    _generate(*SMALL)

    for product in Product.objects.prefetch_related("option_groups__values", "variants"):
        check_notice(product.notice_type, product.notice)  # raises if an item is missing
        assert any("\uac00" <= char <= "\ud7a3" for char in product.name), product.name
        assert product.price >= 4000
        assert product.price % 100 == 0
        (group,) = product.option_groups.all()
        assert group.name in {"색상", "사이즈", "용량", "중량"}
        variants = list(product.variants.all())
        assert len(variants) == 3
        assert variants[0].extra_price == 0
        assert all(variant.extra_price >= 0 for variant in variants)
        assert {variant.option_key for variant in variants} == {
            option_key([value.pk]) for value in group.values.all()
        }
    linked = Variant.option_values.through.objects.count()
    assert linked == Variant.objects.count() == OptionValue.objects.count()
    assert Variant.objects.filter(stock=0).count() < Variant.objects.count() / 4


def test_every_product_shows_one_ready_image_whose_renditions_exist() -> None:
    _generate(*SMALL)

    media = list(ProductMedia.objects.all())
    assert len(media) == 40
    assert {item.product_id for item in media} == set(Product.objects.values_list("pk", flat=True))
    assert all(item.status == MediaStatus.READY for item in media)
    paths = {path for item in media for path in item.renditions["webp"].values()}
    assert paths
    assert all(default_storage.exists(path) for path in paths)
    assert media[0].url(640)


def test_the_same_seed_gives_the_same_catalog_and_a_rerun_replaces_it() -> None:
    _generate(*SMALL, "--seed", "7")
    first = list(Product.objects.order_by("slug").values_list("slug", "name", "price"))

    _generate(*SMALL, "--seed", "7")

    assert list(Product.objects.order_by("slug").values_list("slug", "name", "price")) == first
    assert Product.all_objects.count() == 40
    assert Category.objects.count() == 7
    _generate(*SMALL, "--seed", "8")
    assert list(Product.objects.order_by("slug").values_list("slug", "name", "price")) != first


def test_keep_if_same_leaves_a_matching_catalog_alone() -> None:
    _generate(*SMALL)
    ids = set(Product.objects.values_list("pk", flat=True))

    output = _generate(*SMALL, "--keep-if-same")

    assert "already there" in output
    assert set(Product.objects.values_list("pk", flat=True)) == ids
    _generate("--products", "41", *SMALL[2:], "--keep-if-same")
    assert Product.objects.count() == 41


def test_it_leaves_other_vendors_products_and_categories_alone() -> None:
    from tests.catalog.factories import CategoryFactory, ProductFactory

    own = ProductFactory()
    own.categories.add(CategoryFactory(slug="mine"))

    _generate(*SMALL)
    _generate(*SMALL)

    assert Product.objects.filter(pk=own.pk).exists()
    assert Category.objects.filter(slug="mine").exists()


def test_one_variant_means_no_options_and_no_images_means_no_media() -> None:
    _generate("--products", "5", "--categories", "1", "--variants", "1", "--no-images")

    assert Variant.objects.count() == 5
    assert not OptionValue.objects.exists()
    assert not ProductMedia.objects.exists()
    assert Category.objects.count() == 1


@pytest.mark.parametrize("args", [["--products", "0"], ["--variants", "0"], ["--vendors", "0"]])
def test_nonsense_sizes_are_refused(args: list[str]) -> None:
    with pytest.raises(CommandError):
        _generate(*args)
    assert not Product.objects.exists()


def test_it_refuses_to_run_on_production_settings(settings) -> None:
    settings.SHOP_SANDBOX = False

    with pytest.raises(CommandError, match="production"):
        _generate(*SMALL)
    assert not Product.objects.exists()
