"""CSV downloads of seller-center and admin lists; every export is an audit event."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from shop import audit
from shop.csvsafe import escape_cell
from shop.events import publish
from vendors.events import DataExported
from vendors.models import Vendor


def default_csv_fields(model: type[models.Model]) -> list[str]:
    """Return every concrete field of ``model`` except secrets (account numbers, tokens)."""
    return [
        field.name for field in model._meta.concrete_fields if not audit.is_sensitive(field.name)
    ]


def csv_value(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname)
    value = getattr(obj, name)
    if value is None:
        return ""
    if field.flatchoices:  # the label people read, not the stored code
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, list | tuple):  # e.g. a multiple-country field
        return ", ".join(str(item) for item in value)
    return value


def write_csv(
    response: HttpResponse, model: type[models.Model], rows: Iterable[Any], fields: list[str]
) -> int:
    """Write ``rows`` to ``response`` under the fields' (translated) names; return the count.

    Cells go through ``escape_cell``: a buyer's name or address may start like a formula.
    """
    response.write("\ufeff")  # the BOM makes Excel read UTF-8 Korean correctly
    writer = csv.writer(response)
    writer.writerow([escape_cell(str(model._meta.get_field(name).verbose_name)) for name in fields])
    count = 0
    for obj in rows:
        writer.writerow([escape_cell(csv_value(obj, name)) for name in fields])
        count += 1
    return count


def export_csv_response(
    request: HttpRequest,
    rows: models.QuerySet,
    fields: list[str],
    *,
    vendor: Vendor | None,
    filename: str = "",
) -> HttpResponse:
    """Return ``rows`` as a CSV download and record the bulk read as an audit event."""
    model = rows.model
    filename = filename or f"{model._meta.model_name}-{timezone.localdate():%Y%m%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    with transaction.atomic():
        count = write_csv(response, model, rows.order_by("pk"), fields)
        publish(
            DataExported(
                model=model._meta.label,
                row_count=count,
                fields=fields,
                vendor_id=vendor.pk if vendor else None,
            )
        )
    return response
