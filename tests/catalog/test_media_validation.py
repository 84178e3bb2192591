"""Uploads are refused by content, size, pixel count and duration, naming the file."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from catalog.media.validation import InvalidMediaError, validate_image, validate_video
from tests.catalog import media_files


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source text; the shop's default is Korean.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("fmt", "extension"),
    [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")],
)
def test_each_allowed_image_format_is_accepted_by_its_content(fmt, extension):
    info = validate_image(io.BytesIO(media_files.image_bytes(300, 200, fmt)), name="photo.bin")

    assert (info.format, info.extension, info.width, info.height) == (fmt, extension, 300, 200)


def test_an_animated_gif_is_accepted():
    info = validate_image(io.BytesIO(media_files.animated_gif()), name="anim.gif")

    assert info.format == "GIF"


def test_a_png_that_is_really_html_is_refused_naming_the_file():
    with pytest.raises(InvalidMediaError) as error:
        validate_image(io.BytesIO(media_files.HTML_PRETENDING_TO_BE_PNG), name="cute-cat.png")

    assert '"cute-cat.png" is not a JPEG, PNG, WebP or GIF image.' in error.value.message
    assert error.value.fields == {"file": [error.value.message]}
    assert error.value.status_code == 400


def test_an_svg_is_refused():
    with pytest.raises(InvalidMediaError, match=r'"logo\.svg" is not a JPEG'):
        validate_image(io.BytesIO(media_files.SVG), name="logo.svg")


def test_a_truncated_jpeg_is_refused_as_damaged():
    with pytest.raises(InvalidMediaError, match=r'"half\.jpg" is damaged or incomplete'):
        validate_image(io.BytesIO(media_files.truncated_jpeg()), name="half.jpg")


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding():
    bomb = media_files.png_bomb(30_000, 30_000)

    with pytest.raises(InvalidMediaError, match=r'"bomb\.png" has too many pixels.*50 megapixels'):
        validate_image(io.BytesIO(bomb), name="bomb.png")
    assert len(bomb) < 2_000  # nothing like 2.7 GB of pixels was ever in memory


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.CATALOG_MAX_IMAGE_PIXELS = 100 * 100

    with pytest.raises(InvalidMediaError, match="too many pixels"):
        validate_image(io.BytesIO(media_files.image_bytes(101, 100, "PNG")), name="a.png")
    assert validate_image(io.BytesIO(media_files.image_bytes(100, 100, "PNG")), name="b.png")


def test_an_image_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.CATALOG_MAX_IMAGE_BYTES = 20 * 1024 * 1024
    unread = io.BytesIO(b"")  # the size alone decides: nothing is read

    with pytest.raises(InvalidMediaError, match=r'"huge\.jpg" is 2048 MB; .* at most 20 MB'):
        validate_image(unread, name="huge.jpg", size=2 * 1024**3)


def test_a_short_mp4_video_is_accepted(tmp_path):
    path = media_files.make_video(tmp_path / "clip.mp4", width=320, height=240, seconds=1)

    with path.open("rb") as file:
        info = validate_video(file, name="clip.mp4")

    assert (info.extension, info.width, info.height) == ("mp4", 320, 240)
    assert info.duration == pytest.approx(1.0, abs=0.1)


def test_a_webm_video_is_accepted(tmp_path):
    path = media_files.make_video(
        tmp_path / "clip.webm", width=320, height=240, seconds=1, audio=False, container="webm"
    )

    with path.open("rb") as file:
        assert validate_video(file, name="clip.webm").extension == "webm"


def test_a_video_that_is_not_a_video_is_refused():
    with pytest.raises(InvalidMediaError, match=r'"movie\.mp4" is not an MP4, MOV or WebM video'):
        validate_video(io.BytesIO(media_files.image_bytes(100, 100)), name="movie.mp4")


def test_a_sound_without_pictures_is_refused_as_no_video(tmp_path):
    path = media_files.wav_audio(tmp_path / "song.mp4")

    with path.open("rb") as file, pytest.raises(InvalidMediaError, match="is not an MP4"):
        validate_video(file, name="song.mp4")


def test_a_video_longer_than_the_limit_is_refused(tmp_path, settings):
    settings.CATALOG_MAX_VIDEO_SECONDS = 1
    path = media_files.make_video(tmp_path / "long.mp4", width=160, height=120, seconds=2)

    with path.open("rb") as file, pytest.raises(InvalidMediaError, match="lasts 2 seconds"):
        validate_video(file, name="long.mp4")


def test_a_two_gigabyte_video_upload_is_refused_by_size():
    with pytest.raises(InvalidMediaError, match=r'"big\.mp4" is 2048 MB; .* at most 500 MB'):
        validate_video(io.BytesIO(b""), name="big.mp4", size=2 * 1024**3)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_a_truncated_image_of_any_format_is_refused(fmt):
    data = media_files.image_bytes(400, 300, fmt)

    with pytest.raises(InvalidMediaError, match="is damaged or incomplete"):
        validate_image(io.BytesIO(data[: len(data) * 2 // 3]), name=f"cut.{fmt.lower()}")
