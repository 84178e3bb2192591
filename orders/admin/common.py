"""What the orders pages of both admin sites share: running a service, CSV exports, read-only rows.

An order is a snapshot: no page edits one field by field. Every change is a button or
an action that calls one service of ``orders.services``; a refusal (ship a cancelled
order) comes back as the service's message, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.importexport import formats
from orders import payment_methods
from orders.models import OrderLine, VendorShipment
from shop.events import publish
from shop.exceptions import ShopError
from shop.money import format_krw
from vendors.events import DataExported


def error_text(error: ShopError) -> str:
    """Return a refusal as one sentence with the field messages that add to it."""
    details = [
        message
        for field_messages in error.fields.values()
        for message in field_messages
        if message != error.message
    ]
    return " ".join([error.message, *dict.fromkeys(details)])


def run_service(request: HttpRequest, label: str, call: Callable[[], Any]) -> bool:
    """Call one service; report its refusal as an error message about ``label``."""
    try:
        call()
    except ShopError as error:
        messages.error(request, f"{label}: {error_text(error)}")
        return False
    return True


def run_each(
    request: HttpRequest, objects: Iterable[Any], call: Callable[[Any], Any], done: Any
) -> int:
    """Call ``call(obj)`` for each object in its own transaction; report each refusal.

    ``done`` is the success message, ``%(count)d`` filled in: an ``ngettext_lazy`` with
    ``"count"`` as its number picks the singular or plural form then.

    Used by bulk actions: one refused order never blocks the others.
    """
    count = 0
    for obj in objects:
        if run_service(request, str(obj_label(obj)), lambda obj=obj: call(obj)):
            count += 1
    if count:
        messages.success(request, done % {"count": count})
    return count


def obj_label(obj: Any) -> str:
    order = getattr(obj, "order", None)
    if isinstance(obj, VendorShipment) and order is not None:
        return gettext("Order %(number)s") % {"number": order.number}
    if hasattr(obj, "number"):
        return gettext("Order %(number)s") % {"number": obj.number}
    return str(obj)


def payment_method_label(value: str) -> str:
    return payment_methods.label_of(value)


# --- Display helpers --------------------------------------------------------------------------


def krw(value: Any) -> str:
    return format_krw(value) if value is not None else "-"


def when(value: Any) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def shipment_label(shipment: VendorShipment) -> str:
    """Return how a vendor part is named on its pages: its order number and vendor."""
    return f"{shipment.order.number} · {shipment.vendor.name}"


def tracking_html(shipment: VendorShipment) -> str:
    """Return the carrier and waybill number, linked to the carrier's tracking page."""
    if not shipment.tracking_number:
        return "-"
    label = f"{shipment.get_carrier_display()} {shipment.tracking_number}"
    if shipment.tracking_url:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>',
            shipment.tracking_url,
            label,
        )
    return label


def line_summary(line: OrderLine) -> str:
    """Return ``상품 / 옵션 x 2`` (with add-ons and text options) for lists and exports."""
    text = line.product_name
    if line.option_label:
        text += f" / {line.option_label}"
    text += f" x {line.live_quantity}"
    if line.live_quantity != line.quantity:
        text += " " + gettext("(of %(quantity)d)") % {"quantity": line.quantity}
    extras = [f"+{item['name']} x {item['quantity']}" for item in line.addons or []]
    extras += [
        f"{item.get('label', '')}: {item.get('text', '')}" for item in line.text_inputs or []
    ]
    if extras:
        text += " (" + ", ".join(extras) + ")"
    return text


def lines_summary(lines: Iterable[OrderLine]) -> str:
    return "; ".join(line_summary(line) for line in lines)


def address_of(order: Any) -> str:
    return " ".join(
        part for part in [f"({order.postcode})", order.road_address, order.detail_address] if part
    )


class TransitionOnlyMixin:
    """An admin whose rows are never added, edited or deleted by hand: what happened to an
    order is a snapshot, and every change is a button that calls a service.

    ``transition_permission`` is the permission those buttons need.
    """

    transition_permission = ""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_transition_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.transition_permission)


class ReadOnlyInlineMixin:
    """An inline that shows rows of an order as they are; nothing is added or edited there."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineColumnsMixin:
    """Columns of an order line in an inline: what was sold, its unit price and amount."""

    @admin.display(description=_("product"))
    def item(self, obj: OrderLine) -> str:
        return line_summary(obj)

    @admin.display(description=_("unit price"))
    def unit(self, obj: OrderLine) -> str:
        return krw(obj.unit_total)

    @admin.display(description=_("amount"))
    def amount(self, obj: OrderLine) -> str:
        return krw(obj.live_amount)


class ClaimColumnsMixin:
    """Columns of a claim in an inline; its lines come prefetched with their order lines."""

    @admin.display(description=_("items sent back"))
    def items(self, obj: Any) -> str:
        return "; ".join(f"{item.order_line} x {item.quantity}" for item in obj.lines.all())

    @admin.display(description=_("requested at"))
    def requested_at(self, obj: Any) -> Any:
        return obj.created_at


# --- CSV exports ---------------------------------------------------------------------------------

Column = tuple[str, str, Callable[[Any], Any]]


def csv_download(
    *,
    model: type[models.Model],
    columns: list[Column],
    rows: Iterable[Any],
    vendor_id: int | None,
    filename: str,
) -> HttpResponse:
    """Return rows as a UTF-8 CSV (with BOM, formula-safe) and audit the bulk read."""
    header = [str(label) for _key, label, _value in columns]
    values = [[value(row) for _key, _label, value in columns] for row in rows]
    response = HttpResponse(
        formats.write_csv(header, values), content_type=formats.CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{filename}-{timezone.localdate():%Y%m%d}.csv"'
    )
    with transaction.atomic():
        publish(
            DataExported(
                model=model._meta.label,
                row_count=len(values),
                fields=[key for key, _label, _value in columns],
                vendor_id=vendor_id,
            )
        )
    return response


def plain(value: Any) -> Any:
    """Return a cell: whole won as an integer spreadsheets sum, dates in local time."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "as_tuple"):  # Decimal
        return int(value)
    return value
