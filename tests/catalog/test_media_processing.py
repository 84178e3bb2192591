"""Images become upright, metadata-free WebP renditions; videos become 720p H.264 with a poster."""

from __future__ import annotations

import io

import av
import pytest
from PIL import Image, ImageCms

from catalog.media.processing import (
    make_image_renditions,
    rendition_widths,
    transcode_video,
    video_output_size,
)
from tests.catalog import media_files


def test_renditions_are_webp_at_each_width_plus_a_jpeg_of_the_largest():
    result = make_image_renditions(io.BytesIO(media_files.image_bytes(2000, 1500)))

    sizes = [(item.format, item.width, item.height) for item in result.renditions]
    assert sizes == [
        ("jpeg", 1600, 1200),
        ("webp", 320, 240),
        ("webp", 640, 480),
        ("webp", 1024, 768),
        ("webp", 1600, 1200),
    ]
    for item in result.renditions:
        with Image.open(io.BytesIO(item.data)) as decoded:
            assert decoded.format == item.format.upper()
            assert decoded.size == (item.width, item.height)


def test_a_small_image_is_never_upscaled():
    assert rendition_widths(700) == [320, 640]
    assert rendition_widths(200) == [200]

    result = make_image_renditions(io.BytesIO(media_files.image_bytes(200, 100, "PNG")))

    assert {(item.format, item.width, item.height) for item in result.renditions} == {
        ("webp", 200, 100),
        ("jpeg", 200, 100),
    }


def test_the_exif_orientation_is_applied_and_all_metadata_stripped():
    # Stored 800x400 landscape; orientation 6 means "rotate 90 degrees clockwise to view".
    source = media_files.jpeg_with_orientation(800, 400, orientation=6)

    result = make_image_renditions(io.BytesIO(source), widths=(320,))

    assert (result.width, result.height) == (400, 800)
    for item in result.renditions:
        with Image.open(io.BytesIO(item.data)) as decoded:
            assert decoded.size == (320, 640)  # portrait now
            assert dict(decoded.getexif()) == {}
            assert "exif" not in decoded.info
            assert not decoded.info.get("icc_profile")


def test_a_transparent_png_keeps_alpha_in_webp_and_is_flattened_in_jpeg():
    source = media_files.image_bytes(400, 300, "PNG", alpha=True)

    result = make_image_renditions(io.BytesIO(source), widths=(320,))

    modes = {}
    for item in result.renditions:
        with Image.open(io.BytesIO(item.data)) as decoded:
            modes[item.format] = decoded.mode
    assert modes == {"webp": "RGBA", "jpeg": "RGB"}


def test_only_the_first_frame_of_an_animated_gif_is_used():
    result = make_image_renditions(io.BytesIO(media_files.animated_gif()), widths=(320,))

    webp = next(item for item in result.renditions if item.format == "webp")
    with Image.open(io.BytesIO(webp.data)) as decoded:
        assert getattr(decoded, "n_frames", 1) == 1
        pixel = decoded.convert("RGB").getpixel((10, 10))
    assert pixel[0] > 200  # red: the first frame ...
    assert pixel[2] < 60  # ... not the blue second one


def test_a_truncated_jpeg_fails_to_process():
    with pytest.raises(OSError, match="truncated"):
        make_image_renditions(io.BytesIO(media_files.truncated_jpeg()))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ((1920, 1080), (1280, 720)),
        ((1080, 1920), (720, 1280)),  # portrait phone video
        ((640, 360), (640, 360)),  # never upscaled
        ((1000, 999), (720, 720)),  # even sides, aspect kept
        ((3840, 1600), (1280, 534)),
    ],
)
def test_the_video_size_is_at_most_720p_with_even_sides(source, expected):
    assert video_output_size(*source) == expected


def test_a_1080p_clip_is_transcoded_to_720p_h264_aac_with_fast_start_and_a_poster(tmp_path):
    source = media_files.make_video(tmp_path / "in.mov", seconds=2, container="mov")
    destination = tmp_path / "out.mp4"

    result = transcode_video(source, destination)

    assert (result.width, result.height) == (1280, 720)
    assert result.duration == pytest.approx(2.0, abs=0.1)
    with av.open(str(destination)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 1280, 720)
        assert audio.codec_context.name == "aac"
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.1)
    head = destination.read_bytes()[:4096]
    assert 0 <= head.find(b"moov") < 4096  # fast start: the index precedes the media data
    assert head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")
    assert result.poster.format == "jpeg"
    with Image.open(io.BytesIO(result.poster.data)) as poster:
        assert (poster.format, poster.size) == ("JPEG", (1280, 720))


def test_a_silent_webm_is_transcoded_without_an_audio_track(tmp_path):
    source = media_files.make_video(
        tmp_path / "in.webm", width=320, height=240, seconds=1, audio=False, container="webm"
    )

    result = transcode_video(source, tmp_path / "out.mp4")

    assert (result.width, result.height) == (320, 240)
    with av.open(str(tmp_path / "out.mp4")) as container:
        assert [stream.type for stream in container.streams] == ["video"]


def test_a_sideways_phone_video_keeps_its_display_rotation_and_an_upright_poster(tmp_path):
    source = media_files.make_video(
        tmp_path / "phone.mp4", width=640, height=360, seconds=0.5, audio=False, rotation=90
    )

    result = transcode_video(source, tmp_path / "out.mp4")

    assert (result.width, result.height) == (360, 640)  # as shown: portrait
    with av.open(str(tmp_path / "out.mp4")) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height, frame.rotation) == (640, 360, 90)
    with Image.open(io.BytesIO(result.poster.data)) as poster:
        assert poster.size == (360, 640)


def test_an_rgb_colour_profile_is_the_one_piece_of_metadata_kept():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = media_files.image_bytes(400, 300, "JPEG", icc_profile=srgb)

    result = make_image_renditions(io.BytesIO(source), widths=(320,))

    for item in result.renditions:
        with Image.open(io.BytesIO(item.data)) as decoded:
            assert decoded.info.get("icc_profile") == srgb, item.format


def test_a_cmyk_jpeg_becomes_rgb_without_its_cmyk_profile():
    buffer = io.BytesIO()
    Image.new("CMYK", (400, 300), (0, 255, 255, 0)).save(buffer, "JPEG")

    result = make_image_renditions(io.BytesIO(buffer.getvalue()), widths=(320,))

    webp = next(item for item in result.renditions if item.format == "webp")
    with Image.open(io.BytesIO(webp.data)) as decoded:
        assert decoded.mode == "RGB"
        assert not decoded.info.get("icc_profile")
        red, _green, blue = decoded.getpixel((10, 10))
    assert red > 240  # CMYK (0, 100 %, 100 %, 0) is red
    assert blue < 20
