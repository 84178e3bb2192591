"""Facts the wishlist app announces."""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class ProductWished(Event):
    subject_model = "catalog.Product"
    subject_field = "product_id"

    user_id: int
    product_id: int


@dataclass(frozen=True, kw_only=True)
class ProductUnwished(Event):
    subject_model = "catalog.Product"
    subject_field = "product_id"

    user_id: int
    product_id: int


@dataclass(frozen=True, kw_only=True)
class RestockAlertRequested(Event):
    subject_model = "catalog.Variant"
    subject_field = "variant_id"

    subscription_id: int
    user_id: int | None
    variant_id: int


@dataclass(frozen=True, kw_only=True)
class RestockAlertSent(Event):
    """The one message of a restock alert was queued; the request is done."""

    subject_model = "catalog.Variant"
    subject_field = "variant_id"

    subscription_id: int
    user_id: int | None
    variant_id: int
