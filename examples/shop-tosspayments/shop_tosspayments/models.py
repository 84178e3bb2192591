"""What the plugin keeps: one Toss receipt per paid order (its own table, its own migration)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TossReceipt(models.Model):
    """A payment Toss captured, as the merchant looks it up in Toss's dashboard."""

    intent_id = models.BigIntegerField(_("payment intent"), unique=True)
    order_id = models.BigIntegerField(_("order"), db_index=True)
    payment_key = models.CharField(_("payment key"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=0)
    method_label = models.CharField(_("paid with"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Toss receipt")
        verbose_name_plural = _("Toss receipts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.payment_key

    @property
    def receipt_url(self) -> str:
        return f"https://dashboard.tosspayments.com/receipt/{self.payment_key}"
