"""Carts: one per member or per guest session, lines of a variant with add-ons and texts.

Prices are never stored here: every read recomputes them from the catalog, so a price
change reaches the cart and nothing a client sends can set one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.models import TimeStampedModel

# A quantity above this is a typo or an attack, not a purchase; the database agrees.
MAX_LINE_QUANTITY = 999


def config_key(addon_ids: Iterable[int], text_inputs: Mapping[int, str]) -> str:
    """Return the digest that makes identical configurations one line."""
    canonical = json.dumps(
        {"addons": sorted(addon_ids), "texts": sorted((str(k), v) for k, v in text_inputs.items())},
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# The configuration of a line with no add-on and no text: such a line has no add-on rows.
PLAIN_CONFIG_KEY = config_key([], {})


class Cart(TimeStampedModel):
    """A member's cart (``user``) or a guest's (``session_key``); merged on sign-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )
    session_key = models.CharField(_("session key"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="orders_cart_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["session_key"],
                condition=~Q(session_key=""),
                name="orders_cart_one_per_session",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(session_key=""),
                name="orders_cart_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"cart #{self.pk}"


class CartLine(TimeStampedModel):
    """A variant with its add-ons and text inputs; one line per identical configuration.

    ``config_key`` is a digest of the add-on ids and texts, so adding the same
    configuration again raises the quantity instead of making a second line.
    """

    cart = models.ForeignKey(
        Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines"
    )
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("option"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # {"<text option id>": "text"}; cleaned by catalog.services.clean_text_inputs.
    text_inputs = models.JSONField(_("text options"), default=dict, blank=True)
    config_key = models.CharField(_("configuration"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "variant", "config_key"], name="orders_cartline_unique_config"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="orders_cartline_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} x {self.quantity}"


class CartLineAddOn(models.Model):
    """An add-on item (추가상품) chosen with a cart line, with its own quantity."""

    line = models.ForeignKey(
        CartLine, verbose_name=_("cart line"), on_delete=models.CASCADE, related_name="addons"
    )
    addon = models.ForeignKey(
        "catalog.AddOn", verbose_name=_("add-on item"), on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("cart line add-on")
        verbose_name_plural = _("cart line add-ons")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "addon"], name="orders_cartlineaddon_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_LINE_QUANTITY),
                name="orders_cartlineaddon_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addon_id} x {self.quantity}"
