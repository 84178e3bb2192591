"""Rebuild the demo photos and the demo clip from scikit-image's bundled sample photos.

Not run by the shop: the outputs are committed. Kept so anyone can check where each
file came from and remake it. Usage (needs network access to PyPI only)::

    .venv/bin/pip download --no-deps -d /tmp/skimage scikit-image
    unzip -o /tmp/skimage/scikit_image-*.whl 'skimage/data/*' -d /tmp/skimage
    .venv/bin/python catalog/demo_media/build.py /tmp/skimage/skimage/data
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

HERE = Path(__file__).resolve().parent
# output name -> scikit-image file; every one is CC0 or public domain (see LICENSES.md)
PHOTOS = {
    "astronaut.jpg": "astronaut.png",
    "chelsea.jpg": "chelsea.png",
    "coffee.jpg": "coffee.png",
    "rocket.jpg": "rocket.jpg",
    "hubble.jpg": "hubble_deep_field.jpg",
}
JPEG_QUALITY = 80
CLIP = "hubble-pan.mp4"
CLIP_SIZE = (640, 360)
CLIP_FPS = 24
CLIP_SECONDS = 4


def build_photos(source: Path) -> None:
    for output, name in PHOTOS.items():
        with Image.open(source / name) as image:
            picture = image.convert("RGB")
        picture.save(HERE / output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)


def build_clip(source: Path) -> None:
    """A slow pan and zoom over the Hubble Deep Field: only downscaling, so it stays sharp."""
    with Image.open(source / PHOTOS["hubble.jpg"]) as image:
        picture = image.convert("RGB")
    frames = CLIP_FPS * CLIP_SECONDS
    with av.open(str(HERE / CLIP), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=Fraction(CLIP_FPS))
        stream.width, stream.height = CLIP_SIZE
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "slow", "crf": "30"}
        for index in range(frames):
            progress = index / (frames - 1)
            eased = progress * progress * (3 - 2 * progress)  # smoothstep: starts and stops softly
            crop_width = 960 - 240 * eased  # 960 -> 720 px wide: a gentle zoom in
            crop_height = crop_width * CLIP_SIZE[1] / CLIP_SIZE[0]
            left = (picture.width - crop_width) * eased
            top = (picture.height - crop_height) * (0.2 + 0.5 * eased)
            box = (left, top, left + crop_width, top + crop_height)
            still = picture.resize(CLIP_SIZE, Image.Resampling.LANCZOS, box=box)
            frame = av.VideoFrame.from_image(still).reformat(format="yuv420p")
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def main() -> None:
    source = Path(sys.argv[1])
    build_photos(source)
    build_clip(source)


if __name__ == "__main__":
    main()
