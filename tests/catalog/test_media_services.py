"""add_media validates and stores without processing; process_media fills in renditions once."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from PIL import Image

from catalog import tasks
from catalog.media import services
from catalog.media.models import ProductMedia
from catalog.media.validation import InvalidMediaError
from catalog.models import Product, Variant
from shop.exceptions import NotFoundError, ShopError
from shop.models import AuditEvent
from tests.catalog import media_files
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source text; the shop's default is Korean.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_product(**fields) -> Product:
    fields.setdefault("vendor", VendorFactory())
    count = Product.all_objects.count()
    return Product.objects.create(
        name=f"상품{count}", slug=f"product-{count}", price=Decimal(10000), **fields
    )


def upload(data: bytes, name: str = "photo.jpg") -> ContentFile:
    return ContentFile(data, name=name)


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_an_upload_is_stored_pending_and_queued_after_commit_without_processing(
    django_capture_on_commit_callbacks, media_root
):
    product = make_product()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        media = services.add_media(
            product_id=product.pk,
            file=upload(media_files.image_bytes(800, 600, "PNG"), "photo.jpg"),
            alt_text="앞면",
        )

    # The processing task is sent only once the row is committed (after the event's delivery).
    assert [getattr(callback, "args", None) for callback in callbacks][-1] == (media.pk,)
    assert "process_image" in repr(callbacks[-1])
    media.refresh_from_db()
    assert (media.kind, media.status, media.attempts) == ("image", "pending", 0)
    assert (media.original_name, media.alt_text, media.renditions) == ("photo.jpg", "앞면", {})
    # The extension comes from the content (PNG), not from the name the client sent.
    assert media.original.name.startswith(f"catalog/originals/{product.pk}/")
    assert media.original.name.endswith(".png")
    assert stored_files(media_root) == [media.original.name]
    assert AuditEvent.objects.filter(
        event_type="catalog.MediaAdded", subject_id=str(media.pk)
    ).exists()


def test_uploads_are_appended_to_the_gallery_in_order(django_capture_on_commit_callbacks):
    product = make_product()
    data = media_files.image_bytes(100, 100)

    with django_capture_on_commit_callbacks(execute=False):
        first = services.add_media(product_id=product.pk, file=upload(data))
        second = services.add_media(product_id=product.pk, file=upload(data))

    assert (first.position, second.position) == (0, 1)
    assert list(product.media.all()) == [first, second]


def test_the_kind_is_detected_from_the_content(django_capture_on_commit_callbacks, tmp_path):
    product = make_product()
    clip = media_files.make_video(tmp_path / "clip.mov", width=160, height=120, seconds=1)

    with django_capture_on_commit_callbacks(execute=False):
        media = services.add_media(product_id=product.pk, file=upload(clip.read_bytes(), "x.jpg"))

    assert media.kind == "video"
    assert media.original.name.endswith(".mp4")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (media_files.HTML_PRETENDING_TO_BE_PNG, "cat.png", '"cat.png" is neither'),
        (media_files.SVG, "logo.svg", '"logo.svg" is neither'),
        (media_files.png_bomb(), "bomb.png", '"bomb.png" has too many pixels'),
        (media_files.truncated_jpeg(), "half.jpg", '"half.jpg" is damaged'),
    ],
)
def test_a_bad_upload_is_refused_and_leaves_the_gallery_untouched(
    data, name, message, media_root, django_capture_on_commit_callbacks
):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=False):
        kept = services.add_media(product_id=product.pk, file=upload(media_files.image_bytes()))

    with pytest.raises(InvalidMediaError, match=message):
        services.add_media(product_id=product.pk, file=upload(data, name))

    assert list(ProductMedia.objects.all()) == [kept]
    assert stored_files(media_root) == [kept.original.name]


def test_a_video_sent_as_an_image_is_refused():
    product = make_product()

    with pytest.raises(InvalidMediaError, match=r'"a\.gif" is not a JPEG'):
        services.add_media(
            product_id=product.pk, file=upload(b"GIF89a-broken", "a.gif"), kind="image"
        )


def test_a_vendor_cannot_add_media_to_another_vendors_product():
    product = make_product()

    with pytest.raises(NotFoundError):
        services.add_media(
            product_id=product.pk,
            file=upload(media_files.image_bytes(100, 100)),
            vendor_id=VendorFactory().pk,
        )
    assert not ProductMedia.objects.exists()


def test_media_may_belong_to_a_variant_of_its_own_product_only(
    django_capture_on_commit_callbacks, media_root
):
    product, other = make_product(), make_product()
    variant = Variant.objects.create(product=product, option_key="1", label="빨강")
    foreign = Variant.objects.create(product=other, option_key="2", label="파랑")
    data = media_files.image_bytes(100, 100)

    with django_capture_on_commit_callbacks(execute=False):
        media = services.add_media(product_id=product.pk, file=upload(data), variant_id=variant.pk)
    with pytest.raises(ShopError) as error:
        services.add_media(product_id=product.pk, file=upload(data), variant_id=foreign.pk)

    assert media.variant == variant
    assert error.value.fields == {"variant": [error.value.message]}
    assert stored_files(media_root) == [media.original.name]  # the refused file was removed


def test_processing_makes_every_rendition_and_marks_the_row_ready(
    django_capture_on_commit_callbacks,
):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):  # eager: the task runs right here
        media = services.add_media(
            product_id=product.pk, file=upload(media_files.image_bytes(1200, 900))
        )

    media.refresh_from_db()
    assert (media.status, media.attempts, media.failure_reason) == ("ready", 1, "")
    assert (media.width, media.height) == (1200, 900)
    assert sorted(media.renditions["webp"]) == ["1024", "320", "640"]
    assert list(media.renditions["jpeg"]) == ["1024"]
    with (
        default_storage.open(media.renditions["webp"]["640"]) as stored,
        Image.open(stored) as image,
    ):
        assert (image.format, image.size) == ("WEBP", (640, 480))
    assert AuditEvent.objects.filter(event_type="catalog.MediaProcessed").count() == 1


def test_processing_a_ready_row_again_changes_nothing(django_capture_on_commit_callbacks):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):
        media = services.add_media(product_id=product.pk, file=upload(media_files.image_bytes()))

    again = services.process_media(media_id=media.pk)

    assert (again.status, again.attempts) == ("ready", 1)
    assert AuditEvent.objects.filter(event_type="catalog.MediaProcessed").count() == 1


def broken_row(product: Product, data: bytes, name: str = "broken.jpg") -> ProductMedia:
    media = ProductMedia(product=product, kind="image", original_name=name)
    media.original.save(name, ContentFile(data), save=False)
    media.save()
    return media


def test_a_file_that_cannot_be_decoded_fails_for_good_with_the_reason_and_an_alert(caplog):
    media = broken_row(make_product(), media_files.truncated_jpeg(), "half.jpg")

    with caplog.at_level(logging.ERROR, logger="shop.alerts.task_failures"):
        tasks.process_image.apply(args=[media.pk])

    media.refresh_from_db()
    assert (media.status, media.attempts) == ("failed", 1)  # no retry: it cannot get better
    assert '"half.jpg" is damaged or incomplete' in media.failure_reason
    event = AuditEvent.objects.get(event_type="catalog.MediaFailed")
    assert event.payload["reason"] == media.failure_reason
    assert any("half.jpg" in record.getMessage() for record in caplog.records)


def test_a_missing_original_is_a_storage_error_that_ends_failed_when_out_of_retries():
    media = broken_row(make_product(), media_files.image_bytes(100, 100))
    default_storage.delete(media.original.name)

    tasks.process_image.apply(args=[media.pk])  # in-process: no retries to wait for

    media.refresh_from_db()
    assert media.status == "failed"
    assert media.failure_reason.startswith("Processing failed after 1 attempts:")


@pytest.mark.parametrize("task", [tasks.process_image, tasks.process_video])
def test_media_tasks_run_on_the_media_queue(task):
    from shop.celery import app

    assert task.name.startswith("catalog.tasks.process_")
    assert app.amqp.router.route({}, task.name)["queue"].name == "media"


def test_a_ready_image_gives_its_urls_and_srcset_narrowest_first(
    django_capture_on_commit_callbacks,
):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):
        media = services.add_media(
            product_id=product.pk, file=upload(media_files.image_bytes(800, 600))
        )
    media.refresh_from_db()
    base = f"/media/catalog/renditions/{media.pk}"

    assert media.image_urls() == {320: f"{base}/320.webp", 640: f"{base}/640.webp"}
    assert media.srcset() == f"{base}/320.webp 320w, {base}/640.webp 640w"
    assert media.url(max_width=500) == f"{base}/320.webp"
    assert media.url(max_width=100) == f"{base}/320.webp"  # none fits: the smallest
    assert media.url(fmt="jpeg") == f"{base}/640.jpg"
    assert (media.video_url, media.poster_url) == ("", "")


def test_a_media_row_that_is_not_ready_has_no_urls():
    media = broken_row(make_product(), media_files.image_bytes(100, 100))

    assert (media.url(), media.srcset(), media.image_urls()) == ("", "", {})


def test_a_failed_row_can_be_sent_back_to_the_queue_and_then_succeeds(
    django_capture_on_commit_callbacks,
):
    media = broken_row(make_product(), media_files.image_bytes(300, 200))
    services.fail_media(media_id=media.pk, reason="storage was down")

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_media(media_id=media.pk)

    media.refresh_from_db()
    assert (media.status, media.failure_reason) == ("ready", "")
    event = AuditEvent.objects.get(event_type="catalog.MediaRequeued")
    assert event.payload["previous_reason"] == "storage was down"


def test_only_a_failed_row_can_be_retried():
    media = broken_row(make_product(), media_files.image_bytes(100, 100))

    with pytest.raises(ShopError, match="Only media that failed"):
        services.retry_media(media_id=media.pk)


def test_another_vendor_cannot_retry_reorder_or_remove_media():
    media = broken_row(make_product(), media_files.image_bytes(100, 100))
    stranger = VendorFactory().pk

    with pytest.raises(NotFoundError):
        services.retry_media(media_id=media.pk, vendor_id=stranger)
    with pytest.raises(NotFoundError):
        services.reorder_media(
            product_id=media.product_id, media_ids=[media.pk], vendor_id=stranger
        )
    with pytest.raises(NotFoundError):
        services.remove_media(media_id=media.pk, vendor_id=stranger)
    assert ProductMedia.objects.filter(pk=media.pk).exists()


def test_the_gallery_is_reordered_only_with_a_complete_list():
    product = make_product()
    first, second, third = (
        broken_row(product, media_files.image_bytes(50, 50), f"{n}.jpg") for n in range(3)
    )
    for position, media in enumerate([first, second, third]):
        ProductMedia.objects.filter(pk=media.pk).update(position=position)

    services.reorder_media(product_id=product.pk, media_ids=[third.pk, first.pk, second.pk])
    with pytest.raises(ShopError) as error:
        services.reorder_media(product_id=product.pk, media_ids=[first.pk, second.pk])

    assert list(product.media.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    assert "media_ids" in error.value.fields


def test_removing_media_deletes_its_files_after_commit(
    django_capture_on_commit_callbacks, media_root
):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):
        media = services.add_media(
            product_id=product.pk, file=upload(media_files.image_bytes(700, 500))
        )
    assert len(stored_files(media_root)) == 4  # original, 320 and 640 WebP, 640 JPEG

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_media(media_id=media.pk)

    assert not ProductMedia.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.filter(event_type="catalog.MediaRemoved").count() == 1


def test_processing_a_removed_row_is_a_quiet_no_op(caplog):
    media = broken_row(make_product(), media_files.image_bytes(100, 100))
    services.remove_media(media_id=media.pk)

    with caplog.at_level(logging.ERROR, logger="shop.alerts.task_failures"):
        result = tasks.process_image.apply(args=[media.pk])

    assert result.successful()
    assert caplog.records == []


def test_media_whose_task_was_lost_is_sent_again_and_given_up_after_the_attempts(
    django_capture_on_commit_callbacks,
):
    product = make_product()
    lost = broken_row(product, media_files.image_bytes(300, 200), "lost.jpg")
    tired = broken_row(product, media_files.image_bytes(300, 200), "tired.jpg")
    broken_row(
        product, media_files.image_bytes(300, 200), "recent.jpg"
    )  # its task may be on its way
    long_ago = timezone.now() - timedelta(hours=1)
    ProductMedia.objects.filter(pk=lost.pk).update(updated_at=long_ago)
    ProductMedia.objects.filter(pk=tired.pk).update(
        status="processing", attempts=6, updated_at=long_ago
    )

    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.requeue_stuck_media.apply().get()

    assert count == 1
    statuses = dict(ProductMedia.objects.values_list("original_name", "status"))
    assert statuses == {"lost.jpg": "ready", "tired.jpg": "failed", "recent.jpg": "pending"}
    tired.refresh_from_db()
    assert tired.failure_reason == "Processing did not finish after 6 attempts."


def test_the_beat_schedule_sends_stuck_media_again_every_ten_minutes(settings):
    from shop.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stuck-media"]

    assert entry["task"] in app.tasks
    assert entry["schedule"] == 600
