"""Reads of product media for pages and the API: only ready rows, in gallery order.

Listing pages show one picture per product: ``ready_media_prefetch()`` loads the media of
a whole page of products in one extra query, whatever the page size.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from catalog.media.models import MediaKind, MediaStatus, ProductMedia

READY_MEDIA_ATTR = "ready_media"


def ready_media() -> QuerySet[ProductMedia]:
    """Return the ready media rows in gallery order."""
    return ProductMedia.objects.filter(status=MediaStatus.READY).order_by("position", "id")


def ready_media_prefetch(*, kind: str | None = None) -> Prefetch:
    """Return a prefetch putting each product's ready media on ``product.ready_media``."""
    rows = ready_media() if kind is None else ready_media().filter(kind=kind)
    return Prefetch("media", queryset=rows, to_attr=READY_MEDIA_ATTR)


def gallery(*, product_id: int, variant_id: int | None = None) -> list[ProductMedia]:
    """Return a product's ready gallery; with a variant, its own media first, then the shared."""
    rows = ready_media().filter(product_id=product_id)
    if variant_id is None:
        return list(rows.filter(variant__isnull=True))
    rows = list(rows.filter(Q(variant_id=variant_id) | Q(variant__isnull=True)))
    return sorted(rows, key=lambda media: media.variant_id != variant_id)  # stable: keeps order


def cover_image(product: object) -> ProductMedia | None:
    """Return the first ready image of a product loaded with ``ready_media_prefetch()``."""
    images = [
        media
        for media in getattr(product, READY_MEDIA_ATTR, [])
        if media.kind == MediaKind.IMAGE and media.variant_id is None
    ]
    return images[0] if images else None
