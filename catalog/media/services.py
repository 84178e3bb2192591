"""Use cases of the media pipeline: add a file to a product's gallery, process it.

``add_media`` runs in the request: it only makes the cheap checks (content type, byte
size, pixel count from the header, video duration), stores the original and queues
the processing once the transaction commits, so an upload never waits for a
transcoder. ``process_media`` runs on the ``media`` queue and can run any number of
times for the same row: it does nothing once the row is ready.

Errors are split by what a retry could change: a file that cannot be decoded fails for
good at once (``MediaFailed`` with the reason); storage that cannot be read or written
raises ``OSError`` so the task retries it with backoff.
"""

from __future__ import annotations

import io
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.media import processing, validation
from catalog.media.events import (
    MediaAdded,
    MediaFailed,
    MediaProcessed,
    MediaRemoved,
    MediaReordered,
    MediaRequeued,
)
from catalog.media.models import MediaKind, MediaStatus, ProductMedia
from catalog.models import Product, Variant
from shop.events import publish
from shop.exceptions import NotFoundError, ShopError

ORIGINALS_DIR = "catalog/originals"
RENDITIONS_DIR = "catalog/renditions"


class MediaProcessingError(Exception):
    """The stored file cannot be turned into renditions; retrying will not help."""


@dataclass
class Outcome:
    """What processing produced, ready to be written onto the row."""

    width: int
    height: int
    renditions: dict[str, dict[str, str]]
    poster: str = ""
    duration: float | None = None


def add_media(
    *,
    product_id: int,
    file: File,
    kind: str | None = None,
    variant_id: int | None = None,
    alt_text: str = "",
    vendor_id: int | None = None,
) -> ProductMedia:
    """Validate an uploaded image or video, store it last in the gallery, queue its processing."""
    name = Path(file.name or "upload").name
    kind, extension = check_upload(file=file, kind=kind)
    _lock_product(product_id, vendor_id, lock=False)  # refuse early, before storing anything
    # Stored before the transaction: copying a large video to object storage must not
    # hold the product's row lock. If the row is not created after all, the file goes.
    file.seek(0)
    stored = default_storage.save(
        f"{ORIGINALS_DIR}/{product_id}/{uuid.uuid4().hex}.{extension}", file
    )
    try:
        with transaction.atomic():
            product = _lock_product(product_id, vendor_id)
            media = ProductMedia.objects.create(
                product=product,
                variant=_variant_of(product, variant_id),
                kind=kind,
                original=stored,
                original_name=name[:255],
                alt_text=alt_text,
                position=_next_position(product),
            )
            publish(
                MediaAdded(media_id=media.pk, product_id=product.pk, kind=kind, original_name=name),
                subject=media,
            )
            _queue(media)
    except BaseException:
        default_storage.delete(stored)
        raise
    return media


def check_upload(*, file: File, kind: str | None = None) -> tuple[str, str]:
    """Return the upload's kind and true extension, or raise ``InvalidMediaError``."""
    name = Path(file.name or "upload").name
    kind = kind or validation.detect_kind(file, name=name)
    return kind, _validate(file, kind=kind, name=name)


def _validate(file: File, *, kind: str, name: str) -> str:
    size = getattr(file, "size", None)
    if kind == MediaKind.IMAGE:
        return validation.validate_image(file, name=name, size=size).extension
    if kind == MediaKind.VIDEO:
        return validation.validate_video(file, name=name, size=size).extension
    raise ShopError("invalid_media_kind", _("Unknown media kind."), fields={"kind": [kind]})


def _lock_product(product_id: int, vendor_id: int | None, *, lock: bool = True) -> Product:
    products = Product.objects.filter(pk=product_id)
    if lock:
        products = products.select_for_update()
    if vendor_id is not None:  # a vendor may add media to its own products only
        products = products.filter(vendor_id=vendor_id)
    product = products.first()
    if product is None:
        raise NotFoundError(_("Product not found."))
    return product


def _variant_of(product: Product, variant_id: int | None) -> Variant | None:
    if variant_id is None:
        return None
    variant = Variant.objects.filter(pk=variant_id, product=product).first()
    if variant is None:
        message = _("This variant does not belong to the product.")
        raise ShopError("invalid_variant", message, fields={"variant": [message]})
    return variant


def _next_position(product: Product) -> int:
    # The product row is locked, so two uploads cannot take the same position.
    last = ProductMedia.objects.filter(product=product).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _queue(media: ProductMedia) -> None:
    from catalog import tasks  # tasks import this module

    task = tasks.process_video if media.kind == MediaKind.VIDEO else tasks.process_image
    task.delay_on_commit(media.pk)


def retry_media(*, media_id: int, vendor_id: int | None = None) -> ProductMedia:
    """Send a failed media row back to the queue once the cause (e.g. storage) is fixed."""
    with transaction.atomic():
        media = _lock_media(media_id, vendor_id)
        if media.status != MediaStatus.FAILED:
            message = _("Only media that failed can be processed again.")
            raise ShopError("media_not_failed", message, fields={"status": [message]})
        previous_reason = media.failure_reason
        media.status, media.failure_reason = MediaStatus.PENDING, ""
        media.save(update_fields=["status", "failure_reason", "updated_at"])
        publish(
            MediaRequeued(
                media_id=media.pk, product_id=media.product_id, previous_reason=previous_reason
            ),
            subject=media,
        )
        _queue(media)
    return media


def reorder_media(
    *, product_id: int, media_ids: list[int], vendor_id: int | None = None
) -> list[ProductMedia]:
    """Put a product's gallery in the order of ``media_ids``, which must list all of it."""
    with transaction.atomic():
        product = _lock_product(product_id, vendor_id)
        gallery = {media.pk: media for media in ProductMedia.objects.filter(product=product)}
        if sorted(media_ids) != sorted(gallery):
            message = _("List every image and video of the product exactly once.")
            raise ShopError("invalid_media_order", message, fields={"media_ids": [message]})
        ordered = [gallery[media_id] for media_id in media_ids]
        for position, media in enumerate(ordered):
            media.position = position
        ProductMedia.objects.bulk_update(ordered, ["position"])
        publish(MediaReordered(product_id=product.pk, media_ids=list(media_ids)), subject=product)
    return ordered


def remove_media(*, media_id: int, vendor_id: int | None = None) -> None:
    """Delete a media row; its original and renditions are deleted once that commits."""
    with transaction.atomic():
        media = _lock_media(media_id, vendor_id)
        files = [media.original.name, media.poster, *_rendition_paths(media.renditions)]
        publish(
            MediaRemoved(
                media_id=media.pk,
                product_id=media.product_id,
                kind=media.kind,
                original_name=media.original_name,
            ),
            subject=media.product,
        )
        media.delete()
        # After commit: a rolled-back removal must not lose the files of a row that stays.
        transaction.on_commit(lambda: _delete_files(files))


def _lock_media(media_id: int, vendor_id: int | None) -> ProductMedia:
    rows = ProductMedia.objects.select_for_update().filter(pk=media_id)
    if vendor_id is not None:
        rows = rows.filter(product__vendor_id=vendor_id)
    media = rows.first()
    if media is None:
        raise NotFoundError(_("Media not found."))
    return media


def _rendition_paths(renditions: dict[str, dict[str, str]]) -> list[str]:
    return [path for by_width in renditions.values() for path in by_width.values()]


def _delete_files(paths: list[str]) -> None:
    for path in filter(None, paths):
        default_storage.delete(path)


def requeue_stuck_media(*, older_than: timedelta, max_attempts: int) -> list[int]:
    """Send again the media whose task was lost; fail those tried ``max_attempts`` times.

    A row still pending or processing long after its last change lost its task (broker
    flushed, worker killed twice): processing is idempotent, so sending it again is safe.
    """
    stuck = ProductMedia.objects.filter(
        status__in=[MediaStatus.PENDING, MediaStatus.PROCESSING],
        updated_at__lt=timezone.now() - older_than,
    ).order_by("pk")
    requeued = []
    for media in stuck:
        if media.attempts >= max_attempts:
            reason = _("Processing did not finish after %(attempts)s attempts.") % {
                "attempts": media.attempts
            }
            fail_media(media_id=media.pk, reason=reason)
            continue
        ProductMedia.objects.filter(pk=media.pk).update(updated_at=timezone.now())
        _queue(media)
        requeued.append(media.pk)
    return requeued


def process_media(*, media_id: int) -> ProductMedia:
    """Create the renditions of one media row; mark it ready, or failed with the reason."""
    media = _start(media_id)
    if media.status == MediaStatus.READY:
        return media
    try:
        outcome = _render(media)
    except MediaProcessingError as exc:
        return fail_media(media_id=media_id, reason=str(exc))
    return _finish(media_id, outcome)


def _start(media_id: int) -> ProductMedia:
    with transaction.atomic():
        media = ProductMedia.objects.select_for_update().get(pk=media_id)
        if media.status != MediaStatus.READY:
            media.status = MediaStatus.PROCESSING
            media.attempts += 1
            media.save(update_fields=["status", "attempts", "updated_at"])
    return media


def _finish(media_id: int, outcome: Outcome) -> ProductMedia:
    with transaction.atomic():
        media = ProductMedia.objects.select_for_update().get(pk=media_id)
        if media.status == MediaStatus.READY:
            return media  # another run of the same task finished first
        media.status = MediaStatus.READY
        media.failure_reason = ""
        media.width, media.height = outcome.width, outcome.height
        media.renditions = outcome.renditions
        media.poster = outcome.poster
        media.duration = outcome.duration
        media.processed_at = timezone.now()
        media.save()
        publish(
            MediaProcessed(
                media_id=media.pk,
                product_id=media.product_id,
                kind=media.kind,
                attempts=media.attempts,
            ),
            subject=media,
        )
    return media


def fail_media(*, media_id: int, reason: str) -> ProductMedia:
    """Mark a media row failed for good with a reason the merchant can read."""
    with transaction.atomic():
        media = ProductMedia.objects.select_for_update().get(pk=media_id)
        if media.status == MediaStatus.READY:
            return media
        media.status = MediaStatus.FAILED
        media.failure_reason = reason
        media.save(update_fields=["status", "failure_reason", "updated_at"])
        publish(
            MediaFailed(
                media_id=media.pk,
                product_id=media.product_id,
                kind=media.kind,
                attempts=media.attempts,
                reason=reason,
            ),
            subject=media,
        )
    return media


def _render(media: ProductMedia) -> Outcome:
    if media.kind == MediaKind.VIDEO:
        return _render_video(media)
    return _render_image(media)


def _render_image(media: ProductMedia) -> Outcome:
    return render_image(
        original=media.original.name, name=media.original_name, directory=_directory(media)
    )


def render_image(*, original: str, name: str, directory: str) -> Outcome:
    """Validate the image stored at ``original`` and write its renditions under ``directory``.

    The one way to process an uploaded image, for the gallery and for images that are
    not a product's (review photos), so every image gets the same checks and renditions.
    Raises ``MediaProcessingError`` for a bad file, ``OSError`` when storage fails.
    """
    with default_storage.open(original, "rb") as stored:  # OSError here: storage, worth a retry
        source = io.BytesIO(stored.read())
    try:
        validation.validate_image(source, name=name)
        result = processing.make_image_renditions(source)
    except validation.InvalidMediaError as exc:
        raise MediaProcessingError(exc.message) from exc
    except Exception as exc:  # any decoder error: the file itself is bad
        raise MediaProcessingError(_cannot_process(name, exc)) from exc
    renditions: dict[str, dict[str, str]] = {}
    for item in result.renditions:
        extension = "jpg" if item.format == "jpeg" else item.format
        path = _store(directory, f"{item.width}.{extension}", item.data)
        renditions.setdefault(item.format, {})[str(item.width)] = path
    return Outcome(width=result.width, height=result.height, renditions=renditions)


def _render_video(media: ProductMedia) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="media-") as workdir:
        source, destination = Path(workdir) / "source", Path(workdir) / "video.mp4"
        with media.original.open("rb") as stored, source.open("wb") as local:
            for chunk in stored.chunks():
                local.write(chunk)
        try:
            with source.open("rb") as local:
                validation.validate_video(local, name=media.original_name)
            result = processing.transcode_video(source, destination)
        except validation.InvalidMediaError as exc:
            raise MediaProcessingError(exc.message) from exc
        except Exception as exc:  # any decoder or encoder error: the file itself is bad
            raise MediaProcessingError(_cannot_process(media.original_name, exc)) from exc
        with destination.open("rb") as video:
            video_path = _store(_directory(media), "video.mp4", video)
    poster = _store(_directory(media), "poster.jpg", result.poster.data)
    return Outcome(
        width=result.width,
        height=result.height,
        renditions={"mp4": {str(result.width): video_path}},
        poster=poster,
        duration=result.duration,
    )


def _cannot_process(name: str, exc: Exception) -> str:
    return _('"%(name)s" could not be processed: %(error)s') % {
        "name": name,
        "error": str(exc) or type(exc).__name__,
    }


def _directory(media: ProductMedia) -> str:
    return f"{RENDITIONS_DIR}/{media.pk}"


def _store(directory: str, filename: str, content: bytes | Any) -> str:
    """Write one output at a fixed path, replacing what an earlier attempt left there."""
    path = f"{directory}/{filename}"
    if default_storage.exists(path):
        default_storage.delete(path)
    data = ContentFile(content) if isinstance(content, bytes) else File(content)
    return default_storage.save(path, data)
