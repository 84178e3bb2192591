"""Events of the catalog: product, option, price and stock changes, with plain values only.

Money travels as text (``str(Decimal)``); ``changes`` is ``{field: [before, after]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class ProductCreated(Event):
    """A product was created; ``changes`` holds ``{field: [None, value]}``."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class ProductChanged(Event):
    """A product, its options or its variant grid changed: ``{field: [before, after]}``."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class ProductStatusChanged(Event):
    """A product's sale status changed, e.g. from draft to on sale.

    ``automatic`` is true when the stock rule flipped it (every active variant reached
    zero, or stock came back); a merchant's own change is false. Only an automatic
    "sold out" is turned back to "on sale" by returning stock.
    """

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int
    old_status: str
    new_status: str
    automatic: bool = False


@dataclass(frozen=True, kw_only=True)
class ProductDeleted(Event):
    """A product was soft-deleted: hidden everywhere, kept for the orders that name it."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int


@dataclass(frozen=True, kw_only=True)
class ProductRestored(Event):
    """A soft-deleted product was brought back."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int


@dataclass(frozen=True, kw_only=True)
class VariantsGenerated(Event):
    """The option combinations of a product were generated: new ones and deactivated ones."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int
    created_variant_ids: list[int] = field(default_factory=list)
    deactivated_variant_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class StockChanged(Event):
    """A variant's stock moved by ``delta`` to ``stock``; ``reason`` says why."""

    subject_model = "catalog.Variant"
    subject_field = "variant_id"

    variant_id: int
    product_id: int
    vendor_id: int
    delta: int
    stock: int
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PriceChanged(Event):
    """A product's base price changed (money as text)."""

    subject_model = "catalog.Product"
    subject_field = "product_id"

    product_id: int
    vendor_id: int
    old_price: str
    new_price: str


@dataclass(frozen=True, kw_only=True)
class AddOnStockChanged(Event):
    """An add-on item's (추가상품) stock moved by ``delta`` to ``stock``; ``reason`` says why."""

    subject_model = "catalog.AddOn"
    subject_field = "addon_id"

    addon_id: int
    product_id: int
    vendor_id: int
    delta: int
    stock: int
    reason: str = ""
