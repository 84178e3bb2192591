"""Reading and writing product files: CSV (UTF-8 or cp949) and Excel workbooks (.xlsx).

Reading refuses what is not one of the two before parsing it: the wrong extension, an
old binary ``.xls``, binary content in a ``.csv``, a "workbook" that is not a zip with
a workbook in it, or one that would unpack to far more than its size (a zip bomb).
Writing quotes every text cell that a spreadsheet would run as a formula (OWASP "CSV
injection"): a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a ``'``
in front; reading takes that quote off again, so an export imports back unchanged.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from shop.csvsafe import escape_cell as escape
from shop.csvsafe import unescape_cell as unescape

CSV, XLSX = "csv", "xlsx"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An .xlsx is XML in a zip; real sheets compress about 10:1, a bomb a thousand times more.
MAX_UNPACK_RATIO = 50
SHEET_TITLE = "상품"


class FileRefusedError(Exception):
    """The upload is not a product file we read; ``message`` says why, naming the file."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class Table:
    """A file's header and its non-empty rows, each with its row number as a spreadsheet shows it."""

    file_format: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "CATALOG_IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "CATALOG_IMPORT_MAX_ROWS", 5000))


def format_of(name: str) -> str:
    """Return ``csv`` or ``xlsx`` for a file name, or refuse any other kind of file."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".csv":
        return CSV
    if suffix == ".xlsx":
        return XLSX
    if suffix == ".xls":
        raise FileRefusedError(
            _('"%(name)s" is an old Excel file (.xls); save it as .xlsx or CSV.') % {"name": name}
        )
    raise FileRefusedError(
        _('"%(name)s" is not a CSV or Excel (.xlsx) file.') % {"name": name or "?"}
    )


def read_table(*, name: str, data: bytes) -> Table:
    """Return the header and rows of an uploaded CSV or .xlsx file, or raise ``FileRefusedError``."""
    if len(data) > max_bytes():
        raise FileRefusedError(too_big_message(name))
    if not data.strip():
        raise FileRefusedError(_('"%(name)s" is empty.') % {"name": name})
    file_format = format_of(name)
    lines = _read_xlsx(name, data) if file_format == XLSX else _read_csv(name, data)
    table = Table(file_format=file_format, header=[])
    for number, cells in lines:
        texts = [unescape(cell_text(cell)) for cell in cells]
        if not table.header:
            if any(texts):
                table.header = texts
            continue
        if not any(text.strip() for text in texts):
            continue  # blank lines between products are allowed
        if len(table.rows) >= max_rows():
            raise FileRefusedError(
                _('"%(name)s" has more than %(max)d rows; split it into smaller files.')
                % {"name": name, "max": max_rows()}
            )
        table.rows.append((number, texts))
    if not table.header:
        raise FileRefusedError(_('"%(name)s" has no header row.') % {"name": name})
    return table


def too_big_message(name: str) -> str:
    return _('"%(name)s" is larger than %(size)d MB.') % {
        "name": name,
        "size": max(1, max_bytes() // (1024 * 1024)),
    }


def _read_csv(name: str, data: bytes) -> Iterable[tuple[int, list[Any]]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:
        raise FileRefusedError(_('"%(name)s" is not a text (CSV) file.') % {"name": name})
    text = decode(name, data)
    try:
        # Numbered by record, as a spreadsheet numbers rows, even when a quoted cell
        # spans several lines.
        return list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except csv.Error as error:
        raise FileRefusedError(
            _('"%(name)s" could not be read as CSV: %(error)s') % {"name": name, "error": error}
        ) from None


def decode(name: str, data: bytes) -> str:
    """Return the text of a CSV saved as UTF-8 (with or without BOM) or cp949 (Korean Excel)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp949"):  # cp949 is a superset of EUC-KR
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefusedError(
        _('"%(name)s" is neither UTF-8 nor Korean (CP949/EUC-KR) text.') % {"name": name}
    )


def _read_xlsx(name: str, data: bytes) -> Iterable[tuple[int, list[Any]]]:
    import openpyxl

    not_a_workbook = _('"%(name)s" is not an Excel (.xlsx) workbook.') % {"name": name}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefusedError(not_a_workbook) from None
    if "xl/workbook.xml" not in names:
        raise FileRefusedError(not_a_workbook)
    if unpacked > max(len(data), 64 * 1024) * MAX_UNPACK_RATIO:
        raise FileRefusedError(too_big_message(name))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, XML errors) for a broken file
        raise FileRefusedError(not_a_workbook) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(values)))
            if len(rows) > max_rows() + 100:  # read no further than the row limit needs
                break
        return rows
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """Return a cell as text: whole numbers without ".0", booleans as Y/N, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def write_csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """Return UTF-8 CSV with a BOM, so Excel opens the Korean text correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([escape(cell) for cell in header])
    for row in rows:
        writer.writerow([escape(cell) for cell in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """Return an .xlsx workbook of one sheet; numbers stay numbers, text is never a formula."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: Any) -> Any:
        value = escape(value)
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append([clean(cell) for cell in header])
    for row in rows:
        sheet.append([clean(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
