"""Refunds, returns and exchanges (클레임) of placed orders.

A ``Refund`` is a record of money owed back to the buyer; the payments app executes it
against the provider (``RefundRequested``), and a bank-transfer refund is marked paid
out by staff. A ``Claim`` is a return or exchange request for some lines of one vendor's
part: the goods go back to that vendor, who charges its return or exchange fee.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from orders.models.fields import krw_field, not_negative
from orders.models.order import Order, OrderLine, VendorShipment
from shop.models import TimeStampedModel


class Refund(TimeStampedModel):
    """Money going back to the buyer for some lines (and shipping) of one order."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COMPLETED = "completed", _("Completed")

    class Kind(models.TextChoices):
        CANCELLATION = "cancellation", _("Cancellation")
        RETURN = "return", _("Return")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.REQUESTED: frozenset({Status.COMPLETED}),
        Status.COMPLETED: frozenset(),
    }

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    items_amount = krw_field(_("items refunded"))
    shipping_amount = krw_field(_("shipping refunded"))
    deduction_amount = krw_field(_("deduction"), help_text=_("The vendor's return fee."))
    amount = krw_field(_("amount"))
    # Points the buyer paid these items with go back as points, not money: ``amount`` is
    # the money refunded, the items' price after their discounts less these points.
    points_amount = krw_field(_("points returned"))
    tax_free_amount = krw_field(_("tax-free part"))
    # {"<vendor id>": {"amount": "...", "shipping_amount": "..."}} for the per-vendor events.
    vendor_parts = models.JSONField(_("per vendor"), default=dict, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *not_negative(
                "orders_refund",
                "items_amount",
                "shipping_amount",
                "deduction_amount",
                "amount",
                "points_amount",
                "tax_free_amount",
            ),
            models.CheckConstraint(
                condition=Q(
                    amount=F("items_amount")
                    + F("shipping_amount")
                    - F("deduction_amount")
                    - F("points_amount")
                ),
                name="orders_refund_amount_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(tax_free_amount__lte=F("amount")),
                name="orders_refund_tax_free_lte_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"refund #{self.pk}"


class RefundLine(models.Model):
    """The quantity of one order line a refund pays back, and its amount."""

    refund = models.ForeignKey(
        Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = krw_field(_("amount"))

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_refundline_quantity_gte_1"
            ),
            *not_negative("orders_refundline", "amount"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} x {self.quantity}"


class Claim(TimeStampedModel):
    """A return (반품) or exchange (교환) request for lines of one vendor's part."""

    class Kind(models.TextChoices):
        RETURN = "return", _("Return")
        EXCHANGE = "exchange", _("Exchange")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RETURNED = "returned", _("Returned")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")
        REJECTED = "rejected", _("Rejected")

    # Per kind: a return ends refunded, an exchange ends exchanged; either may be refused.
    TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
        Kind.RETURN: {
            Status.REQUESTED: frozenset({Status.RETURNED, Status.REJECTED}),
            Status.RETURNED: frozenset({Status.REFUNDED}),
            Status.REFUNDED: frozenset(),
            Status.REJECTED: frozenset(),
        },
        Kind.EXCHANGE: {
            Status.REQUESTED: frozenset({Status.EXCHANGED, Status.REJECTED}),
            Status.EXCHANGED: frozenset(),
            Status.REJECTED: frozenset(),
        },
    }

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="claims"
    )
    shipment = models.ForeignKey(
        VendorShipment,
        verbose_name=_("vendor shipment"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=500)
    # The vendor's fee, snapshotted from the shipment when the claim was made.
    fee = krw_field(_("fee"))
    refund = models.OneToOneField(
        Refund,
        verbose_name=_("refund"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("return or exchange")
        verbose_name_plural = _("returns and exchanges")
        ordering = ["-created_at", "-pk"]
        constraints = [*not_negative("orders_claim", "fee")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ClaimLine(models.Model):
    """The quantity of one order line a claim sends back."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="orders_claimline_quantity_gte_1"
            ),
            models.UniqueConstraint(fields=["claim", "order_line"], name="orders_claimline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order_line_id} x {self.quantity}"
