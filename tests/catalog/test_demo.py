"""The catalog's demo data: real photos and a clip through the media pipeline, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from catalog import demo
from catalog.media.models import MediaKind, MediaStatus, ProductMedia
from catalog.models import AddOn, Category, Product, TextOption, Variant
from catalog.services import check_notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _run_demo(capture) -> str:
    out = StringIO()
    # The media tasks are queued on commit; run them (eagerly) as `make run` does.
    with capture(execute=True):
        call_command("demo", stdout=out)
    return out.getvalue()


def _load_in_dependency_order() -> None:
    """Load vendors, then shipping, then the catalog, so policies exist for the products."""
    from shipping import demo as shipping_demo
    from vendors import demo as vendors_demo

    for module in (vendors_demo, shipping_demo, demo):
        module.load(StringIO())


def _snapshot() -> dict[str, object]:
    return {
        "categories": sorted(Category.objects.values_list("slug", "parent__slug")),
        "products": sorted(
            Product.all_objects.values_list("vendor__slug", "slug", "price", "status")
        ),
        "variants": sorted(Variant.objects.values_list("sku", "extra_price", "stock")),
        "addons": AddOn.objects.count(),
        "text_options": TextOption.objects.count(),
        "media": sorted(ProductMedia.objects.values_list("product__slug", "kind", "status")),
    }


def test_every_demo_file_is_small_real_media_with_a_licence() -> None:
    files = [path for path in demo.MEDIA_DIR.iterdir() if path.suffix in {".jpg", ".mp4"}]
    named = {filename for spec in demo.DEMO_PRODUCTS for filename, _alt in spec.media}
    licences = (demo.MEDIA_DIR / "LICENSES.md").read_text()

    assert named == {path.name for path in files}
    assert all(f"`{path.name}`" in licences for path in files)
    assert sum(path.stat().st_size for path in files) < 2 * 1024 * 1024
    assert (demo.MEDIA_DIR / "hubble-pan.mp4").stat().st_size < 500 * 1024
    for path in files:
        if path.suffix == ".jpg":
            with Image.open(path) as image:
                assert image.format == "JPEG"
                assert min(image.size) >= 300


def test_demo_loads_products_with_ready_images_and_one_ready_video(
    django_capture_on_commit_callbacks,
) -> None:
    output = _run_demo(django_capture_on_commit_callbacks)

    assert "catalog: 9 categories, 5 products created, 6 media files queued" in output
    products = list(Product.objects.on_sale().prefetch_related("media", "categories"))
    assert len(products) == len(demo.DEMO_PRODUCTS)
    assert len({product.vendor_id for product in products}) == 4
    for product in products:
        images = [media for media in product.media.all() if media.kind == MediaKind.IMAGE]
        assert images, product.name
        for image in images:
            assert image.status == MediaStatus.READY, image.failure_reason
            assert image.url(640)
            assert all(default_storage.exists(path) for path in image.renditions["webp"].values())
        assert product.categories.all()
        check_notice(product.notice_type, product.notice)  # raises if an item is missing
    video = ProductMedia.objects.get(kind=MediaKind.VIDEO)
    assert video.status == MediaStatus.READY, video.failure_reason
    assert video.video_url
    assert video.poster_url
    assert 3 <= video.duration <= 5
    assert default_storage.exists(video.renditions["mp4"][str(video.width)])


def test_demo_products_have_korean_options_priced_variants_and_one_sold_out(
    django_capture_on_commit_callbacks,
) -> None:
    _run_demo(django_capture_on_commit_callbacks)
    tee = Product.objects.get(slug="astronaut-graphic-tee")

    assert [group.name for group in tee.option_groups.all()] == ["색상", "사이즈"]
    variants = {variant.label: variant for variant in tee.variants.all()}
    assert len(variants) == 3 * 4
    assert variants["블랙 / XL"].extra_price == 2000
    assert variants["블랙 / M"].extra_price == 0
    assert variants["네이비 / XL"].stock == 0
    assert not variants["네이비 / XL"].in_stock
    assert [label for label, variant in variants.items() if not variant.in_stock] == ["네이비 / XL"]
    poster = Product.objects.get(slug="falcon9-launch-poster")
    a1_wood = poster.variants.get(label="A1 / 원목")
    assert a1_wood.extra_price == 18000 + 19000
    assert poster.text_options.get().max_length == 20
    assert AddOn.objects.filter(product__vendor__slug="jeju-farm").count() == 2
    parents = dict(Category.objects.values_list("slug", "parent__slug"))
    assert parents["food-coffee"] == "food"
    assert parents["food"] is None


def test_running_the_demo_twice_changes_nothing(django_capture_on_commit_callbacks) -> None:
    _run_demo(django_capture_on_commit_callbacks)
    first = _snapshot()

    output = _run_demo(django_capture_on_commit_callbacks)

    assert "0 products created, 0 media files queued" in output
    assert _snapshot() == first
    assert first["media"].count(("hubble-deep-field-puzzle", "video", "ready")) == 1


def test_products_get_their_vendors_default_shipping_policy() -> None:
    _load_in_dependency_order()

    for product in Product.objects.select_related("shipping_policy"):
        assert product.shipping_policy is not None, product.name
        assert product.shipping_policy.vendor_id == product.vendor_id
        assert product.shipping_policy.is_default


def test_the_demo_never_changes_an_existing_products_policy() -> None:
    from shipping import demo as shipping_demo
    from vendors import demo as vendors_demo

    vendors_demo.load(StringIO())
    demo.load(StringIO())  # before the shipping demo: no policy to take yet
    shipping_demo.load(StringIO())

    demo.load(StringIO())

    # Running again must not write (no audit events on the second `make run`).
    assert not Product.objects.filter(shipping_policy__isnull=False).exists()


def test_a_policy_the_merchant_chose_is_kept() -> None:
    _load_in_dependency_order()
    product = Product.objects.get(slug="jeju-blend-coffee-beans")
    other = Product._meta.get_field("shipping_policy").related_model.objects.get(
        vendor=product.vendor, is_default=False
    )
    Product.objects.filter(pk=product.pk).update(shipping_policy=other)

    demo.load(StringIO())

    product.refresh_from_db()
    assert product.shipping_policy_id == other.pk
