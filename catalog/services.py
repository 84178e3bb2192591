"""Use cases of the catalog: products, options, variant generation, the variant grid and stock.

Every write runs in its own transaction and publishes one audit event with the before
and after values. Business rules live here and nowhere else: the description is
sanitised, the product notice is checked against its type's items, a variant's final
price (base price plus 옵션가) never drops below zero, and stock only moves through a
conditional UPDATE so two buyers can never take the last item twice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.events import (
    AddOnStockChanged,
    PriceChanged,
    ProductChanged,
    ProductCreated,
    ProductDeleted,
    ProductRestored,
    ProductStatusChanged,
    StockChanged,
    VariantsGenerated,
)
from catalog.exceptions import CatalogError, CatalogErrorCode
from catalog.models import (
    AddOn,
    Category,
    OptionGroup,
    OptionValue,
    Product,
    TextOption,
    Variant,
)
from catalog.notices import notice_fields
from catalog.sanitize import clean_description
from shop import audit
from shop.events import publish
from shop.exceptions import NotFoundError
from vendors.models import Vendor

MAX_KRW = Decimal(10**12 - 1)  # what a Decimal(12, 0) column holds
MAX_STOCK = 2_147_483_647  # PostgreSQL integer
EDITABLE_FIELDS = [name for name in selectors.PRODUCT_AUDITED_FIELDS if name != "vendor"]

# --- Products -------------------------------------------------------------------------------


def clean_product_values(values: dict[str, Any]) -> dict[str, Any]:
    """Return ``values`` with the product rules applied, or raise naming the bad fields.

    Forms call it before saving so the rules show as field errors there too.
    """
    unknown = sorted(set(values) - set(EDITABLE_FIELDS) - {"shipping_policy_id"})
    if unknown:
        raise invalid_product({name: [_("This field is not accepted.")] for name in unknown})
    cleaned = dict(values)
    if "description" in cleaned:
        cleaned["description"] = clean_description(cleaned["description"] or "")
    if "price" in cleaned:
        cleaned["price"] = parse_krw(cleaned["price"], field="price", minimum=Decimal(0))
    if "notice_type" in cleaned and "notice" in cleaned:
        check_notice(cleaned["notice_type"], cleaned["notice"])
    return cleaned


def parse_krw(value: Any, *, field: str, minimum: Decimal | None = None) -> Decimal:
    """Return ``value`` as whole won, or raise a field error for text, fractions or a low value."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise invalid_product({field: [_("Enter a whole number of won.")]}) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise invalid_product({field: [_("Enter a whole number of won.")]})
    if abs(amount) > MAX_KRW:
        raise invalid_product({field: [_("Enter a smaller amount.")]})
    if minimum is not None and amount < minimum:
        raise invalid_product(
            {field: [_("Enter an amount of at least %(minimum)s won.") % {"minimum": minimum}]}
        )
    return amount


def check_notice(notice_type: str | None, notice: Any) -> None:
    """Refuse a product notice that misses an item of its type or holds unknown ones."""
    if notice_type is None:
        return
    required = notice_fields(notice_type)
    if not required:
        raise invalid_product({"notice_type": [_("Select a valid product notice type.")]})
    if not isinstance(notice, dict):
        raise invalid_product({"notice": [_("Enter the notice items as an object.")]})
    errors = []
    missing = [key for key in required if not str(notice.get(key) or "").strip()]
    if missing:
        errors.append(_("Missing items: %(items)s.") % {"items": ", ".join(missing)})
    unknown = sorted(set(notice) - set(required))
    if unknown:
        errors.append(_("Unknown items: %(items)s.") % {"items": ", ".join(unknown)})
    if any(not isinstance(value, str | int | float) for value in notice.values()):
        errors.append(_("Every item must be text."))
    if errors:
        raise invalid_product({"notice": errors})


def invalid_product(fields: dict[str, list[str]]) -> CatalogError:
    return CatalogError(
        CatalogErrorCode.INVALID_PRODUCT, _("The product is not valid."), fields=fields
    )


def create_product(*, vendor_id: int, categories: Iterable[int] = (), **values: Any) -> Product:
    """Create a product of the vendor (a draft unless ``status`` says otherwise)."""
    values = clean_product_values(values)
    values.setdefault("notice_type", Product._meta.get_field("notice_type").default)
    check_notice(values["notice_type"], values.setdefault("notice", {}))
    with transaction.atomic():
        product = Product(vendor_id=vendor_id, **values)
        check_product_rules(product)
        save_validated(product)
        product.categories.set(existing_categories(categories))
        publish(
            ProductCreated(
                product_id=product.pk,
                vendor_id=vendor_id,
                changes=audit.changes({}, selectors.audit_values(product)),
            ),
            subject=product,
        )
    return product


def update_product(
    *,
    product_id: int,
    vendor_id: int | None = None,
    categories: Iterable[int] | None = None,
    **changes: Any,
) -> Product:
    """Change a product (of ``vendor_id`` when given); publish what changed, before and after."""
    changes = clean_product_values(changes)
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        before = selectors.audit_values(product)
        for name, value in changes.items():
            setattr(product, name, value)
        if "notice_type" in changes or "notice" in changes:
            check_notice(product.notice_type, product.notice)
        check_product_rules(product)
        save_validated(product)
        if categories is not None:
            product.categories.set(existing_categories(categories))
        diff = audit.changes(before, selectors.audit_values(product))
        if diff:
            publish(
                ProductChanged(product_id=product.pk, vendor_id=product.vendor_id, changes=diff),
                subject=product,
            )
    return product


def change_status(*, product_id: int, status: str, vendor_id: int | None = None) -> Product:
    """Move a product to ``status`` (draft, on sale, sold out, hidden)."""
    if status not in Product.Status.values:
        raise invalid_product({"status": [_("Select a valid status.")]})
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        old_status = product.status
        if old_status == status:
            return product
        product.status = status
        product.save(update_fields=["status", "updated_at"])
        publish(
            ProductStatusChanged(
                product_id=product.pk,
                vendor_id=product.vendor_id,
                old_status=old_status,
                new_status=status,
            ),
            subject=product,
        )
    return product


def change_price(*, product_id: int, price: Any, vendor_id: int | None = None) -> Product:
    """Set a product's base price; refused if a variant's final price would fall below zero."""
    new_price = parse_krw(price, field="price", minimum=Decimal(0))
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        old_price = product.price
        if old_price == new_price:
            return product
        product.price = new_price
        check_product_rules(product)
        product.save(update_fields=["price", "updated_at"])
        publish(
            PriceChanged(
                product_id=product.pk,
                vendor_id=product.vendor_id,
                old_price=str(old_price),
                new_price=str(new_price),
            ),
            subject=product,
        )
    return product


def change_prices_by_percent(
    *, product_ids: Sequence[int], percent: Any, vendor_id: int | None = None
) -> int:
    """Raise (or lower, when negative) base prices by ``percent``, rounded to whole won."""
    try:
        factor = 1 + Decimal(str(percent)) / 100
    except (InvalidOperation, ValueError):
        raise invalid_product({"percent": [_("Enter a number.")]}) from None
    if factor < 0:
        raise invalid_product({"percent": [_("A price cannot fall below zero.")]})
    changed = 0
    with transaction.atomic():
        for product_id in product_ids:
            product = lock_product(product_id, vendor_id)
            new_price = (product.price * factor).quantize(Decimal(1))
            if new_price != product.price:
                change_price(product_id=product_id, price=new_price, vendor_id=vendor_id)
                changed += 1
    return changed


def delete_product(*, product_id: int, vendor_id: int | None = None) -> None:
    """Soft-delete a product: it disappears from every page but stays for past orders."""
    with transaction.atomic():
        product = lock_product(product_id, vendor_id)
        product.deleted_at = timezone.now()
        product.save(update_fields=["deleted_at", "updated_at"])
        publish(ProductDeleted(product_id=product.pk, vendor_id=product.vendor_id), subject=product)


def restore_product(*, product_id: int, vendor_id: int | None = None) -> Product:
    """Bring back a soft-deleted product as it was."""
    with transaction.atomic():
        rows = Product.all_objects.select_for_update().filter(
            pk=product_id, deleted_at__isnull=False
        )
        if vendor_id is not None:
            rows = rows.filter(vendor_id=vendor_id)
        product = rows.first()
        if product is None:
            raise NotFoundError()
        product.deleted_at = None
        product.save(update_fields=["deleted_at", "updated_at"])
        publish(
            ProductRestored(product_id=product.pk, vendor_id=product.vendor_id), subject=product
        )
    return product


def lock_product(product_id: int, vendor_id: int | None) -> Product:
    """Return the (not deleted) product locked for this transaction; another vendor's is "not found"."""
    rows = Product.objects.select_for_update().filter(pk=product_id)
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    product = rows.first()
    if product is None:
        raise NotFoundError()
    return product


def existing_categories(category_ids: Iterable[int]) -> list[Category]:
    """Return the categories of ``category_ids``, or raise if one does not exist."""
    ids = [int(getattr(item, "pk", item)) for item in category_ids]
    found = list(Category.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise invalid_product({"categories": [_("Select valid categories.")]})
    return found


def check_product_rules(product: Product) -> None:
    """Refuse a slug the vendor already uses, another vendor's shipping policy, and a price
    that a variant's 옵션가 would sink below zero."""
    same_slug = Product.all_objects.filter(vendor_id=product.vendor_id, slug=product.slug)
    if product.vendor_id is not None and same_slug.exclude(pk=product.pk).exists():
        # Deleted products keep their slug: links to them must not reach a new product.
        raise invalid_product({"slug": [_("This vendor already has a product with this slug.")]})
    if product.shipping_policy_id is not None and product.vendor_id is not None:
        policy_vendor = (
            Product._meta.get_field("shipping_policy")
            .related_model.objects.filter(pk=product.shipping_policy_id)
            .values_list("vendor_id", flat=True)
            .first()
        )
        if policy_vendor != product.vendor_id:
            raise invalid_product(
                {"shipping_policy": [_("Select a shipping policy of the product's vendor.")]}
            )
    if product.pk is not None:
        lowest = min(product.variants.values_list("extra_price", flat=True), default=Decimal(0))
        if product.price + lowest < 0:
            raise invalid_product(
                {
                    "price": [
                        _("A variant's price would fall below zero; change its extra price first.")
                    ]
                }
            )


def save_validated(obj: Any) -> None:
    """Validate ``obj`` like a form would and save it; errors name the fields."""
    try:
        obj.full_clean()
    except ValidationError as error:
        fields = (
            {name: list(messages) for name, messages in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": list(error.messages)}
        )
        raise invalid_product(fields) from None
    obj.save()


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
        errors = row_errors(product, {"extra_price": extra_price, "stock": stock}, prefix="")
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
            variant.sku = row.get("sku", variant.sku)
            after = audit.snapshot(variant, GRID_COLUMNS)
            for name, change in audit.changes(before, after).items():
                diff[f"variants.{variant.pk}.{name}"] = change
        changed = {int(key.split(".")[1]) for key in diff}
        Variant.objects.bulk_update([variants[pk] for pk in changed], GRID_COLUMNS)
        if diff:
            publish(
                ProductChanged(product_id=product.pk, vendor_id=product.vendor_id, changes=diff),
                subject=product,
            )
    return len(changed)


# --- Stock ----------------------------------------------------------------------------------


def adjust_stock(
    *, variant_id: int, delta: int, reason: str = "", vendor_id: int | None = None
) -> int:
    """Move a variant's stock by ``delta`` and return the new stock; never below zero.

    One conditional UPDATE (``stock = stock + delta WHERE stock + delta >= 0``) does it,
    so concurrent buyers of the last item cannot both succeed: the loser gets an
    out-of-stock error, not a negative stock.
    """
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise CatalogError(
            CatalogErrorCode.INVALID_STOCK_CHANGE,
            _("Enter a whole, non-zero number of items."),
            fields={"delta": [_("Enter a whole, non-zero number of items.")]},
        )
    owned = Variant.objects.filter(pk=variant_id, product__deleted_at__isnull=True)
    if vendor_id is not None:
        owned = owned.filter(product__vendor_id=vendor_id)
    with transaction.atomic():
        if not owned.exists():
            raise NotFoundError()
        # No join in the UPDATE: PostgreSQL re-checks ``stock >= n`` on the row it waited
        # for, which a subquery over the old row version would not.
        updated = Variant.objects.filter(pk=variant_id, stock__gte=max(0, -delta)).update(
            stock=F("stock") + delta
        )
        if not updated:
            raise CatalogError(
                CatalogErrorCode.OUT_OF_STOCK,
                _("Not enough stock."),
                fields={"delta": [_("Not enough stock.")]},
                status_code=409,
            )
        variant = Variant.objects.select_related("product").get(pk=variant_id)
        publish(
            StockChanged(
                variant_id=variant.pk,
                product_id=variant.product_id,
                vendor_id=variant.product.vendor_id,
                delta=delta,
                stock=variant.stock,
                reason=reason[:100],
            ),
            subject=variant,
        )
    return variant.stock


# --- What a shopper may buy -------------------------------------------------------------------


def check_purchasable(*, variant_id: int, quantity: int) -> Variant:
    """Return the variant if ``quantity`` of it can be bought now, else raise naming the field.

    Carts and checkout call it: an inactive, out-of-stock or hidden variant cannot be
    added, whatever the page showed a moment ago. Stock is taken later by ``adjust_stock``.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise CatalogError(
            CatalogErrorCode.INVALID_STOCK_CHANGE,
            _("Enter a quantity of at least 1."),
            fields={"quantity": [_("Enter a quantity of at least 1.")]},
        )
    variant = (
        Variant.objects.select_related("product")
        .filter(
            pk=variant_id,
            is_active=True,
            product__status=Product.Status.ON_SALE,
            product__deleted_at__isnull=True,
            product__vendor__status=Vendor.Status.APPROVED,
        )
        .first()
    )
    if variant is None:
        raise CatalogError(
            CatalogErrorCode.OUT_OF_STOCK,
            _("This option is not for sale."),
            fields={"variant": [_("This option is not for sale.")]},
            status_code=409,
        )
    if variant.stock < quantity:
        message = (
            _("Out of stock.")
            if variant.stock == 0
            else _("Only %(stock)d left.") % {"stock": variant.stock}
        )
        raise CatalogError(
            CatalogErrorCode.OUT_OF_STOCK, message, fields={"quantity": [message]}, status_code=409
        )
    return variant


def clean_text_inputs(*, product_id: int, inputs: dict[int, str]) -> dict[int, str]:
    """Return the shopper's texts for the product's text options, trimmed, or raise per option.

    A required option must be filled, no text may exceed its option's length limit, and
    texts for options the product does not have are refused.
    """
    options = {option.pk: option for option in TextOption.objects.filter(product_id=product_id)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, str] = {}
    for option_id in sorted(set(inputs) - set(options)):
        errors[f"text_options.{option_id}"] = [_("This option does not exist.")]
    for option in options.values():
        text = str(inputs.get(option.pk) or "").strip()
        if option.is_required and not text:
            errors[f"text_options.{option.pk}"] = [_("This field is required.")]
        elif len(text) > option.max_length:
            errors[f"text_options.{option.pk}"] = [
                _("Enter at most %(max)d characters.") % {"max": option.max_length}
            ]
        elif text:
            cleaned[option.pk] = text
    if errors:
        raise CatalogError(
            CatalogErrorCode.INVALID_OPTIONS, _("Check the text options."), fields=errors
        )
    return cleaned


def take_stock(*, quantities: Mapping[int, int], reason: str = "") -> dict[int, int]:
    """Take ``{variant_id: quantity}`` from stock, all or nothing; return the new stocks.

    Orders call it while placing an order, inside their transaction. Rows are updated
    in primary-key order (so two orders over the same variants never deadlock), each
    with one conditional UPDATE; one short variant raises and rolls every line back.
    """
    check_quantities(quantities)
    with transaction.atomic():
        for variant_id in sorted(quantities):
            quantity = quantities[variant_id]
            updated = Variant.objects.filter(
                pk=variant_id, is_active=True, stock__gte=quantity
            ).update(stock=F("stock") - quantity)
            if not updated:
                raise CatalogError(
                    CatalogErrorCode.OUT_OF_STOCK,
                    _("Sold out: an option of your order is no longer in stock."),
                    fields={f"variants.{variant_id}": [_("Not enough stock.")]},
                    status_code=409,
                )
        return publish_stock_changes(quantities, sign=-1, reason=reason)


def release_stock(*, quantities: Mapping[int, int], reason: str = "") -> dict[int, int]:
    """Give ``{variant_id: quantity}`` back to stock (an unpaid order expired); return the new stocks."""
    check_quantities(quantities)
    with transaction.atomic():
        for variant_id in sorted(quantities):
            Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantities[variant_id])
        return publish_stock_changes(quantities, sign=1, reason=reason)


def check_quantities(quantities: Mapping[int, int]) -> None:
    """Refuse an empty order or a quantity that is not a whole number of at least 1."""
    bad = [
        variant_id
        for variant_id, quantity in quantities.items()
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1
    ]
    if bad or not quantities:
        raise CatalogError(
            CatalogErrorCode.INVALID_STOCK_CHANGE,
            _("Enter a quantity of at least 1."),
            fields={f"variants.{pk}": [_("Enter a quantity of at least 1.")] for pk in bad}
            or {"quantities": [_("Enter a quantity of at least 1.")]},
        )


def publish_stock_changes(
    quantities: Mapping[int, int], *, sign: int, reason: str
) -> dict[int, int]:
    variants = Variant.objects.select_related("product").in_bulk(list(quantities))
    if len(variants) != len(quantities):
        raise NotFoundError()  # inside the caller's transaction: nothing is kept
    for variant_id in sorted(quantities):
        variant = variants[variant_id]
        publish(
            StockChanged(
                variant_id=variant.pk,
                product_id=variant.product_id,
                vendor_id=variant.product.vendor_id,
                delta=sign * quantities[variant_id],
                stock=variant.stock,
                reason=reason[:100],
            ),
            subject=variant,
        )
    return {variant_id: variant.stock for variant_id, variant in variants.items()}


def take_addon_stock(*, quantities: Mapping[int, int], reason: str = "") -> dict[int, int]:
    """Take ``{addon_id: quantity}`` of add-on items (추가상품), all or nothing, like ``take_stock``."""
    check_quantities(quantities)
    with transaction.atomic():
        for addon_id in sorted(quantities):
            quantity = quantities[addon_id]
            updated = AddOn.objects.filter(pk=addon_id, is_active=True, stock__gte=quantity).update(
                stock=F("stock") - quantity
            )
            if not updated:
                raise CatalogError(
                    CatalogErrorCode.OUT_OF_STOCK,
                    _("Sold out: an add-on item of your order is no longer in stock."),
                    fields={f"addons.{addon_id}": [_("Not enough stock.")]},
                    status_code=409,
                )
        return publish_addon_stock_changes(quantities, sign=-1, reason=reason)


def release_addon_stock(*, quantities: Mapping[int, int], reason: str = "") -> dict[int, int]:
    """Give ``{addon_id: quantity}`` of add-on items back to stock; return the new stocks."""
    check_quantities(quantities)
    with transaction.atomic():
        for addon_id in sorted(quantities):
            AddOn.objects.filter(pk=addon_id).update(stock=F("stock") + quantities[addon_id])
        return publish_addon_stock_changes(quantities, sign=1, reason=reason)


def publish_addon_stock_changes(
    quantities: Mapping[int, int], *, sign: int, reason: str
) -> dict[int, int]:
    addons = AddOn.objects.select_related("product").in_bulk(list(quantities))
    if len(addons) != len(quantities):
        raise NotFoundError()  # inside the caller's transaction: nothing is kept
    for addon_id in sorted(quantities):
        addon = addons[addon_id]
        publish(
            AddOnStockChanged(
                addon_id=addon.pk,
                product_id=addon.product_id,
                vendor_id=addon.product.vendor_id,
                delta=sign * quantities[addon_id],
                stock=addon.stock,
                reason=reason[:100],
            ),
            subject=addon,
        )
    return {addon_id: addon.stock for addon_id, addon in addons.items()}
