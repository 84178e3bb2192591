"""Products: create, edit, status, price, soft delete and restore."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.events import (
    PriceChanged,
    ProductChanged,
    ProductCreated,
    ProductDeleted,
    ProductRestored,
    ProductStatusChanged,
)
from catalog.exceptions import CatalogError, CatalogErrorCode
from catalog.models import (
    Category,
    Product,
)
from catalog.notices import notice_fields
from catalog.sanitize import clean_description
from catalog.services.skus import lock_vendor_skus, sku_taken_message, taken_skus
from shop import audit
from shop.events import publish
from shop.exceptions import NotFoundError

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
        check_restored_skus(product)
        product.deleted_at = None
        product.save(update_fields=["deleted_at", "updated_at"])
        publish(
            ProductRestored(product_id=product.pk, vendor_id=product.vendor_id), subject=product
        )
    return product


def check_restored_skus(product: Product) -> None:
    """Refuse to bring back a product whose SKUs the vendor has given to other variants since."""
    skus = set(
        product.variants.filter(is_active=True).exclude(sku="").values_list("sku", flat=True)
    )
    if not skus:
        return
    lock_vendor_skus(product.vendor_id)
    taken = taken_skus(
        vendor_id=product.vendor_id,
        skus=skus,
        exclude_variant_ids=product.variants.values_list("pk", flat=True),
    )
    if taken:
        raise invalid_product(
            {"sku": [sku_taken_message(sku, taken[sku]) for sku in sorted(taken)]}
        )


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
