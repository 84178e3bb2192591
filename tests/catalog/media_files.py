"""Generated test files for the media pipeline: real images and videos, and bad ones."""

from __future__ import annotations

import array
import io
import math
import struct
import zlib
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageChops

EXIF_ORIENTATION = 0x0112


def picture(width: int, height: int) -> Image.Image:
    """Return a photo-like picture: gradients, so the encoders have real work."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = Image.linear_gradient("L").rotate(90).resize((width, height))
    return Image.merge("RGB", [red, green, blue])


def image_bytes(width: int = 1200, height: int = 800, fmt: str = "JPEG", **save: object) -> bytes:
    """Return an encoded picture of this size and format."""
    image = picture(width, height)
    if save.pop("alpha", False):  # fading from transparent to opaque
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def jpeg_with_orientation(width: int, height: int, orientation: int) -> bytes:
    """Return a JPEG stored sideways with an EXIF orientation tag and a camera make."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[0x010F] = "TestCam"  # Make: metadata that must not survive
    return image_bytes(width, height, "JPEG", exif=exif.tobytes())


def animated_gif() -> bytes:
    """Return a two-frame GIF whose first frame is red and second blue."""
    frames = [Image.new("RGB", (400, 300), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """Return the first half of a JPEG: the header is fine, the pixels are cut off."""
    data = image_bytes(800, 600, "JPEG")
    return data[: len(data) // 2]


HTML_PRETENDING_TO_BE_PNG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="red"/></svg>'
)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """Return a tiny PNG whose header claims ``width`` x ``height`` pixels.

    Built by hand so the test never holds the pixels either: a valid signature and IHDR,
    then a few compressed zero bytes instead of the 900 million pixels the header promises.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def make_video(
    path: Path,
    *,
    width: int = 1920,
    height: int = 1080,
    seconds: float = 2,
    fps: int = 30,
    audio: bool = True,
    container: str = "mp4",
    rotation: int = 0,
) -> Path:
    """Write a moving test pattern (H.264 + AAC, or VP8 without audio for WebM) to ``path``."""
    base = picture(width, height)
    with av.open(str(path), "w", format=container) as out:
        codec = "libvpx" if container == "webm" else "libx264"
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "ultrafast"}
        if rotation:  # as a phone stores upright video: sideways pixels plus a display matrix
            video.set_display_rotation(rotation)
        sound = out.add_stream("aac", rate=48000, layout="stereo") if audio else None
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame.from_image(ImageChops.offset(base, index * 16, index * 4))
            frame.pts, frame.time_base = index, Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            _write_tone(out, sound, seconds)
    return path


def _write_tone(out: av.container.OutputContainer, stream: av.AudioStream, seconds: float) -> None:
    samples_per_frame = 1024
    for index in range(int(seconds * 48000) // samples_per_frame):
        start = index * samples_per_frame
        samples = array.array(
            "h",
            [
                int(8000 * math.sin((start + offset) / 10))
                for offset in range(samples_per_frame)
                for _channel in (0, 1)
            ],
        )
        frame = av.AudioFrame(format="s16", layout="stereo", samples=samples_per_frame)
        frame.planes[0].update(samples.tobytes())
        frame.sample_rate, frame.pts, frame.time_base = 48000, start, Fraction(1, 48000)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def wav_audio(path: Path, seconds: float = 1) -> Path:
    """Write a sound without any picture: a container PyAV opens that is no video."""
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=48000, layout="stereo")
        _write_tone(out, stream, seconds)
    return path
