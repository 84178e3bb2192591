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
