"""Turn an uploaded image or video into what the storefront serves. Pure: no models, no storage.

Images become WebP renditions at several widths plus one JPEG fallback; videos become an
H.264/AAC MP4 of at most 720p with fast start, plus a poster frame. Speed matters here
(performance.md section 5): a JPEG is decoded at a reduced size through libjpeg's DCT
scaling (``Image.draft``) and the WebP encoder runs at a mid ``method``, because decode and
encode dominate the cost, not the resize.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO

import av
from PIL import Image, ImageCms, ImageOps

from catalog.media.validation import DECODERS
from shop import plugins

IMAGE_WIDTHS = (320, 640, 1024, 1600)
WEBP_QUALITY = 80
# Measured on a 12 MP photo (bench/media.py): at 1600 px, method 2 encodes in ~90 ms where
# methods 3 and 4 take ~200 ms, for files only a few per cent smaller.
WEBP_METHOD = 2
JPEG_QUALITY = 85

VIDEO_MAX_SHORT_SIDE = 720
VIDEO_MAX_LONG_SIDE = 1280
# veryfast: ~1.7x realtime for 1080p -> 720p on two cores (performance.md 5.2); CRF 23 is x264's default quality.
X264_OPTIONS = {"preset": "veryfast", "crf": "23", "profile": "high"}
POSTER_AT_SECONDS = 1.0
_ORIENTATIONS_THAT_SWAP_AXES = {5, 6, 7, 8}
_EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class Rendition:
    """One encoded image: its pixel size, format ("webp" or "jpeg") and bytes."""

    width: int
    height: int
    format: str
    data: bytes


@dataclass(frozen=True)
class ImageResult:
    """Every rendition of one source image and the source's upright size."""

    width: int
    height: int
    renditions: list[Rendition]


@dataclass(frozen=True)
class VideoResult:
    """The transcoded video's size and duration and a JPEG poster frame."""

    width: int
    height: int
    duration: float
    poster: Rendition


def rendition_widths(source_width: int, widths: tuple[int, ...] = IMAGE_WIDTHS) -> list[int]:
    """Return the widths to produce for a source this wide: never wider than the source."""
    chosen = [width for width in sorted(widths) if width <= source_width]
    return chosen or [source_width]


def upright_size(image: Image.Image) -> tuple[int, int]:
    """Return the size the image has once its EXIF orientation is applied."""
    orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    if orientation in _ORIENTATIONS_THAT_SWAP_AXES:
        return image.height, image.width
    return image.width, image.height


def make_image_renditions(source: BinaryIO, widths: tuple[int, ...] = IMAGE_WIDTHS) -> ImageResult:
    """Decode ``source`` (first frame only) and encode WebP renditions plus a JPEG fallback."""
    with Image.open(source, formats=DECODERS) as image:
        image.seek(0)  # an animated GIF or WebP: the first frame only
        upright_width, upright_height = upright_size(image)
        targets = rendition_widths(upright_width, widths)
        _draft_for(image, scale=targets[-1] / upright_width)
        icc = rgb_colour_profile(image)
        picture = _upright_clean(image)
    for processor in _image_processors:
        picture = processor(picture)
    renditions: list[Rendition] = []
    current = picture
    for width in reversed(targets):  # largest first, each smaller one from the previous
        height = max(1, round(upright_height * width / upright_width))
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if width == targets[-1]:
            renditions.append(_encode(_flatten(current), "jpeg", icc))
        renditions.append(_encode(current, "webp", icc))
    renditions.sort(key=lambda item: (item.format, item.width))
    return ImageResult(width=upright_width, height=upright_height, renditions=renditions)


ImageProcessor = Callable[[Image.Image], Image.Image]
_image_processors: list[ImageProcessor] = []


def register_image_processor(processor: ImageProcessor) -> None:
    """Pass every uploaded image through ``processor`` before its renditions are made.

    It gets the upright RGB(A) picture without metadata and returns a picture of the
    same size (a watermark, a colour correction). It runs in the media worker, once per
    upload; an exception fails the media row, which is retried and reported.
    """
    if processor not in _image_processors:
        _image_processors.append(processor)
        plugins.note("image processor", getattr(processor, "__qualname__", ""), processor)


def _draft_for(image: Image.Image, *, scale: float) -> None:
    # A JPEG decodes at 1/2, 1/4 or 1/8 size for free if the result stays at least as large.
    if image.format == "JPEG" and scale < 1:
        wanted = (math.ceil(image.width * scale), math.ceil(image.height * scale))
        image.draft("RGB", wanted)


def _upright_clean(image: Image.Image) -> Image.Image:
    """Return the decoded pixels turned upright, in RGB(A), without any metadata."""
    image.load()
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
    clean = upright.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}  # EXIF (GPS, camera serial), XMP, comments: nothing of the camera's survives
    return clean


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def rgb_colour_profile(image: Image.Image) -> bytes | None:
    """Return the image's ICC profile if it describes RGB (e.g. Display P3), else None.

    It is the one piece of metadata kept: without it a wide-gamut phone photo looks dull.
    A CMYK or grey profile no longer fits once the pixels are converted to RGB.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in {"RGB", "RGBA"}:
        return None
    try:
        colour_space = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.xcolor_space
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None  # a broken profile: better none than a wrong one
    return icc if colour_space.strip() == "RGB" else None


def _encode(image: Image.Image, fmt: str, icc: bytes | None = None) -> Rendition:
    buffer = io.BytesIO()
    if fmt == "webp":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, icc_profile=icc or b"")
    else:
        # optimize/progressive cost 5x the encode time for ~6 % smaller files: a fallback only.
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, icc_profile=icc)
    return Rendition(width=image.width, height=image.height, format=fmt, data=buffer.getvalue())


def video_output_size(width: int, height: int) -> tuple[int, int]:
    """Return the size at most 720p (either orientation), same aspect, both sides even."""
    scale = min(
        1.0,
        VIDEO_MAX_SHORT_SIDE / min(width, height),
        VIDEO_MAX_LONG_SIDE / max(width, height),
    )
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def transcode_video(source: str | Path, destination: str | Path) -> VideoResult:
    """Transcode ``source`` to an H.264/AAC fast-start MP4 at ``destination``; grab a poster."""
    with av.open(str(source)) as container:
        video_in = container.streams.video[0]
        video_in.thread_type = "AUTO"
        audio_in = container.streams.audio[0] if container.streams.audio else None
        width, height = video_output_size(video_in.width, video_in.height)
        with av.open(
            str(destination), "w", format="mp4", options={"movflags": "+faststart"}
        ) as out:
            video_out = out.add_stream("libx264", rate=video_in.average_rate or Fraction(30))
            video_out.width, video_out.height, video_out.pix_fmt = width, height, "yuv420p"
            video_out.options = X264_OPTIONS
            video_out.thread_type = "AUTO"
            audio_out = _add_audio_stream(out, audio_in)
            progress = _copy_streams(out, container, video_in, audio_in, video_out, audio_out)
            _flush(out, video_out, audio_out)
    if progress.poster is None:
        raise ValueError("the video has no frame")
    if progress.rotation % 180:  # a phone held upright: shown turned by a quarter
        width, height = height, width
    return VideoResult(
        width=width, height=height, duration=progress.duration, poster=progress.poster
    )


def _add_audio_stream(out: av.container.OutputContainer, audio_in: av.AudioStream | None):
    if audio_in is None:
        return None
    rate = audio_in.rate if audio_in.rate in {44100, 48000} else 48000
    return out.add_stream("aac", rate=rate, layout="stereo")


@dataclass
class _Progress:
    """What the frame loop learnt: the poster, the duration and the display rotation."""

    poster: Rendition | None = None
    first_frame: av.VideoFrame | None = None
    duration: float = 0.0
    rotation: int = 0


def _copy_streams(out, container, video_in, audio_in, video_out, audio_out) -> _Progress:
    """Decode, scale and encode every frame, keeping the source's display rotation."""
    progress = _Progress()
    streams = [stream for stream in (video_in, audio_in) if stream is not None]
    for packet in container.demux(*streams):
        for frame in packet.decode():
            if packet.stream is audio_in:
                out.mux(audio_out.encode(frame))
                continue
            if progress.first_frame is None and frame.rotation:
                # Phones store upright video sideways with a display matrix: keep the
                # matrix (players turn the picture) instead of turning every pixel.
                progress.rotation = int(frame.rotation) % 360
                video_out.set_display_rotation(progress.rotation)
            scaled = frame.reformat(
                width=video_out.width, height=video_out.height, format="yuv420p"
            )
            seconds = float(frame.time) if frame.time is not None else 0.0
            progress.duration = max(progress.duration, seconds + _frame_seconds(video_in))
            progress.first_frame = progress.first_frame or scaled
            if progress.poster is None and seconds >= POSTER_AT_SECONDS:
                progress.poster = _poster(scaled, progress.rotation)
            out.mux(video_out.encode(scaled))
    if progress.poster is None and progress.first_frame is not None:
        # Shorter than POSTER_AT_SECONDS: its first frame.
        progress.poster = _poster(progress.first_frame, progress.rotation)
    return progress


def _frame_seconds(stream) -> float:
    rate = stream.average_rate or stream.guessed_rate
    return float(1 / rate) if rate else 0.0


def _poster(frame: av.VideoFrame, rotation: int) -> Rendition:
    picture = frame.to_image()
    if rotation:
        picture = picture.rotate(rotation, expand=True)  # both counter-clockwise
    return _encode(picture, "jpeg")


def _flush(out, video_out, audio_out) -> None:
    out.mux(video_out.encode(None))
    if audio_out is not None:
        out.mux(audio_out.encode(None))
