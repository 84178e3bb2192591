"""Measure the media pipeline on this machine: image renditions per second, video speed.

* images: a 12-megapixel photo-like JPEG (4000 x 3000, gradients, fractal and noise, q90)
  to the full rendition set (WebP at 320/640/1024/1600 + JPEG 1600), one process and one
  process per core (how the ``media`` queue's workers run);
* video: a 10-second 1080p30 H.264 + AAC clip with grain, transcoded to 720p H.264/AAC with
  fast start and a poster, as a multiple of real time (>1: faster than playback).

Only the pure functions of ``catalog.media.processing`` run: no database, no broker.
Usage: ``.venv/bin/python bench/media.py`` (BENCH_IMAGES, BENCH_VIDEO_SECONDS). Results go
to ``artifacts/bench/media.json`` for ``bench/summary.py``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.media import processing  # noqa: E402
from tests.catalog import media_files  # noqa: E402

IMAGES = int(os.environ.get("BENCH_IMAGES", "12"))
VIDEO_SECONDS = int(os.environ.get("BENCH_VIDEO_SECONDS", "10"))
CORES = os.cpu_count() or 1


def photo_like_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """Return a 12 MP JPEG with detail everywhere, so neither decoder nor encoder coasts."""
    base = media_files.picture(width, height)
    fractal = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 60).convert("RGB")
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    image = ImageChops.add(ImageChops.multiply(base, fractal), noise, scale=1.2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def render(data: bytes) -> int:
    return len(processing.make_image_renditions(io.BytesIO(data)).renditions)


def images_per_second(data: bytes, *, workers: int) -> float:
    render(data)  # warm up: codecs loaded, pages touched
    started = time.perf_counter()
    if workers == 1:
        for _ in range(IMAGES):
            render(data)
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(render, [data] * IMAGES))
    return IMAGES / (time.perf_counter() - started)


def video_speed(workdir: Path) -> dict[str, float]:
    source = media_files.make_video(workdir / "clip.mp4", seconds=VIDEO_SECONDS)
    started = time.perf_counter()
    result = processing.transcode_video(source, workdir / "out.mp4")
    wall = time.perf_counter() - started
    return {
        "video_seconds": round(result.duration, 2),
        "transcode_wall_seconds": round(wall, 2),
        "times_realtime": round(result.duration / wall, 2),
        "output_width": result.width,
        "output_height": result.height,
    }


def main() -> None:
    data = photo_like_jpeg()
    figures = {
        "source_jpeg_bytes": len(data),
        "webp_method": processing.WEBP_METHOD,
        "images_per_second_1_process": round(images_per_second(data, workers=1), 2),
        f"images_per_second_{CORES}_processes": round(images_per_second(data, workers=CORES), 2),
    }
    with tempfile.TemporaryDirectory() as workdir:
        figures |= video_speed(Path(workdir))
    print(f"\nMedia benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {CORES} cores")
    for key, value in figures.items():
        print(f"{key:>36}: {value}")
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "media.json").write_text(json.dumps(figures, indent=2))
    print(f"\nJSON: {out / 'media.json'}")


if __name__ == "__main__":
    main()
