"""Options and variants: option groups, generating every combination, the variant grid."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.events import (
    ProductChanged,
    VariantsGenerated,
)
from catalog.exceptions import CatalogError, CatalogErrorCode
from catalog.models import (
    OptionGroup,
    OptionValue,
    Product,
    Variant,
)
from catalog.services.products import MAX_STOCK, lock_product, parse_krw
from catalog.services.skus import grid_sku_errors, lock_vendor_skus, sku_taken_message, taken_skus
from catalog.services.sold_out import sync_sold_out
from shop import audit
from shop.events import publish

# --- Options and variants -------------------------------------------------------------------


def set_options(
    *, product_id: int, groups: Sequence[dict[str, Any]], vendor_id: int | None = None
) -> list[OptionGroup]:
    """Make the product's option groups exactly ``groups`` (``[{"name", "values": [...]}]``).

    Groups and values are matched by name, so existing ones (and their variants) are
    kept; removed values are deleted and the variants using them deactivated.
    """
    check_option_groups(groups)
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        before = option_summary(product)
        kept_groups = []
        for position, spec in enumerate(groups):
            group, _created = OptionGroup.objects.update_or_create(
                product=product, name=spec["name"].strip(), defaults={"position": position}
            )
            sync_values(group, [value.strip() for value in spec["values"]])
            kept_groups.append(group)
        product.option_groups.exclude(pk__in=[group.pk for group in kept_groups]).delete()
        deactivate_stale_variants(product)
        diff = audit.changes({"options": before}, {"options": option_summary(product)})
        if diff:
            publish(
                ProductChanged(product_id=product.pk, vendor_id=product.vendor_id, changes=diff),
                subject=product,
            )
    return kept_groups


def check_option_groups(groups: Sequence[dict[str, Any]]) -> None:
    """Refuse unnamed, repeated or empty option groups and repeated values, naming each."""
    errors: dict[str, list[str]] = {}
    names = [str(spec.get("name") or "").strip() for spec in groups]
    for index, spec in enumerate(groups):
        values = [str(value).strip() for value in spec.get("values") or []]
        if not names[index]:
            errors[f"groups.{index}.name"] = [_("Enter the option name.")]
        elif names.count(names[index]) > 1:
            errors[f"groups.{index}.name"] = [_("Two option groups have this name.")]
        if not values or not all(values):
            errors[f"groups.{index}.values"] = [_("Enter at least one value, none empty.")]
        elif len(set(values)) != len(values):
            errors[f"groups.{index}.values"] = [_("A value is repeated.")]
    if errors:
        raise CatalogError(
            CatalogErrorCode.INVALID_OPTIONS, _("The options are not valid."), fields=errors
        )


def sync_values(group: OptionGroup, values: list[str]) -> None:
    """Make the group's values exactly ``values`` in that order, keeping existing rows."""
    existing = {value.value: value for value in group.values.all()}
    for position, text in enumerate(values):
        if text in existing:
            if existing[text].position != position:
                existing[text].position = position
                existing[text].save(update_fields=["position"])
        else:
            OptionValue.objects.create(group=group, value=text, position=position)
    group.values.exclude(value__in=values).delete()


def option_summary(product: Product) -> dict[str, list[str]]:
    """Return ``{group name: [values]}`` of the product, for the audit log."""
    return {
        group.name: [value.value for value in group.values.all()]
        for group in product.option_groups.prefetch_related("values")
    }


def option_key(value_ids: Iterable[int]) -> str:
    """Return the key of a combination: its sorted value ids, whatever order they came in."""
    return "-".join(str(pk) for pk in sorted(value_ids))


def current_combinations(product: Product) -> list[tuple[OptionValue, ...]]:
    """Return every combination of one value per option group, in group order."""
    groups = list(product.option_groups.prefetch_related("values"))
    if not groups:
        return [()]  # a product without options sells as one variant
    return list(itertools.product(*[list(group.values.all()) for group in groups]))


def deactivate_stale_variants(product: Product) -> list[int]:
    """Deactivate the variants whose combination is no longer offered; return their ids."""
    keys = {option_key(value.pk for value in combo) for combo in current_combinations(product)}
    stale = list(
        product.variants.filter(is_active=True)
        .exclude(option_key__in=keys)
        .values_list("pk", flat=True)
    )
    Variant.objects.filter(pk__in=stale).update(is_active=False)
    return stale


@dataclass(frozen=True)
class GenerationResult:
    created: list[Variant]
    deactivated_ids: list[int]


def generate_variants(
    *, product_id: int, vendor_id: int | None = None, stock: int = 0
) -> GenerationResult:
    """Create every option combination the product lacks; existing ones stay as they are.

    Running it twice changes nothing; after values were removed, their variants are
    deactivated. New variants start with no extra price and ``stock`` items.
    """
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise CatalogError(
            CatalogErrorCode.INVALID_OPTIONS,
            _("Enter a whole number of zero or more."),
            fields={"stock": [_("Enter a whole number of zero or more.")]},
        )
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        existing = set(product.variants.values_list("option_key", flat=True))
        missing = [
            combo
            for combo in current_combinations(product)
            if option_key(value.pk for value in combo) not in existing
        ]
        created = Variant.objects.bulk_create(
            [
                Variant(
                    product=product,
                    option_key=option_key(value.pk for value in combo),
                    label=" / ".join(value.value for value in combo),
                    stock=stock,
                    position=len(existing) + index,
                )
                for index, combo in enumerate(missing)
            ]
        )
        if not connection_returns_ids(created):
            created = list(product.variants.exclude(option_key__in=existing))
        link_values(created, missing)
        deactivated = deactivate_stale_variants(product)
        if created or deactivated:
            publish(
                VariantsGenerated(
                    product_id=product.pk,
                    vendor_id=product.vendor_id,
                    created_variant_ids=[variant.pk for variant in created],
                    deactivated_variant_ids=deactivated,
                ),
                subject=product,
            )
    return GenerationResult(created=created, deactivated_ids=deactivated)


def connection_returns_ids(variants: list[Variant]) -> bool:
    return all(variant.pk is not None for variant in variants)


def link_values(variants: list[Variant], combos: list[tuple[OptionValue, ...]]) -> None:
    """Attach each new variant to the option values of its combination in one INSERT."""
    by_key = {variant.option_key: variant for variant in variants}
    through = Variant.option_values.through
    through.objects.bulk_create(
        [
            through(
                variant_id=by_key[option_key(value.pk for value in combo)].pk,
                optionvalue_id=value.pk,
            )
            for combo in combos
            for value in combo
        ]
    )


def add_variant(
    *,
    product_id: int,
    option_value_ids: Sequence[int],
    vendor_id: int | None = None,
    extra_price: Any = 0,
    stock: int = 0,
    sku: str = "",
) -> Variant:
    """Add one combination by hand: one value of each option group, not already a variant."""
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        values = list(
            OptionValue.objects.filter(
                pk__in=option_value_ids, group__product=product
            ).select_related("group")
        )
        groups = set(product.option_groups.values_list("pk", flat=True))
        if (
            len(values) != len(set(option_value_ids))
            or {value.group_id for value in values} != groups
            or len(values) != len(groups)
        ):
            raise CatalogError(
                CatalogErrorCode.INVALID_OPTIONS,
                _("Pick one value of each option group."),
                fields={"option_values": [_("Pick one value of each option group.")]},
            )
        key = option_key(value.pk for value in values)
        if product.variants.filter(option_key=key).exists():
            raise CatalogError(
                CatalogErrorCode.DUPLICATE_COMBINATION,
                _("This option combination already exists."),
                fields={"option_values": [_("This option combination already exists.")]},
            )
        sku = sku.strip() if isinstance(sku, str) else sku
        errors = row_errors(
            product, {"extra_price": extra_price, "stock": stock, "sku": sku}, prefix=""
        )
        if not errors and sku:
            lock_vendor_skus(product.vendor_id)
            taken = taken_skus(vendor_id=product.vendor_id, skus={sku})
            if sku in taken:
                errors["sku"] = [sku_taken_message(sku, taken[sku])]
        if errors:
            raise CatalogError(
                CatalogErrorCode.INVALID_OPTIONS, _("The variant is not valid."), fields=errors
            )
        values.sort(key=lambda value: (value.group.position, value.group_id))
        variant = Variant.objects.create(
            product=product,
            option_key=key,
            label=" / ".join(value.value for value in values),
            sku=sku,
            extra_price=parse_krw(extra_price, field="extra_price"),
            stock=int(stock),
        )
        variant.option_values.set(values)
        publish(
            VariantsGenerated(
                product_id=product.pk, vendor_id=product.vendor_id, created_variant_ids=[variant.pk]
            ),
            subject=product,
        )
    return variant


# --- The variant grid -----------------------------------------------------------------------

GRID_FIELDS = ("extra_price", "stock", "stock_was", "active", "sku")
GRID_COLUMNS = ["extra_price", "stock", "is_active", "sku"]


def row_errors(product: Product, row: dict[str, Any], *, prefix: str) -> dict[str, list[str]]:
    """Return the field errors of one grid row (``{"rows.2.stock": [...]}``), empty if valid."""
    errors: dict[str, list[str]] = {}
    if "extra_price" in row:
        try:
            extra = parse_krw(row["extra_price"], field="extra_price")
        except CatalogError as error:
            errors[f"{prefix}extra_price"] = error.fields["extra_price"]
        else:
            if product.price + extra < 0:
                errors[f"{prefix}extra_price"] = [
                    _("The option price may not lower the price below zero (at least %(min)s).")
                    % {"min": -product.price}
                ]
    for name in ["stock", "stock_was"]:
        stock = row.get(name, 0)
        if isinstance(stock, bool) or not str(stock).strip().isdigit():
            errors[f"{prefix}{name}"] = [_("Enter a whole number of zero or more.")]
        elif int(stock) > MAX_STOCK:
            errors[f"{prefix}{name}"] = [_("Enter a smaller number.")]
    if "active" in row and not isinstance(row["active"], bool):
        errors[f"{prefix}active"] = [_("Enter true or false.")]
    if "sku" in row and (not isinstance(row["sku"], str) or len(row["sku"]) > 64):
        errors[f"{prefix}sku"] = [_("Enter a code of at most 64 characters.")]
    return errors


def check_grid_rows(product: Product, rows: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Return the errors of every row of a variant grid for ``product``, naming row and field."""
    own = set(product.variants.values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    seen: set[Any] = set()
    for index, row in enumerate(rows):
        prefix = f"rows.{index}."
        unknown = set(row) - {"variant_id", *GRID_FIELDS}
        for name in sorted(unknown):
            errors[prefix + name] = [_("This field is not accepted.")]
        variant_id = row.get("variant_id")
        if variant_id not in own or variant_id in seen:
            errors[prefix + "variant_id"] = [_("Select a variant of this product, once.")]
        seen.add(variant_id)
        errors.update(row_errors(product, row, prefix=prefix))
    return errors


def stale_stock_errors(
    rows: Sequence[dict[str, Any]], current: dict[int, int]
) -> dict[str, list[str]]:
    """Return an error for each row whose ``stock_was`` is no longer the stored stock."""
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        stock_now = current.get(row["variant_id"])
        if "stock_was" in row and stock_now is not None and stock_now != int(row["stock_was"]):
            errors[f"rows.{index}.stock"] = [
                _("The stock changed to %(stock)d while you were editing; check it and save again.")
                % {"stock": stock_now}
            ]
    return errors


def update_variant_grid(
    *, product_id: int, rows: Sequence[dict[str, Any]], vendor_id: int | None = None
) -> int:
    """Save many variants' extra price, stock and active flag at once; all rows or none.

    Every row is checked first; one bad row refuses the whole grid with errors naming
    each bad row and field, and nothing is saved. Returns how many variants changed.
    A row's ``stock_was`` (the stock the editor saw) guards against overwriting sales
    made meanwhile: if the stock moved since, the row is refused instead.
    """
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        errors = check_grid_rows(product, rows)
        if errors:
            raise CatalogError(
                CatalogErrorCode.INVALID_VARIANT_GRID,
                _("Some rows of the variant grid are not valid; nothing was saved."),
                fields=errors,
            )
        variants = Variant.objects.select_for_update().in_bulk([row["variant_id"] for row in rows])
        errors = stale_stock_errors(rows, {pk: variant.stock for pk, variant in variants.items()})
        if errors:
            raise CatalogError(
                CatalogErrorCode.INVALID_VARIANT_GRID,
                _("Some rows of the variant grid are not valid; nothing was saved."),
                fields=errors,
            )
        diff: dict[str, list[Any]] = {}
        for row in rows:
            variant = variants[row["variant_id"]]
            before = audit.snapshot(variant, GRID_COLUMNS)
            if "extra_price" in row:
                variant.extra_price = parse_krw(row["extra_price"], field="extra_price")
            variant.stock = int(row.get("stock", variant.stock))
            variant.is_active = row.get("active", variant.is_active)
            variant.sku = row.get("sku", variant.sku).strip()
            after = audit.snapshot(variant, GRID_COLUMNS)
            for name, change in audit.changes(before, after).items():
                diff[f"variants.{variant.pk}.{name}"] = change
        changed = {int(key.split(".")[1]) for key in diff}
        errors = grid_sku_errors(product, rows, variants, diff)
        if errors:
            raise CatalogError(
                CatalogErrorCode.INVALID_VARIANT_GRID,
                _("Some rows of the variant grid are not valid; nothing was saved."),
                fields=errors,
            )
        Variant.objects.bulk_update([variants[pk] for pk in changed], GRID_COLUMNS)
        if diff:
            publish(
                ProductChanged(product_id=product.pk, vendor_id=product.vendor_id, changes=diff),
                subject=product,
            )
            sync_sold_out(product_ids=[product.pk])
    return len(changed)
