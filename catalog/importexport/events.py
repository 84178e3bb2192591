"""Events of catalog imports and exports: what a whole file did, for the audit log.

Each product an import creates or changes publishes its own event through the catalog
services; these summarise the file. An export is a bulk read and is logged as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class CatalogImported(Event):
    """A product file was imported: its name, format and what it created or changed."""

    file_name: str
    file_format: str
    row_count: int
    products_created: int
    products_updated: int
    products_unchanged: int
    variants_created: int
    variants_updated: int
    vendor_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CatalogExported(Event):
    """Products and variants were downloaded in bulk (CSV or Excel)."""

    file_format: str
    product_count: int
    row_count: int
    vendor_id: int | None = None
