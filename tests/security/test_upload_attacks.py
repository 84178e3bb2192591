"""Uploads crafted to reach a risky image decoder (security.md FILE-02).

Pillow picks a decoder by the file's first bytes. FITS, EPS, PSD and the like have had
exploitable parser bugs (GHSA-whj4-6x5x-4v2j), so an upload must never reach them: only
the JPEG, PNG, WebP and GIF decoders may open it. The tests spy on the FITS and EPS
plugins (the real ones, unchanged) to prove their parsers never ran, which the refusal
message alone cannot show.
"""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import EpsImagePlugin, FitsImagePlugin, Image

from catalog.media import processing
from catalog.media.validation import InvalidMediaError, detect_kind, validate_image

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
