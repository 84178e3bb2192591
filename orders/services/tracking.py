"""Bulk tracking upload (송장 일괄등록): a file of waybill numbers, applied all rows or none.

One row per vendor part: the shipment id or the order number (a vendor has one part
per order), the carrier and the waybill number. A part not yet shipped is shipped
(``ship``), a shipped one has its tracking corrected (``update_tracking``); every row
goes through those services, each with its own event. The whole file runs in one
transaction: if any row is refused, everything is rolled back and the result names
every bad row; nothing of the file is applied, and no shipping notice goes out.

With ``vendor_id`` (the seller center) only that vendor's parts exist: a row naming
another vendor's part is "not found", like a part that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.importexport.formats import FileRefusedError, read_table
from orders.models import Carrier, VendorShipment
from orders.services.lifecycle import ship, update_tracking
from shop.exceptions import NotFoundError, ShopError

SHIPMENT_ID, ORDER_NUMBER, CARRIER, TRACKING_NUMBER = (
    "shipment_id",
    "order_number",
    "carrier",
    "tracking_number",
)
# The headers people use (Korean seller centers' and ours), compared without spaces,
# underscores or case. The export of the shipment list writes the first of each.
HEADER_LABELS = {
    SHIPMENT_ID: gettext_noop("shipment id"),
    ORDER_NUMBER: gettext_noop("order number"),
    CARRIER: gettext_noop("carrier"),
    TRACKING_NUMBER: gettext_noop("tracking number"),
}
HEADER_ALIASES = {
    SHIPMENT_ID: {"shipmentid", "shipment", "id", "배송번호", "출고번호"},
    ORDER_NUMBER: {"ordernumber", "order", "orderno", "주문번호"},
    CARRIER: {"carrier", "courier", "택배사", "배송업체", "택배사코드"},
    TRACKING_NUMBER: {
        "trackingnumber",
        "tracking",
        "waybill",
        "waybillnumber",
        "송장번호",
        "운송장번호",
    },
}
# Korean names of the carriers as merchants type them, besides the code and the label.
CARRIER_NAMES = {
    Carrier.CJ: {"cj대한통운", "대한통운", "cj택배", "cj"},
    Carrier.LOTTE: {"롯데택배", "롯데글로벌로지스", "롯데"},
    Carrier.HANJIN: {"한진택배", "한진"},
    Carrier.EPOST: {"우체국택배", "우체국", "우편"},
    Carrier.LOGEN: {"로젠택배", "로젠"},
    Carrier.KDEXP: {"경동택배", "경동"},
    Carrier.DAESIN: {"대신택배", "대신"},
    Carrier.ILYANG: {"일양로지스", "일양"},
    Carrier.CU_POST: {"cu편의점택배", "cupost", "cu"},
    Carrier.CVSNET: {"gs편의점택배", "gspostbox", "cvsnet", "gs"},
}


def max_rows() -> int:
    """Rows per tracking file: each is shipped by the services, about 100 rows a second."""
    return int(getattr(settings, "ORDERS_TRACKING_MAX_ROWS", 1000))


@dataclass(frozen=True)
class RowError:
    """One refused row: its number as a spreadsheet shows it (1 is the header)."""

    row: int
    column: str
    message: str


@dataclass
class TrackingImportResult:
    """What a tracking file did; ``applied`` is false when any row was refused."""

    file_name: str
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    shipped: int = 0
    corrected: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Row:
    number: int
    shipment_id: str
    order_number: str
    carrier: str
    tracking_number: str
    shipment: VendorShipment | None = None


def squash(text: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(text or "")).lower()


def header_key(text: str) -> str | None:
    key = squash(text)
    for name, aliases in HEADER_ALIASES.items():
        if key in aliases or key in (squash(HEADER_LABELS[name]), squash(_(HEADER_LABELS[name]))):
            return name
    return None


def carrier_code(text: str) -> str | None:
    """Return the carrier's code for a code, its label (Korean or English) or a Korean name."""
    key = squash(text)
    if not key:
        return None
    for value, label in Carrier.choices:
        names = {squash(value), *CARRIER_NAMES.get(value, set())}
        with translation.override("en"):
            english = str(label)
        for label_text in {str(label), english}:
            names.add(squash(label_text))
            names.update(squash(part) for part in re.findall(r"\(([^)]*)\)", label_text))
            names.add(squash(re.sub(r"\([^)]*\)", "", label_text)))
        if key in names:
            return value
    return None


def header_columns(name: str, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        key = header_key(text)
        if key is not None and key not in columns:
            columns[key] = index
    missing = [_(HEADER_LABELS[key]) for key in (CARRIER, TRACKING_NUMBER) if key not in columns]
    if SHIPMENT_ID not in columns and ORDER_NUMBER not in columns:
        missing.insert(
            0,
            _("%(a)s or %(b)s")
            % {
                "a": _(HEADER_LABELS[SHIPMENT_ID]),
                "b": _(HEADER_LABELS[ORDER_NUMBER]),
            },
        )
    if missing:
        raise FileRefusedError(
            _('"%(name)s" lacks the column(s): %(columns)s.')
            % {"name": name, "columns": ", ".join(missing)}
        )
    return columns


def import_tracking(
    *, name: str, data: bytes, vendor_id: int | None = None
) -> TrackingImportResult:
    """Ship (or correct) every part the file names, or none of them if any row is refused.

    Raises ``FileRefusedError`` for a file that cannot be read at all (wrong kind, too
    big, no header, a required column missing).
    """
    table = read_table(name=name, data=data)
    if len(table.rows) > max_rows():
        raise FileRefusedError(
            _('"%(name)s" has more than %(max)d rows; split it into smaller files.')
            % {"name": name, "max": max_rows()}
        )
    columns = header_columns(name, table.header)

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    rows = [
        Row(
            number=number,
            shipment_id=cell(cells, SHIPMENT_ID),
            order_number=cell(cells, ORDER_NUMBER).upper(),
            carrier=cell(cells, CARRIER),
            tracking_number=cell(cells, TRACKING_NUMBER),
        )
        for number, cells in table.rows
    ]
    result = TrackingImportResult(file_name=name, row_count=len(rows))
    labels = {key: _(label) for key, label in HEADER_LABELS.items()}
    find_shipments(rows, vendor_id, result, labels)
    with transaction.atomic():
        for row in rows:
            if row.shipment is not None:
                apply_row(row, vendor_id, result, labels)
        result.errors.sort(key=lambda error: error.row)
        if result.errors:
            transaction.set_rollback(True)  # all rows or none
            result.shipped = result.corrected = result.unchanged = 0
        else:
            result.applied = True
    return result


def find_shipments(
    rows: list[Row], vendor_id: int | None, result: TrackingImportResult, labels: dict[str, str]
) -> None:
    """Set each row's part (two queries in all), or record why the row names none."""
    parts = VendorShipment.objects.select_related("order")
    if vendor_id is not None:
        parts = parts.filter(vendor_id=vendor_id)
    ids = {int(row.shipment_id) for row in rows if row.shipment_id.isdigit()}
    numbers = {row.order_number for row in rows if row.order_number and not row.shipment_id}
    by_id = parts.in_bulk(ids) if ids else {}
    by_number: dict[str, list[VendorShipment]] = {}
    if numbers:
        for part in parts.filter(order__number__in=numbers):
            by_number.setdefault(part.order.number, []).append(part)
    seen: dict[int, int] = {}
    for row in rows:
        if row.shipment_id:
            column = labels[SHIPMENT_ID]
            part = by_id.get(int(row.shipment_id)) if row.shipment_id.isdigit() else None
            if part is not None and row.order_number and part.order.number != row.order_number:
                error = _("This shipment belongs to another order than the order number says.")
                result.errors.append(RowError(row.number, labels[ORDER_NUMBER], error))
                continue
            missing = _("No shipment of yours has this id.")
        elif row.order_number:
            column = labels[ORDER_NUMBER]
            found = by_number.get(row.order_number, [])
            if len(found) > 1:
                error = _("This order has parts of several vendors; give the shipment id.")
                result.errors.append(RowError(row.number, column, error))
                continue
            part = found[0] if found else None
            missing = _("No order of yours has this number.")
        else:
            error = _("Give the shipment id or the order number.")
            result.errors.append(RowError(row.number, labels[ORDER_NUMBER], error))
            continue
        if part is None:
            result.errors.append(RowError(row.number, column, missing))
            continue
        if part.pk in seen:
            error = _("This shipment is on row %(row)d already.") % {"row": seen[part.pk]}
            result.errors.append(RowError(row.number, column, error))
            continue
        seen[part.pk] = row.number
        row.shipment = part


def apply_row(
    row: Row, vendor_id: int | None, result: TrackingImportResult, labels: dict[str, str]
) -> None:
    carrier = carrier_code(row.carrier)
    if carrier is None:
        error = _("Unknown carrier “%(carrier)s”.") % {"carrier": row.carrier}
        result.errors.append(RowError(row.number, labels[CARRIER], error))
        return
    part = row.shipment
    if part is None:
        return
    # Each service runs in its own savepoint: a refused row leaves nothing behind.
    try:
        if part.status == VendorShipment.Status.SHIPPED:
            before = (part.carrier, part.tracking_number)
            after = update_tracking(
                shipment_id=part.pk,
                carrier=carrier,
                tracking_number=row.tracking_number,
                vendor_id=vendor_id,
            )
            if (after.carrier, after.tracking_number) == before:
                result.unchanged += 1
            else:
                result.corrected += 1
        else:
            ship(
                shipment_id=part.pk,
                carrier=carrier,
                tracking_number=row.tracking_number,
                vendor_id=vendor_id,
            )
            result.shipped += 1
    except NotFoundError:
        column = labels[SHIPMENT_ID] if row.shipment_id else labels[ORDER_NUMBER]
        result.errors.append(RowError(row.number, column, _("Not found.")))
    except ShopError as error:
        if not error.fields:
            result.errors.append(RowError(row.number, labels[TRACKING_NUMBER], error.message))
        for field_name, messages in error.fields.items():
            column = labels.get(field_name, labels[TRACKING_NUMBER])
            if field_name == "status":
                messages = [error.message]
            for message in messages:
                result.errors.append(RowError(row.number, column, message))
