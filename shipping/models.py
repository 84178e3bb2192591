"""Shipping fee policies of vendors, their tiers and overseas zones, and the remote-area table.

A policy is read into an engine snapshot (``shipping.selectors``) whenever a quote is
made, so changing a policy changes future quotes only: an order keeps the quote it was
placed with. Every amount is whole won (KRW has no minor unit) and never negative;
the database refuses a negative amount even when a form was bypassed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import postcode_validator
from shop.models import TimeStampedModel


def krw_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    """Return a field of whole won that forms refuse below zero."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=0,
        validators=[MinValueValidator(0)],
        **kwargs,
    )


def not_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=name)


class ShippingPolicy(TimeStampedModel):
    """How one vendor charges for shipping a parcel (a 배송비 정책)."""

    class FeeType(models.TextChoices):
        FREE = "free", _("Free shipping")
        FIXED = "fixed", _("Fixed fee")
        CONDITIONAL_FREE = "conditional_free", _("Free over an amount")
        PER_QUANTITY = "per_quantity", _("Fee per number of items")
        AMOUNT_TIERS = "amount_tiers", _("Fee by amount tiers")

    class Payer(models.TextChoices):
        PREPAID = "prepaid", _("Prepaid with the order (선결제)")
        CASH_ON_DELIVERY = "cod", _("Cash on delivery (착불)")

    # The fields whose before/after values the audit log records.
    AUDITED_FIELDS = [
        "name",
        "fee_type",
        "base_fee",
        "free_threshold",
        "per_quantity_unit",
        "payer",
        "bundlable",
        "jeju_surcharge",
        "island_surcharge",
        "return_fee",
        "exchange_fee",
        "ships_overseas",
        "active",
        "is_default",
    ]

    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.CASCADE,
        related_name="shipping_policies",
        verbose_name=_("vendor"),
    )
    name = models.CharField(_("name"), max_length=100)
    fee_type = models.CharField(
        _("fee type"), max_length=20, choices=FeeType.choices, default=FeeType.FIXED
    )
    base_fee = krw_field(_("base fee"), help_text=_("Won per parcel (per batch of items)."))
    free_threshold = krw_field(
        _("free shipping threshold"),
        default=None,
        null=True,
        blank=True,
        help_text=_("Free-over-an-amount policies: the parcel ships free from this items total."),
    )
    per_quantity_unit = models.PositiveIntegerField(
        _("items per fee"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Fee-per-number-of-items policies: the base fee is charged per this many items."
        ),
    )
    payer = models.CharField(
        _("who pays"), max_length=10, choices=Payer.choices, default=Payer.PREPAID
    )
    bundlable = models.BooleanField(
        _("bundled shipping"),
        default=True,
        help_text=_("Items under this policy ship together as one parcel (묶음배송)."),
    )
    jeju_surcharge = krw_field(_("Jeju surcharge"))
    island_surcharge = krw_field(_("island and mountain area surcharge"))
    return_fee = krw_field(_("return fee"), help_text=_("Shown to buyers; used by returns."))
    exchange_fee = krw_field(_("exchange fee"), help_text=_("Shown to buyers; used by exchanges."))
    ships_overseas = models.BooleanField(_("ships overseas"), default=False)
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default policy"),
        default=False,
        help_text=_("Used for the vendor's products that name no policy; one per vendor."),
    )

    class Meta:
        verbose_name = _("shipping policy")
        verbose_name_plural = _("shipping policies")
        ordering = ["vendor_id", "-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(is_default=True),
                name="shippingpolicy_one_default_per_vendor",
                violation_error_message=_("The vendor already has a default shipping policy."),
            ),
            not_negative("base_fee", "shippingpolicy_base_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(free_threshold__isnull=True) | Q(free_threshold__gte=0),
                name="shippingpolicy_free_threshold_not_negative",
            ),
            not_negative("jeju_surcharge", "shippingpolicy_jeju_surcharge_not_negative"),
            not_negative("island_surcharge", "shippingpolicy_island_surcharge_not_negative"),
            not_negative("return_fee", "shippingpolicy_return_fee_not_negative"),
            not_negative("exchange_fee", "shippingpolicy_exchange_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(per_quantity_unit__isnull=True) | Q(per_quantity_unit__gte=1),
                name="shippingpolicy_per_quantity_unit_positive",
            ),
            models.CheckConstraint(
                condition=~Q(fee_type="conditional_free") | Q(free_threshold__isnull=False),
                name="shippingpolicy_conditional_free_has_threshold",
            ),
            models.CheckConstraint(
                condition=~Q(fee_type="per_quantity") | Q(per_quantity_unit__isnull=False),
                name="shippingpolicy_per_quantity_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(is_default=True, active=False),
                name="shippingpolicy_default_is_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.fee_type == self.FeeType.CONDITIONAL_FREE and self.free_threshold is None:
            errors["free_threshold"] = _("Enter the amount from which shipping is free.")
        if self.fee_type == self.FeeType.PER_QUANTITY and not self.per_quantity_unit:
            errors["per_quantity_unit"] = _("Enter how many items one fee covers.")
        if self.is_default and not self.active:
            errors["active"] = _("The default policy must be active.")
        if errors:
            raise ValidationError(errors)


class ShippingFeeTier(models.Model):
    """From ``min_amount`` of a parcel's items total up, the parcel costs ``fee`` (차등 배송비)."""

    policy = models.ForeignKey(
        ShippingPolicy, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("policy")
    )
    min_amount = krw_field(_("from items total"))
    fee = krw_field(_("fee"))

    class Meta:
        verbose_name = _("amount tier")
        verbose_name_plural = _("amount tiers")
        ordering = ["policy_id", "min_amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "min_amount"], name="shippingfeetier_unique_min_amount"
            ),
            not_negative("min_amount", "shippingfeetier_min_amount_not_negative"),
            not_negative("fee", "shippingfeetier_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_amount:,.0f} → {self.fee:,.0f}"


class OverseasZone(models.Model):
    """A group of countries a policy ships to at the same weight rates."""

    policy = models.ForeignKey(
        ShippingPolicy, on_delete=models.CASCADE, related_name="zones", verbose_name=_("policy")
    )
    name = models.CharField(_("name"), max_length=60)
    countries = CountryField(_("countries"), multiple=True, blank=False)

    class Meta:
        verbose_name = _("overseas zone")
        verbose_name_plural = _("overseas zones")
        ordering = ["policy_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def country_codes(self) -> frozenset[str]:
        return frozenset(country.code for country in self.countries)


class OverseasRate(models.Model):
    """A parcel to the zone weighing at most ``max_weight_grams`` costs ``fee``."""

    zone = models.ForeignKey(
        OverseasZone, on_delete=models.CASCADE, related_name="rates", verbose_name=_("zone")
    )
    max_weight_grams = models.PositiveIntegerField(
        _("up to weight (g)"), validators=[MinValueValidator(1)]
    )
    fee = krw_field(_("fee"))

    class Meta:
        verbose_name = _("overseas rate")
        verbose_name_plural = _("overseas rates")
        ordering = ["zone_id", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "max_weight_grams"], name="overseasrate_unique_weight"
            ),
            models.CheckConstraint(
                condition=Q(max_weight_grams__gte=1), name="overseasrate_weight_positive"
            ),
            not_negative("fee", "overseasrate_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"≤ {self.max_weight_grams}g → {self.fee:,.0f}"


class RemoteArea(TimeStampedModel):
    """A postcode range on Jeju or an island/mountain area that pays a surcharge (도서산간).

    Ranges never overlap: the services check under a table lock, and on PostgreSQL an
    exclusion constraint (migration 0002) refuses an overlap whatever wrote it.
    """

    class Kind(models.TextChoices):
        JEJU = "jeju", _("Jeju")
        ISLAND = "island", _("Island or mountain area")

    AUDITED_FIELDS = ["name", "kind", "postcode_from", "postcode_to"]

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    postcode_from = models.CharField(
        _("from postcode"), max_length=5, validators=[postcode_validator]
    )
    postcode_to = models.CharField(_("to postcode"), max_length=5, validators=[postcode_validator])

    class Meta:
        verbose_name = _("remote area")
        verbose_name_plural = _("remote areas")
        ordering = ["postcode_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode_from__regex=r"^[0-9]{5}$")
                & Q(postcode_to__regex=r"^[0-9]{5}$"),
                name="remotearea_postcodes_5_digits",
            ),
            models.CheckConstraint(
                condition=Q(postcode_from__lte=models.F("postcode_to")),
                name="remotearea_range_in_order",
                violation_error_message=_("The range must not end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.postcode_from}-{self.postcode_to})"
