"""Vendors (입점사), their staff memberships, and the settlement ledger and statements.

The shop operator is itself a vendor (``is_operator``), so a single-seller shop is a
marketplace with one vendor. Status changes follow explicit transition tables; the
services in ``vendors.services`` are the only code that moves them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator
from shop.models import TimeStampedModel
from vendors.validators import (
    format_business_number,
    normalise_business_number,
    validate_business_number,
)

MONEY_DIGITS = 14  # KRW has no minor unit: whole won up to a hundred trillion


def krw_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=0, default=0, **kwargs
    )


class Vendor(TimeStampedModel):
    """A seller on the marketplace: business identity, status, commission and payout account."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    # Which status may follow which. A closed vendor re-opens by applying again.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.APPLIED: frozenset({Status.APPROVED, Status.CLOSED}),
        Status.APPROVED: frozenset({Status.SUSPENDED, Status.CLOSED}),
        Status.SUSPENDED: frozenset({Status.APPROVED, Status.CLOSED}),
        Status.CLOSED: frozenset({Status.APPLIED}),
    }

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    business_registration_number = models.CharField(
        _("business registration number"),
        max_length=10,
        unique=True,
        validators=[validate_business_number],
        help_text=_("사업자등록번호, e.g. 123-45-67890"),
    )
    representative_name = models.CharField(_("representative"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, validators=[phone_validator]
    )
    mail_order_report_number = models.CharField(
        _("mail-order business report number"),
        max_length=50,
        blank=True,
        help_text=_("통신판매업 신고번호, e.g. 2024-서울강남-01234"),
    )
    address = models.CharField(_("business address"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    commission_rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    payout_bank_name = models.CharField(_("payout bank"), max_length=50, blank=True)
    payout_account_holder = models.CharField(_("account holder"), max_length=100, blank=True)
    payout_account_number = models.CharField(_("account number"), max_length=30, blank=True)
    is_operator = models.BooleanField(
        _("shop operator"),
        default=False,
        help_text=_("The vendor that is the shop itself; there is at most one."),
    )

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__gte=0) & models.Q(commission_rate__lte=100),
                name="vendor_commission_rate_0_100",
            ),
            models.UniqueConstraint(
                fields=["is_operator"],
                condition=models.Q(is_operator=True),
                name="vendor_single_operator",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.business_registration_number = normalise_business_number(
            self.business_registration_number
        )

    def save(self, *args: object, **kwargs: object) -> None:
        # Stored as 10 digits whatever the input looked like (123-45-67890).
        self.business_registration_number = normalise_business_number(
            self.business_registration_number
        )
        super().save(*args, **kwargs)

    @property
    def formatted_business_number(self) -> str:
        return format_business_number(self.business_registration_number)

    @property
    def masked_account(self) -> str:
        """The payout account number with all but its last four digits hidden."""
        digits = "".join(char for char in self.payout_account_number if char.isdigit())
        if not digits:
            return ""
        return "*" * max(len(digits) - 4, 4) + digits[-4:]

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class VendorMembership(TimeStampedModel):
    """A user who works for a vendor in the seller center, with a role."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        STAFF = "staff", _("Staff")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("vendor")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="vendor_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vendor member")
        verbose_name_plural = _("vendor members")
        ordering = ["vendor_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "user"], name="vendor_membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.vendor}"


class Settlement(TimeStampedModel):
    """One vendor's statement for one period: what it sold, what it owes, what it is paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        PAID = "paid", _("Paid")
        HELD = "held", _("Held")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.DRAFT: frozenset({Status.CONFIRMED, Status.HELD}),
        Status.CONFIRMED: frozenset({Status.PAID, Status.HELD}),
        Status.HELD: frozenset({Status.DRAFT, Status.CONFIRMED}),
        Status.PAID: frozenset(),
    }

    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("vendor")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("Inclusive."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    gross = krw_field(_("gross sales"))
    refunds = krw_field(_("refunds"))
    commission = krw_field(_("commission"))
    shipping = krw_field(_("shipping fees"))
    adjustments = krw_field(_("adjustments"))
    payout = krw_field(_("payout"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-period_start", "vendor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "period_start", "period_end"], name="settlement_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="settlement_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.period_start}~{self.period_end}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class SettlementEntry(models.Model):
    """One signed line of a vendor's ledger; money the shop owes the vendor is positive.

    ``source_uuid`` identifies what caused the entry (derived from the business key of
    the event, see ``vendors.services``); with ``kind`` it is unique, so an event
    delivered twice, or published twice for the same sale, never books twice.
    """

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")
        COMMISSION = "commission", _("Commission")
        SHIPPING = "shipping", _("Shipping fee")
        ADJUSTMENT = "adjustment", _("Adjustment")

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        related_name="settlement_entries",
        verbose_name=_("vendor"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=MONEY_DIGITS, decimal_places=0)
    source_uuid = models.UUIDField(_("source"), default=uuid.uuid4, editable=False)
    # Plain ids: the orders app sits above vendors and must not be imported here.
    order_id = models.PositiveBigIntegerField(_("order id"), null=True, blank=True, db_index=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("settlement"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement entry")
        verbose_name_plural = _("settlement entries")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_uuid", "kind"], name="settlement_entry_once_per_source"
            ),
        ]
        indexes = [
            models.Index(
                fields=["vendor", "occurred_at"],
                name="settlement_entry_open_idx",
                condition=models.Q(settlement__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
