"""Import and export use cases: a whole file in one transaction, every write through the services.

``import_catalog`` parses the file (``parsing``), then applies each product's plan with
``catalog.services`` (create or update the product, add option values, add variants,
save the variant grid), each product in its own savepoint so that one product's refusal
is recorded and the next product is still tried. If any row was refused, or for a dry
run, the whole transaction is rolled back: nothing of the file is written, and the
errors name every bad row found. Otherwise one ``CatalogImported`` event sums it up
beside the services' own events (one or more per product that changed).

``export_catalog`` writes the same layout, so an exported file imports back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services
from catalog.importexport import formats, layout
from catalog.importexport.events import CatalogExported, CatalogImported
from catalog.importexport.parsing import Parser, ProductPlan, RowError, VariantRow
from catalog.models import OptionGroup, Product, Variant
from shop.events import publish
from shop.exceptions import NotFoundError, ShopError

# Which column a service's error field belongs to.
PRODUCT_FIELD_COLUMNS = {
    "notice_type": "notice_type",
    "shipping_policy": "vendor",
    "vendor": "vendor",
    "__all__": "slug",
}
VARIANT_FIELD_COLUMNS = {
    "extra_price": "extra_price",
    "stock": "stock",
    "stock_was": "stock",
    "active": "active",
    "sku": "sku",
    "option_values": "option_value_1",
    "variant_id": "option_value_1",
}


@dataclass
class ImportResult:
    """What an import found and did; ``applied`` is false for a dry run or a refused file."""

    file_name: str
    file_format: str = ""
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ExportFile:
    name: str
    content_type: str
    data: bytes
    row_count: int


class _RollBackError(Exception):
    """Leaves the import's transaction without committing it."""


class PlanFailedError(Exception):
    """One product of the file was refused; its errors are already recorded."""


# --- Import -----------------------------------------------------------------------------------


def import_catalog(
    *, name: str, data: bytes, vendor_id: int | None = None, dry_run: bool = False
) -> ImportResult:
    """Import a CSV or .xlsx product file for ``vendor_id`` (None: any vendor, as the file says).

    Raises ``formats.FileRefusedError`` for a file that cannot be read at all; every other
    problem is a ``RowError`` in the result. All rows or none are written.
    """
    table = formats.read_table(name=name, data=data)
    result = ImportResult(file_name=name, file_format=table.file_format, row_count=len(table.rows))
    parser = Parser(table, acting_vendor_id=vendor_id)
    plans = parser.plans()
    result.errors.extend(parser.errors)
    try:
        with transaction.atomic():
            for plan in plans:
                if not plan.failed:
                    apply_plan(plan, vendor_id, result)
            if result.errors or dry_run:
                raise _RollBackError
            publish(
                CatalogImported(
                    file_name=name[:255],
                    file_format=table.file_format,
                    row_count=result.row_count,
                    products_created=result.products_created,
                    products_updated=result.products_updated,
                    products_unchanged=result.products_unchanged,
                    variants_created=result.variants_created,
                    variants_updated=result.variants_updated,
                    vendor_id=vendor_id,
                )
            )
            result.applied = True
    except _RollBackError:
        pass
    result.errors.sort()
    return result


def apply_plan(plan: ProductPlan, vendor_id: int | None, result: ImportResult) -> None:
    """Write one product's plan in a savepoint; on refusal record the errors and undo it."""
    errors: list[RowError] = []
    counts = {"created": 0, "updated": 0}
    try:
        with transaction.atomic():
            product_id, created = save_product(plan, vendor_id, errors)
            before = None if created else snapshot(product_id)
            add_options(plan, product_id, vendor_id, errors)
            counts = save_variants(plan, product_id, vendor_id, errors)
            if created:
                result.products_created += 1
            elif snapshot(product_id) != before:
                result.products_updated += 1
            else:
                result.products_unchanged += 1
    except PlanFailedError:
        result.errors.extend(errors)
        return
    result.variants_created += counts["created"]
    result.variants_updated += counts["updated"]


@contextmanager
def refusals(errors: list[RowError], row: int, columns: dict[str, str]) -> Iterator[None]:
    """Turn a service's refusal into row errors (``columns`` maps its fields to columns)."""
    try:
        yield
    except NotFoundError:
        errors.append(RowError(row, layout.header_of("id"), _("No product has this number.")))
        raise PlanFailedError from None
    except ShopError as error:
        for name, messages in (error.fields or {"__all__": [error.message]}).items():
            key = columns.get(name) or columns.get(name.rsplit(".", 1)[-1]) or ""
            if not key and name in layout.PRODUCT_KEYS:
                key = name
            column = layout.header_of(key) if key else ""
            errors.extend(RowError(row, column, str(message)) for message in messages)
        raise PlanFailedError from None
    except DatabaseError:
        # A constraint the services did not foresee: refuse the row, never a 500.
        errors.append(RowError(row, "", _("This row could not be saved.")))
        raise PlanFailedError from None


def save_product(
    plan: ProductPlan, vendor_id: int | None, errors: list[RowError]
) -> tuple[int, bool]:
    """Create the product, or update the fields the file changes; return (id, created)."""
    with refusals(errors, plan.first_row, PRODUCT_FIELD_COLUMNS):
        if plan.product_id is None:
            product = services.create_product(
                vendor_id=plan.vendor_id, categories=plan.categories or [], **plan.values
            )
            return product.pk, True
        product = Product.objects.get(pk=plan.product_id)
        # Only what differs goes to the service: an untouched legacy value (an old, now
        # incomplete notice) must not block a file that changes only the stock.
        changes = {
            name: value for name, value in plan.values.items() if getattr(product, name) != value
        }
        categories = plan.categories
        current = sorted(product.categories.values_list("pk", flat=True))
        if categories is not None and sorted(set(categories)) == current:
            categories = None
        if changes or categories is not None:
            services.update_product(
                product_id=plan.product_id, vendor_id=vendor_id, categories=categories, **changes
            )
        return plan.product_id, False


def add_options(
    plan: ProductPlan, product_id: int, vendor_id: int | None, errors: list[RowError]
) -> None:
    """Add the option groups and values the file names that the product lacks.

    Adding only: a group or value missing from the file stays, like the variants
    that are not in the file. Removing options is done on the product page.
    """
    groups = [
        {"name": group.name, "values": [value.value for value in group.values.all()]}
        for group in OptionGroup.objects.filter(product_id=product_id).prefetch_related("values")
    ]
    by_name = {group["name"]: group for group in groups}
    changed = False
    for variant in plan.variants:
        for name, value in variant.options:
            if name not in by_name:
                by_name[name] = {"name": name, "values": []}
                groups.append(by_name[name])
            if value not in by_name[name]["values"]:
                by_name[name]["values"].append(value)
                changed = True
    if changed:
        first = plan.variants[0].row
        with refusals(errors, first, {"name": "option_name_1", "values": "option_value_1"}):
            services.set_options(product_id=product_id, groups=groups, vendor_id=vendor_id)


def save_variants(
    plan: ProductPlan, product_id: int, vendor_id: int | None, errors: list[RowError]
) -> dict[str, int]:
    """Add the combinations the product lacks, then save the others' grid values at once."""
    value_ids = {
        (group.name, value.value): value.pk
        for group in OptionGroup.objects.filter(product_id=product_id).prefetch_related("values")
        for value in group.values.all()
    }
    existing = dict(Variant.objects.filter(product_id=product_id).values_list("option_key", "pk"))
    grid: list[dict[str, Any]] = []
    grid_rows: list[int] = []
    created = 0
    for variant in plan.variants:
        ids = [value_ids[option] for option in variant.options]
        key = services.option_key(ids)
        if key in existing:
            row = grid_row(existing[key], variant)
        else:
            with refusals(errors, variant.row, VARIANT_FIELD_COLUMNS):
                new = services.add_variant(
                    product_id=product_id,
                    option_value_ids=ids,
                    vendor_id=vendor_id,
                    extra_price=variant.extra_price or 0,
                    stock=variant.stock or 0,
                    sku=variant.sku or "",
                )
            created += 1
            row = {"variant_id": new.pk, "active": False} if variant.active is False else {}
        if len(row) > 1:
            grid.append(row)
            grid_rows.append(variant.row)
    updated = 0
    if grid:
        try:
            updated = services.update_variant_grid(
                product_id=product_id, rows=grid, vendor_id=vendor_id
            )
        except ShopError as error:
            errors.extend(grid_errors(error, grid_rows))
            raise PlanFailedError from None
    return {"created": created, "updated": updated}


def grid_row(variant_id: int, variant: VariantRow) -> dict[str, Any]:
    row: dict[str, Any] = {"variant_id": variant_id}
    if variant.extra_price is not None:
        row["extra_price"] = variant.extra_price
    if variant.stock is not None:
        row["stock"] = variant.stock
    if variant.active is not None:
        row["active"] = variant.active
    if variant.sku is not None:
        row["sku"] = variant.sku
    return row


def grid_errors(error: ShopError, grid_rows: list[int]) -> list[RowError]:
    """Name the file row of each refused grid row (the service names them ``rows.<i>.<field>``)."""
    found = []
    for name, messages in (error.fields or {"": [error.message]}).items():
        parts = name.split(".")
        index = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0
        row = grid_rows[index] if index < len(grid_rows) else grid_rows[0]
        key = VARIANT_FIELD_COLUMNS.get(parts[-1], "")
        column = layout.header_of(key) if key else ""
        found.extend(RowError(row, column, str(message)) for message in messages)
    return found


def snapshot(product_id: int) -> list[list[Any]]:
    """Return the product as exported rows: equal before and after means nothing changed."""
    product = export_queryset(Product.objects.filter(pk=product_id)).get()
    return product_rows(product, option_count=product_option_count(product))


# --- Export -----------------------------------------------------------------------------------


def export_queryset(products: QuerySet) -> QuerySet:
    """Return ``products`` with everything the rows need, in a fixed number of queries."""
    return (
        products.filter(deleted_at__isnull=True)
        .select_related("vendor")
        .prefetch_related(
            "categories",
            Prefetch("option_groups", queryset=OptionGroup.objects.prefetch_related("values")),
            Prefetch("variants", queryset=Variant.objects.prefetch_related("option_values")),
        )
        .order_by("pk")
    )


def product_option_count(product: Product) -> int:
    return len(product.option_groups.all())


def product_rows(product: Product, *, option_count: int) -> list[list[Any]]:
    """Return the product's rows: one per current variant, or one of product columns only."""
    values: dict[str, Any] = {
        "id": product.pk,
        "vendor": product.vendor.slug,
        "slug": product.slug,
        "name": product.name,
        "summary": product.summary,
        "brand": product.brand,
        "status": product.status,
        "price": int(product.price),
        "is_tax_free": "Y" if product.is_tax_free else "N",
        "categories": layout.CATEGORY_SEPARATOR.join(
            sorted(category.slug for category in product.categories.all())
        ),
        "weight_grams": product.weight_grams if product.weight_grams is not None else "",
        "notice_type": product.notice_type,
        "notice": json.dumps(product.notice, ensure_ascii=False, sort_keys=True)
        if product.notice
        else "",
        "description": product.description,
    }
    product_part = [values[key] for key, _header in layout.PRODUCT_COLUMNS]
    groups = list(product.option_groups.all())
    rows = []
    for variant in product.variants.all():
        chosen = {value.group_id: value for value in variant.option_values.all()}
        if len(chosen) != len(groups) or any(group.pk not in chosen for group in groups):
            continue  # a combination whose values were removed: no longer offered
        options: list[Any] = []
        for group in groups:
            options += [group.name, chosen[group.pk].value]
        options += [""] * (2 * option_count - len(options))
        rows.append(
            [
                *product_part,
                *options,
                variant.sku,
                int(variant.extra_price),
                variant.stock,
                "Y" if variant.is_active else "N",
            ]
        )
    if not rows:
        rows.append([*product_part, *([""] * (2 * option_count)), "", "", "", ""])
    return rows


def export_catalog(
    *, products: QuerySet, file_format: str, vendor_id: int | None = None
) -> ExportFile:
    """Return the products and their variants as a CSV or .xlsx file; log the bulk read."""
    if file_format not in formats.CONTENT_TYPES:
        raise ShopError(
            "invalid_format", _("Choose CSV or Excel."), fields={"format": [file_format]}
        )
    if vendor_id is not None:
        products = products.filter(vendor_id=vendor_id)
    items = list(export_queryset(products))
    option_count = max((product_option_count(product) for product in items), default=0)
    keys = layout.export_keys(option_count)
    rows = [row for product in items for row in product_rows(product, option_count=option_count)]
    header = [layout.header_of(key) for key in keys]
    if file_format == formats.XLSX:
        data = formats.write_xlsx(header, rows)
    else:
        data = formats.write_csv(header, rows)
    with transaction.atomic():
        publish(
            CatalogExported(
                file_format=file_format,
                product_count=len(items),
                row_count=len(rows),
                vendor_id=vendor_id,
            )
        )
    name = f"products-{timezone.localdate():%Y%m%d}.{file_format}"
    return ExportFile(name, formats.CONTENT_TYPES[file_format], data, len(rows))
