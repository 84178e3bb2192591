"""Hostile uploads: risky decoders (FILE-02), names (FILE-01), leftovers (FILE-04), GPS (FILE-05).

Pillow picks a decoder by the file's first bytes. FITS, EPS, PSD and the like have had
exploitable parser bugs (GHSA-whj4-6x5x-4v2j), so an upload must never reach them: only
the JPEG, PNG, WebP and GIF decoders may open it. The tests spy on the FITS and EPS
plugins (the real ones, unchanged) to prove their parsers never ran, which the refusal
message alone cannot show.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import EpsImagePlugin, FitsImagePlugin, Image

from catalog.media import processing
from catalog.media import services as media_services
from catalog.media.models import ProductMedia
from catalog.media.validation import InvalidMediaError, detect_kind, validate_image
from tests.catalog import media_files
from tests.catalog.factories import ProductFactory
from tests.vendors.factories import MembershipFactory
from tests.vendors.scoping import changeform_post_data

FITS = (
    b"SIMPLE  =                    T".ljust(80)
    + b"BITPIX  =                    8".ljust(80)
    + b"NAXIS   =                    2".ljust(80)
    + b"NAXIS1  =                   10".ljust(80)
    + b"NAXIS2  =                   10".ljust(80)
    + b"END".ljust(80)
).ljust(2880) + bytes(100)
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"


@pytest.fixture
def parsers_run(monkeypatch) -> list[str]:
    """Record every time the FITS or EPS parser starts on a file."""
    runs: list[str] = []
    for name, plugin in (
        ("FITS", FitsImagePlugin.FitsImageFile),
        ("EPS", EpsImagePlugin.EpsImageFile),
    ):
        original = plugin._open

        def spy(self, original=original, name=name):
            runs.append(name)
            return original(self)

        monkeypatch.setattr(plugin, "_open", spy)
    return runs


def test_the_spy_sees_pillow_parse_a_fits_file_when_nothing_restricts_it(parsers_run):
    with Image.open(io.BytesIO(FITS)) as image:  # the control: Pillow's default opens it
        assert image.format == "FITS"
    assert parsers_run == ["FITS"]


@pytest.mark.parametrize(("payload", "name"), [(FITS, "star.fits.png"), (EPS, "logo.eps.jpg")])
def test_an_upload_never_reaches_a_decoder_we_do_not_accept(parsers_run, payload, name):
    with translation.override("en"), pytest.raises(InvalidMediaError, match="is not a JPEG"):
        validate_image(io.BytesIO(payload), name=name)

    assert parsers_run == []


@pytest.mark.parametrize("payload", [FITS, EPS])
def test_kind_detection_and_processing_never_parse_them_either(parsers_run, payload):
    with translation.override("en"), pytest.raises(InvalidMediaError):
        detect_kind(io.BytesIO(payload), name="upload.bin")
    with pytest.raises(Image.UnidentifiedImageError):
        processing.make_image_renditions(io.BytesIO(payload))

    assert parsers_run == []


# --- FILE-04: a refused upload leaves nothing behind -------------------------------------------


@pytest.mark.django_db
def test_a_refused_upload_leaves_no_temporary_or_stored_file_and_names_no_path(settings, tmp_path):
    upload_dir, media_dir = tmp_path / "uploads", tmp_path / "media"
    upload_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_dir)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every upload goes through a temporary file
    settings.MEDIA_ROOT = media_dir
    membership = MembershipFactory()
    product = ProductFactory(vendor=membership.vendor)
    client = Client(headers={"accept-language": "en"})
    client.force_login(membership.user)
    url = reverse("sellercenter:catalog_product_change", args=[product.pk])
    data = changeform_post_data(client.get(url))
    fake = media_files.HTML_PRETENDING_TO_BE_PNG + b" " * 4096  # larger than the memory limit
    data["media-0-original"] = SimpleUploadedFile("cat.png", fake)

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, with the error
    page = html.unescape(response.content.decode())
    assert '"cat.png" is neither' in page  # the name the seller gave, and why
    assert str(tmp_path) not in page  # no server path, temporary or stored
    assert not ProductMedia.objects.exists()
    assert list(upload_dir.iterdir()) == []
    assert not media_dir.exists() or not any(path.is_file() for path in media_dir.rglob("*"))


# --- FILE-01 / FILE-05: stored names and photo metadata -----------------------------------------


def jpeg_with_gps() -> bytes:
    """A real JPEG whose EXIF says where it was taken (Seoul City Hall) and by which phone."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 58.0), 3: "E", 4: (126.0, 58.0, 41.0)}  # GPS IFD
    buffer = io.BytesIO()
    media_files.picture(640, 480).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_upload_is_stored_under_a_random_name_whatever_it_was_called(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    product = ProductFactory()
    png = media_files.image_bytes(300, 200, "PNG")

    media = media_services.add_media(
        product_id=product.pk, file=ContentFile(png, "../../../shell.php\r\n.png")
    )

    assert re.fullmatch(rf"catalog/originals/{product.pk}/[0-9a-f]{{32}}\.png", media.original.name)
    assert (tmp_path / media.original.name).is_file()
    assert not list(tmp_path.rglob("*shell*"))


@pytest.mark.django_db
def test_a_photos_location_and_camera_never_reach_its_renditions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as control:  # the control: the upload has them
        assert control.getexif().get_ifd(0x8825)
    stored = default_storage.save("reviews/originals/with-gps.jpg", ContentFile(original))

    outcome = media_services.render_image(original=stored, name="photo.jpg", directory="r/1")

    paths = [path for widths in outcome.renditions.values() for path in widths.values()]
    assert paths
    for path in paths:
        data = (tmp_path / path).read_bytes()
        assert b"PhoneMaker" not in data
        with Image.open(io.BytesIO(data)) as rendition:
            assert dict(rendition.getexif()) == {}
            assert not rendition.getexif().get_ifd(0x8825)
