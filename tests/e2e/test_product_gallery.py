"""The product page's gallery follows the shopper's choice: a variant's own photo shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalog.media.models import MediaKind, MediaStatus
from catalog.services.options import generate_variants
from tests.catalog.factories import (
    OptionGroupFactory,
    OptionValueFactory,
    ProductFactory,
    ProductMediaFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def ready_image(product, name: str, *, variant=None, position: int = 0):
    """A processed image row; its rendition paths are names only (no file is served)."""
    return ProductMediaFactory(
        product=product,
        variant=variant,
        kind=MediaKind.IMAGE,
        status=MediaStatus.READY,
        position=position,
        width=1024,
        height=1024,
        alt_text=name,
        renditions={
            "webp": {
                "320": f"catalog/renditions/{name}/320.webp",
                "1024": f"catalog/renditions/{name}/1024.webp",
            },
            "jpeg": {"1024": f"catalog/renditions/{name}/1024.jpg"},
        },
    )


def test_picking_a_variant_shows_the_photo_tied_to_it(page, live_server, screenshot, page_errors):
    product = ProductFactory(name="컬러 머그컵", slug="color-mug")
    group = OptionGroupFactory(product=product, name="색상")
    for index, value in enumerate(("블랙", "화이트")):
        OptionValueFactory(group=group, value=value, position=index)
    generate_variants(product_id=product.pk, stock=5)
    white = product.variants.get(label="화이트")
    ready_image(product, "cover", position=0)
    ready_image(product, "white", variant=white, position=1)

    page.goto(f"/p/{product.pk}/{product.slug}/")
    # The browser picks from the <picture>'s WebP source; the <img> is the fallback.
    shown = page.locator(".gallery__main source")
    expect(shown).to_have_attribute("srcset", re.compile(r"/cover/1024\.webp"))

    page.locator(".option-select").select_option(label="화이트")
    expect(shown).to_have_attribute("srcset", re.compile(r"/white/1024\.webp"))
    expect(page.locator("#gallery-main")).to_have_attribute("src", re.compile("/white/"))
    screenshot(page, "white-photo")

    page.locator(".option-select").select_option(label="블랙")  # no photo of its own: stays
    expect(shown).to_have_attribute("srcset", re.compile(r"/white/1024\.webp"))
    assert page_errors == []
