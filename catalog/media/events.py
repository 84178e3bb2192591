"""Events of the media pipeline: a file was added, processed, or could not be processed.

Named ``catalog.MediaAdded`` and so on, like the rest of the catalog's events.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class MediaAdded(Event):
    """An image or video was uploaded to a product's gallery and queued for processing."""

    subject_model = "catalog.ProductMedia"
    subject_field = "media_id"

    media_id: int
    product_id: int
    kind: str
    original_name: str


@dataclass(frozen=True, kw_only=True)
class MediaProcessed(Event):
    """A media row's renditions (or transcoded video and poster) are ready to be shown."""

    subject_model = "catalog.ProductMedia"
    subject_field = "media_id"

    media_id: int
    product_id: int
    kind: str
    attempts: int


@dataclass(frozen=True, kw_only=True)
class MediaFailed(Event):
    """A media row could not be processed; ``reason`` is shown to the merchant."""

    subject_model = "catalog.ProductMedia"
    subject_field = "media_id"

    media_id: int
    product_id: int
    kind: str
    attempts: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class MediaRequeued(Event):
    """A failed media row was sent back to the queue for another try."""

    subject_model = "catalog.ProductMedia"
    subject_field = "media_id"

    media_id: int
    product_id: int
    previous_reason: str


@dataclass(frozen=True, kw_only=True)
class MediaReordered(Event):
    """A product's gallery got a new order; ``media_ids`` lists it first to last."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    media_ids: list[int]


@dataclass(frozen=True, kw_only=True)
class MediaRemoved(Event):
    """An image or video was removed from a product's gallery, with its files."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    media_id: int
    product_id: int
    kind: str
    original_name: str
