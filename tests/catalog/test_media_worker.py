"""The media pipeline through the real path: commit -> Redis -> Celery worker on the media queue."""

from __future__ import annotations

import time
from decimal import Decimal

import av
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from catalog import tasks
from catalog.media import services
from catalog.media.models import ProductMedia
from catalog.models import Product
from tests.catalog import media_files
from tests.vendors.factories import VendorFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def settled(media_id: int, seconds: float = 60.0) -> ProductMedia:
    """Wait until the worker moved the row to ready or failed; return it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        media = ProductMedia.objects.get(pk=media_id)
        if media.status in {"ready", "failed"}:
            return media
        time.sleep(0.2)
    return media


@pytest.fixture
def product() -> Product:
    return Product.objects.create(
        vendor=VendorFactory(), name="머그컵", slug="mug", price=Decimal(12000)
    )


def test_an_image_and_a_video_reach_ready_with_their_renditions(celery_worker, product, tmp_path):
    clip = media_files.make_video(tmp_path / "clip.mp4", seconds=2)  # 1080p with sound
    image = services.add_media(
        product_id=product.pk,
        file=ContentFile(media_files.image_bytes(2000, 1500), name="front.jpg"),
    )
    video = services.add_media(
        product_id=product.pk, file=ContentFile(clip.read_bytes(), name="spin.mov")
    )

    image, video = settled(image.pk), settled(video.pk)

    assert (image.status, image.failure_reason) == ("ready", "")
    assert sorted(image.renditions["webp"], key=int) == ["320", "640", "1024", "1600"]
    with (
        default_storage.open(image.renditions["jpeg"]["1600"]) as stored,
        Image.open(stored) as out,
    ):
        assert (out.format, out.size) == ("JPEG", (1600, 1200))
    assert (video.status, video.failure_reason) == ("ready", "")
    assert (video.width, video.height) == (1280, 720)
    assert video.duration == pytest.approx(2.0, abs=0.1)
    with av.open(default_storage.path(video.renditions["mp4"]["1280"])) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.video[0].height == 720
    with default_storage.open(video.poster) as stored, Image.open(stored) as poster:
        assert poster.size == (1280, 720)


def test_a_broken_file_reaches_failed_with_a_reason(celery_worker, product):
    media = ProductMedia(product=product, kind="image", original_name="half.jpg")
    media.original.save("half.jpg", ContentFile(media_files.truncated_jpeg()), save=False)
    media.save()

    tasks.process_image.delay(media.pk)
    media = settled(media.pk)

    assert media.status == "failed"
    assert media.attempts == 1
    assert '"half.jpg"' in media.failure_reason  # the reason names the file, in any language
