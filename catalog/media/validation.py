"""Refuse an upload that is not an allowed image or video before anything is stored.

Formats are detected from the content (Pillow, PyAV), never from the file name or the
client's content type. The checks are cheap enough to run in the request: headers and
sizes first, so a 30,000 x 30,000 pixel bomb or a 2 GB upload is refused without being
decoded or read.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import BinaryIO

import av
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from shop.exceptions import ShopError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Pillow tries every decoder it has on an unknown file; some (FITS, EPS, ...) have had
# exploitable bugs, so only the four decoders we accept ever see an upload's bytes.
DECODERS = list(IMAGE_FORMATS)
# PyAV names a demuxer after every format it reads; WebM is Matroska with web codecs only.
MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA_DEMUXER = "matroska,webm"
WEBM_VIDEO_CODECS = {"vp8", "vp9", "av1"}
VIDEO_DEMUXERS = {MP4_DEMUXER, MATROSKA_DEMUXER}


class InvalidMediaError(ShopError):
    """The uploaded file is not an image or video the catalog accepts."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_media_file", message, fields={"file": [message]})


@dataclass(frozen=True)
class ImageInfo:
    """What validation learnt about an image: its format, file extension and size."""

    format: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class VideoInfo:
    """What validation learnt about a video: container, extension, size and duration."""

    extension: str
    width: int
    height: int
    duration: float


def check_size(name: str, size: int | None, *, limit: int) -> None:
    """Refuse a file larger than ``limit`` bytes (it has not been read)."""
    if size is not None and size > limit:
        raise InvalidMediaError(
            _('"%(name)s" is %(size)s MB; files may be at most %(limit)s MB.')
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def validate_image(file: BinaryIO, *, name: str, size: int | None = None) -> ImageInfo:
    """Return the image's format and size, or raise ``InvalidMediaError`` naming the file."""
    check_size(name, size, limit=settings.CATALOG_MAX_IMAGE_BYTES)
    not_an_image = _('"%(name)s" is not a JPEG, PNG, WebP or GIF image.') % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            info = _read_image_header(file, name=name, not_an_image=not_an_image)
            _decode_cheaply(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError) as exc:
        # Pillow reports a truncated or corrupt file as OSError or SyntaxError.
        raise InvalidMediaError(
            _('"%(name)s" is damaged or incomplete and cannot be read.') % {"name": name}
        ) from exc
    finally:
        file.seek(0)
    return info


def _read_image_header(file: BinaryIO, *, name: str, not_an_image: str) -> ImageInfo:
    file.seek(0)
    try:
        image = Image.open(file, formats=DECODERS)
    except Image.UnidentifiedImageError:
        raise InvalidMediaError(not_an_image) from None
    with image:
        if image.format not in IMAGE_FORMATS:
            raise InvalidMediaError(not_an_image)
        # Before any pixel is decoded: the header alone tells the size.
        if image.width * image.height > settings.CATALOG_MAX_IMAGE_PIXELS:
            raise _too_many_pixels(name)
        info = ImageInfo(image.format, IMAGE_FORMATS[image.format], image.width, image.height)
        image.verify()  # structure and checksums, without decoding
    return info


def _decode_cheaply(file: BinaryIO) -> None:
    """Decode the first frame (a JPEG at 1/8 size) so a truncated file is caught now."""
    file.seek(0)
    with Image.open(file, formats=DECODERS) as image:
        if image.format == "PNG":
            return  # verify() already read every chunk and checked its CRC
        if image.format == "JPEG":
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()


def _too_many_pixels(name: str) -> InvalidMediaError:
    limit = settings.CATALOG_MAX_IMAGE_PIXELS / 1_000_000
    return InvalidMediaError(
        _('"%(name)s" has too many pixels; images may have at most %(limit)s megapixels.')
        % {"name": name, "limit": f"{limit:g}"}
    )


def validate_video(file: BinaryIO, *, name: str, size: int | None = None) -> VideoInfo:
    """Return the video's container, size and duration, or raise ``InvalidMediaError``."""
    check_size(name, size, limit=settings.CATALOG_MAX_VIDEO_BYTES)
    not_a_video = _('"%(name)s" is not an MP4, MOV or WebM video.') % {"name": name}
    file.seek(0)
    try:
        with av.open(file, "r") as container:
            info = _probe(container, not_a_video=not_a_video)
    except av.FFmpegError as exc:
        raise InvalidMediaError(not_a_video) from exc
    finally:
        file.seek(0)
    if info.duration > settings.CATALOG_MAX_VIDEO_SECONDS:
        raise InvalidMediaError(
            _('"%(name)s" lasts %(seconds)s seconds; videos may last at most %(limit)s seconds.')
            % {
                "name": name,
                "seconds": f"{info.duration:.0f}",
                "limit": settings.CATALOG_MAX_VIDEO_SECONDS,
            }
        )
    return info


def _probe(container: av.container.InputContainer, *, not_a_video: str) -> VideoInfo:
    if not container.streams.video:
        raise InvalidMediaError(not_a_video)
    stream = container.streams.video[0]
    fmt = container.format.name
    if fmt == MP4_DEMUXER:
        extension = "mp4"
    elif fmt == MATROSKA_DEMUXER and stream.codec_context.name in WEBM_VIDEO_CODECS:
        extension = "webm"
    else:
        raise InvalidMediaError(not_a_video)
    if not stream.width or not stream.height:
        raise InvalidMediaError(not_a_video)
    return VideoInfo(extension, stream.width, stream.height, _duration(container, stream))


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if container.duration:
        return container.duration / av.time_base
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return 0.0


def detect_kind(file: BinaryIO, *, name: str) -> str:
    """Return "image" or "video" from the content, or raise if it is neither."""
    file.seek(0)
    try:
        with Image.open(file, formats=DECODERS):
            return "image"
    except Image.DecompressionBombError:
        return "image"  # an image, too large: validate_image says so
    except (OSError, SyntaxError, ValueError):
        pass
    finally:
        file.seek(0)
    try:
        with av.open(file, "r") as container:
            # FFmpeg reads almost anything (even SVG or text) as "video": only our containers count.
            if container.streams.video and container.format.name in VIDEO_DEMUXERS:
                return "video"
    except av.FFmpegError:
        pass
    finally:
        file.seek(0)
    raise InvalidMediaError(
        _('"%(name)s" is neither a JPEG, PNG, WebP or GIF image nor an MP4, MOV or WebM video.')
        % {"name": name}
    )
