"""A member's wished products and their requests to hear when a variant is back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WishlistItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="wishlist_items",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="wishlist_once_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.product_id}"


class RestockSubscription(models.Model):
    """ "Notify me" on a sold-out variant; ``notified_at`` set once its one message left."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="restock_subscriptions",
    )
    # A guest's address; it counts only once its owner followed the confirmation link.
    email = models.EmailField(_("guest e-mail"), blank=True)
    confirmed_at = models.DateTimeField(_("guest confirmed"), null=True, blank=True)
    variant = models.ForeignKey(
        "catalog.Variant", verbose_name=_("variant"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("restock alert")
        verbose_name_plural = _("restock alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One waiting request per member and variant; after the alert a new one may wait.
            models.UniqueConstraint(
                fields=["user", "variant"],
                condition=models.Q(notified_at__isnull=True),
                name="wishlist_one_open_restock_alert",
            ),
            models.UniqueConstraint(
                fields=["email", "variant"],
                condition=models.Q(notified_at__isnull=True, user__isnull=True),
                name="wishlist_one_open_guest_restock_alert",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="wishlist_restock_alert_has_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["variant"],
                condition=models.Q(notified_at__isnull=True),
                name="wishlist_restock_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.email} ⏰ {self.variant_id}"
