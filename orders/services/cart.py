"""Cart use cases: add, change, remove, and merge a guest's cart into a member's on sign-in.

A cart holds no prices: ``orders.selectors.cart_view`` recomputes them from the catalog
on every read, so nothing a client sends can set one. Stock is checked when a line is
added or raised (``catalog.services.check_purchasable``) and again, for real, when the
order is placed. Carts are scratch data, not business facts, so these writes publish no
audit event (one per click would flood the outbox); placing the order does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from catalog.models import AddOn
from catalog.services import check_purchasable, clean_text_inputs
from orders.exceptions import OrderError, OrderErrorCode
from orders.models import Cart, CartLine, CartLineAddOn
from orders.models.cart import MAX_LINE_QUANTITY, config_key
from shop.exceptions import NotFoundError


def parse_quantity(value: Any, *, field: str = "quantity") -> int:
    """Return ``value`` as a whole number from 1 to MAX_LINE_QUANTITY, else raise naming ``field``."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip()
        value = int(value) if value.isdigit() and len(value) <= 6 else None
    if not isinstance(value, int) or not 1 <= value <= MAX_LINE_QUANTITY:
        message = _("Enter a whole number from 1 to %(max)d.") % {"max": MAX_LINE_QUANTITY}
        raise OrderError(OrderErrorCode.INVALID_QUANTITY, message, fields={field: [message]})
    return value


def create_guest_cart(*, session_key: str) -> Cart:
    """Return a new cart for a guest session's new cart key (no lookup: a new key has none)."""
    if not session_key:
        raise OrderError(OrderErrorCode.INVALID_CHECKOUT, _("Your session has expired."))
    return Cart.objects.create(session_key=session_key)


def get_or_create_cart(*, user: Any = None, session_key: str = "") -> Cart:
    """Return the member's cart, or the guest session's; create it on first use."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if not session_key:
        raise OrderError(OrderErrorCode.INVALID_CHECKOUT, _("Your session has expired."))
    cart, _created = Cart.objects.get_or_create(session_key=session_key, user=None)
    return cart


def clean_addons(*, product_id: int, addons: Mapping[Any, Any] | None) -> dict[int, int]:
    """Return ``{addon_id: quantity}`` for active add-ons of the product, else raise per add-on."""
    wanted: dict[int, int] = {}
    for raw_id, raw_quantity in (addons or {}).items():
        key = f"addons.{raw_id}"
        try:
            addon_id = int(raw_id)
        except (TypeError, ValueError):
            raise OrderError(
                OrderErrorCode.INVALID_LINE,
                _("Choose an add-on item of this product."),
                fields={key: [_("Choose an add-on item of this product.")]},
            ) from None
        wanted[addon_id] = parse_quantity(raw_quantity, field=key)
    if not wanted:
        return {}
    found = {
        addon.pk: addon
        for addon in AddOn.objects.filter(pk__in=wanted, product_id=product_id, is_active=True)
    }
    errors: dict[str, list[str]] = {}
    for addon_id, quantity in wanted.items():
        addon = found.get(addon_id)
        if addon is None:
            errors[f"addons.{addon_id}"] = [_("This add-on item is not for sale.")]
        elif addon.stock < quantity:
            errors[f"addons.{addon_id}"] = [
                _("Only %(stock)d left.") % {"stock": addon.stock}
                if addon.stock
                else _("Out of stock.")
            ]
    if errors:
        raise OrderError(
            OrderErrorCode.OUT_OF_STOCK,
            _("Check the add-on items."),
            fields=errors,
            status_code=409,
        )
    return wanted


def clean_texts(*, product_id: int, text_inputs: Mapping[Any, Any] | None) -> dict[int, str]:
    inputs: dict[int, str] = {}
    for raw_id, text in (text_inputs or {}).items():
        try:
            inputs[int(raw_id)] = str(text)
        except (TypeError, ValueError):
            raise OrderError(
                OrderErrorCode.INVALID_LINE,
                _("Check the text options."),
                fields={f"text_options.{raw_id}": [_("This option does not exist.")]},
            ) from None
    return clean_text_inputs(product_id=product_id, inputs=inputs)


def add_to_cart(
    *,
    cart: Cart,
    variant_id: Any,
    quantity: Any,
    product_id: Any = None,
    addons: Mapping[Any, Any] | None = None,
    text_inputs: Mapping[Any, Any] | None = None,
) -> CartLine:
    """Add a configuration to the cart, or raise the quantity of the identical line.

    ``product_id``, when the page sends it, must own the variant: a variant id swapped
    in from another product is refused rather than silently bought. The line returned
    carries its variant and product as checked.
    """
    quantity = parse_quantity(quantity)
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        raise OrderError(
            OrderErrorCode.INVALID_LINE,
            _("Choose an option."),
            fields={"variant": [_("Choose an option.")]},
        ) from None
    variant = check_purchasable(variant_id=variant_id, quantity=quantity)
    check_adult_buyer(user=cart.user if cart.user_id else None, product=variant.product)
    if product_id not in (None, "") and str(product_id) != str(variant.product_id):
        raise OrderError(
            OrderErrorCode.INVALID_LINE,
            _("This option belongs to another product."),
            fields={"variant": [_("This option belongs to another product.")]},
        )
    chosen_addons = clean_addons(product_id=variant.product_id, addons=addons)
    texts = clean_texts(product_id=variant.product_id, text_inputs=text_inputs)
    key = config_key(list(chosen_addons), texts)
    with transaction.atomic():
        Cart.objects.select_for_update().filter(pk=cart.pk).first()  # one writer per cart
        line = CartLine.objects.filter(cart=cart, variant_id=variant_id, config_key=key).first()
        if line is None:
            line = CartLine.objects.create(
                cart=cart,
                variant_id=variant_id,
                quantity=quantity,
                text_inputs={str(k): v for k, v in texts.items()},
                config_key=key,
            )
            CartLineAddOn.objects.bulk_create(
                CartLineAddOn(line=line, addon_id=addon_id, quantity=count)
                for addon_id, count in chosen_addons.items()
            )
            line.variant = variant
            return line
        new_quantity = parse_quantity(line.quantity + quantity)
        check_purchasable(variant_id=variant_id, quantity=new_quantity)
        line.quantity = new_quantity
        line.save(update_fields=["quantity", "updated_at"])
        for item in line.addons.all():
            item.quantity = parse_quantity(
                item.quantity + chosen_addons.get(item.addon_id, 0), field=f"addons.{item.addon_id}"
            )
            item.save(update_fields=["quantity"])
        line.variant = variant
        return line


def check_adult_buyer(*, user: Any, product: Any) -> None:
    """A 19+ product goes only to an identity-verified adult (청소년 보호법), checked when it
    is added to a cart and again when the order is placed."""
    if getattr(product, "adult_only", False) and not accounts_selectors.is_adult(user):
        message = _(
            "Only identity-verified adults (19 or over) may buy this product. "
            "Log in and verify your identity in My page."
        )
        raise OrderError(
            OrderErrorCode.ADULT_ONLY, message, fields={"variant": [message]}, status_code=403
        )


def update_cart_line(*, cart: Cart, line_id: Any, quantity: Any) -> CartLine:
    """Set a line's quantity (1 to the maximum, within stock); remove a line with ``remove``."""
    quantity = parse_quantity(quantity)
    line = get_line(cart=cart, line_id=line_id)
    check_purchasable(variant_id=line.variant_id, quantity=quantity)
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
    line.quantity = quantity
    return line


def remove_cart_line(*, cart: Cart, line_id: Any) -> None:
    line = get_line(cart=cart, line_id=line_id)
    line.delete()


def get_line(*, cart: Cart, line_id: Any) -> CartLine:
    """Return the line of this cart, or 404: another shopper's line id does not exist here."""
    try:
        return CartLine.objects.get(pk=int(line_id), cart=cart)
    except (CartLine.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None


def merge_carts(*, session_key: str, user: Any) -> Cart | None:
    """Move a guest session's cart into the member's cart at sign-in.

    Identical configurations add up (capped at the line maximum); the guest cart is then
    deleted. Only the session's own cart moves: the member's identity comes from the
    authenticated request, never from input.
    """
    if not session_key or user is None or not user.is_authenticated:
        return None
    with transaction.atomic():
        guest = Cart.objects.select_for_update().filter(session_key=session_key, user=None).first()
        if guest is None:
            return None
        target, _created = Cart.objects.get_or_create(user=user)
        existing = {
            (line.variant_id, line.config_key): line
            for line in CartLine.objects.select_for_update().filter(cart=target)
        }
        for line in guest.lines.prefetch_related("addons"):
            kept = existing.get((line.variant_id, line.config_key))
            if kept is None:
                try:
                    with transaction.atomic():
                        CartLine.objects.filter(pk=line.pk).update(cart=target)
                except IntegrityError:  # pragma: no cover - guarded by the lookup above
                    continue
                continue
            kept.quantity = min(kept.quantity + line.quantity, MAX_LINE_QUANTITY)
            kept.save(update_fields=["quantity", "updated_at"])
            extra = {item.addon_id: item.quantity for item in line.addons.all()}
            for item in kept.addons.all():
                item.quantity = min(item.quantity + extra.get(item.addon_id, 0), MAX_LINE_QUANTITY)
                item.save(update_fields=["quantity"])
        guest.delete()
        return target
