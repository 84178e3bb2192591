"""Pages read only ready media, in gallery order, in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.media import selectors
from catalog.media.models import ProductMedia
from catalog.models import Product, Variant
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


def make_product(slug: str) -> Product:
    return Product.objects.create(vendor=VendorFactory(), name=slug, slug=slug, price=Decimal(1))


def media(product, position, *, status="ready", kind="image", variant=None) -> ProductMedia:
    return ProductMedia.objects.create(
        product=product,
        variant=variant,
        kind=kind,
        status=status,
        position=position,
        original=f"catalog/originals/{product.pk}-{position}.jpg",
        renditions={"webp": {"320": f"catalog/renditions/{product.pk}-{position}/320.webp"}},
    )


def test_the_gallery_shows_ready_media_in_order_and_variant_media_first():
    product = make_product("mug")
    red = Variant.objects.create(product=product, option_key="1", label="빨강")
    blue = Variant.objects.create(product=product, option_key="2", label="파랑")
    second, first = media(product, 1), media(product, 0)
    media(product, 2, status="failed")
    media(product, 3, status="pending")
    red_photo = media(product, 4, variant=red)
    media(product, 5, variant=blue)

    assert selectors.gallery(product_id=product.pk) == [first, second]
    assert selectors.gallery(product_id=product.pk, variant_id=red.pk) == [red_photo, first, second]


def test_a_page_of_products_gets_its_cover_images_in_one_extra_query(django_assert_num_queries):
    products = [make_product(f"p{n}") for n in range(5)]
    for product in products:
        media(product, 1)
        media(product, 0, kind="video")
    covers = {product.pk: media(product, 2) for product in products[:4]}
    ProductMedia.objects.filter(product=products[4], kind="image").update(status="failed")

    with django_assert_num_queries(2):
        page = list(
            Product.objects.filter(pk__in=[p.pk for p in products]).prefetch_related(
                selectors.ready_media_prefetch()
            )
        )
        found = {product.pk: selectors.cover_image(product) for product in page}

    assert found[products[4].pk] is None
    for product in products[:4]:
        assert found[product.pk].position == 1  # the first ready image, not the video
        assert found[product.pk] != covers[product.pk]
