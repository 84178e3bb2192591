"""The committed Korean catalog is complete: nothing fuzzy, nothing left untranslated."""

import re
from pathlib import Path

from django.conf import settings

KO_PO = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_korean_catalog_has_no_fuzzy_or_empty_entries():
    entries = KO_PO.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is the header

    fuzzy = [entry for entry in entries if "#, fuzzy" in entry]
    empty = [entry for entry in entries if re.search(r'^msgstr(\[0\])? ""\Z', entry.strip(), re.M)]

    assert len(entries) > 300
    assert fuzzy == []
    assert empty == []


def test_compiled_korean_catalog_is_committed():
    compiled = KO_PO.with_suffix(".mo")

    assert compiled.stat().st_size > 1000
    assert "쇼핑몰" in compiled.read_bytes().decode("utf-8", errors="ignore")
