"""Stock and what a shopper may buy: conditional decrements that never go below zero."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from catalog.events import (
    AddOnStockChanged,
    StockChanged,
)
from catalog.exceptions import CatalogError, CatalogErrorCode
from catalog.models import (
    AddOn,
    Product,
    TextOption,
    Variant,
)
from catalog.services.sold_out import mark_sold_out, return_to_sale
from shop.events import publish
from shop.exceptions import NotFoundError
from vendors.models import Vendor

# --- Stock ----------------------------------------------------------------------------------


def adjust_stock(
    *, variant_id: int, delta: int, reason: str = "", vendor_id: int | None = None
) -> int:
    """Move a variant's stock by ``delta`` and return the new stock; never below zero.

    One conditional UPDATE (``stock = stock + delta WHERE stock + delta >= 0``) does it,
    so concurrent buyers of the last item cannot both succeed: the loser gets an
    out-of-stock error, not a negative stock. The product becomes sold out when its
    last item goes, and back on sale when stock returns (see ``sold_out``).
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
        if delta < 0:
            mark_sold_out(product_ids=[variant.product_id])
        else:
            return_to_sale(product_ids=[variant.product_id])
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
    A product whose last item this took becomes sold out (one more conditional UPDATE).
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
        mark_sold_out(variant_ids=list(quantities))
        return publish_stock_changes(quantities, sign=-1, reason=reason)


def release_stock(*, quantities: Mapping[int, int], reason: str = "") -> dict[int, int]:
    """Give ``{variant_id: quantity}`` back to stock (an unpaid order expired); return the new stocks.

    A product the stock rule made sold out comes back on sale.
    """
    check_quantities(quantities)
    with transaction.atomic():
        for variant_id in sorted(quantities):
            Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantities[variant_id])
        variants = _publish_variant_stock_changes(quantities, sign=1, reason=reason)
        return_to_sale(product_ids={variant.product_id for variant in variants.values()})
    return {variant_id: variant.stock for variant_id, variant in variants.items()}


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
    variants = _publish_variant_stock_changes(quantities, sign=sign, reason=reason)
    return {variant_id: variant.stock for variant_id, variant in variants.items()}


def _publish_variant_stock_changes(
    quantities: Mapping[int, int], *, sign: int, reason: str
) -> dict[int, Variant]:
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
    return variants


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
