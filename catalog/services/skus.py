"""SKUs: a non-blank SKU is unique among one vendor's live variants.

Live means active and of a product that is not deleted. No database constraint can
hold the rule (the vendor is on the product, the SKU on the variant), so the services
check it while holding the vendor's row lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from catalog.models import Product, Variant
from vendors.models import Vendor


def lock_vendor_skus(vendor_id: int) -> None:
    """Serialise SKU changes of one vendor: no column can hold the rule (it spans products),
    so two editors saving the same SKU at once must not both pass the check."""
    list(Vendor.objects.select_for_update().filter(pk=vendor_id).values_list("pk", flat=True))


def taken_skus(
    *, vendor_id: int, skus: set[str], exclude_variant_ids: Iterable[int] = ()
) -> dict[str, str]:
    """Return ``{sku: "product (options)"}`` for each of ``skus`` an active variant of the
    vendor's (not deleted) products already uses, apart from ``exclude_variant_ids``."""
    rows = (
        Variant.objects.filter(
            product__vendor_id=vendor_id,
            product__deleted_at__isnull=True,
            is_active=True,
            sku__in=skus,
        )
        .exclude(pk__in=list(exclude_variant_ids))
        .values_list("sku", "product__name", "label")
    )
    return {sku: f"{name} ({label})" if label else name for sku, name, label in rows}


def sku_taken_message(sku: str, where: str) -> str:
    return _("The SKU %(sku)s is already used by %(where)s.") % {"sku": sku, "where": where}


def grid_sku_errors(
    product: Product,
    rows: Sequence[dict[str, Any]],
    variants: dict[int, Variant],
    diff: dict[str, list[Any]],
) -> dict[str, list[str]]:
    """Return an error for each grid row whose new (or reactivated) SKU another live variant
    of the vendor uses, in the grid or outside it. Rows left as they were are not checked,
    so a duplicate saved before the rule existed does not block unrelated edits."""
    touched = {int(key.split(".")[1]) for key in diff if key.endswith((".sku", ".is_active"))}
    checked = {
        index: variants[row["variant_id"]]
        for index, row in enumerate(rows)
        if row["variant_id"] in touched
        and variants[row["variant_id"]].is_active
        and variants[row["variant_id"]].sku
    }
    if not checked:
        return {}
    lock_vendor_skus(product.vendor_id)
    in_grid: dict[str, int] = {}
    for variant in variants.values():
        if variant.is_active and variant.sku:
            in_grid[variant.sku] = in_grid.get(variant.sku, 0) + 1
    taken = taken_skus(
        vendor_id=product.vendor_id,
        skus={variant.sku for variant in checked.values()},
        exclude_variant_ids=variants,
    )
    errors: dict[str, list[str]] = {}
    for index, variant in checked.items():
        if in_grid[variant.sku] > 1:
            errors[f"rows.{index}.sku"] = [_("Two options in this grid have this SKU.")]
        elif variant.sku in taken:
            errors[f"rows.{index}.sku"] = [sku_taken_message(variant.sku, taken[variant.sku])]
    return errors
