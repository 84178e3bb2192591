"""Points (적립금) and coupons.

Points are an append-only ledger (``PointEntry``) per member; ``PointAccount`` is the
member's lock row and the running sum of that ledger, with a CHECK that it never goes
below zero. Every write locks the account row first, so two checkouts spending the same
balance run one after the other and the second sees what the first left.

A ``Coupon`` is the rule (amount, scope, limits, validity); a ``UserCoupon`` is one
copy of it in a member's wallet (쿠폰함), used by at most one order at a time. The
total usage limit is a counter on the coupon raised by one conditional UPDATE, so a
single-use coupon redeemed by many checkouts at once is redeemed exactly once.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 14
# Codes avoid characters people confuse when typing them (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_coupon_code() -> str:
    """Return an unguessable coupon code: 16 characters (~79 bits) from ``secrets``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))


class PointAccount(models.Model):
    """A member's points balance: the sum of their ledger, and the row every write locks."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="point_account",
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="promotions_pointaccount_balance_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.balance}"


class PointEntry(models.Model):
    """One signed movement of a member's points; never edited or deleted."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        SPEND = "spend", _("Used")
        EXPIRE = "expire", _("Expired")
        RESTORE = "restore", _("Returned")
        ADJUST = "adjust", _("Adjusted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="point_entries",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    amount = models.BigIntegerField(_("points"))
    balance_after = models.BigIntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200)
    # What caused it ("review:12", "order:5:spend"): unique, so a cause books once.
    source = models.CharField(_("source"), max_length=100, unique=True, null=True, blank=True)
    # Plain id: orders sit above promotions and are not imported here.
    order_id = models.PositiveBigIntegerField(_("order id"), null=True, blank=True)
    # Credits expire then; debits use the credits that expire first.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by staff"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="promotions_pointentry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="promotions_pointentry_balance_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:+d}"


class Coupon(models.Model):
    """A discount rule: what it takes off, on what, for whom, when and how often."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed amount")
        PERCENT = "percent", _("Percentage")
        FREE_SHIPPING = "free_shipping", _("Free shipping")

    class Issue(models.TextChoices):
        DOWNLOAD = "download", _("Download zone")
        CODE = "code", _("Code")
        SIGNUP = "signup", _("On signup")
        BIRTHDAY = "birthday", _("On birthday")
        MANUAL = "manual", _("Issued by staff")

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FIXED)
    amount = models.DecimalField(
        _("amount off"), max_digits=MONEY_DIGITS, decimal_places=0, default=0
    )
    percent = models.DecimalField(_("percent off"), max_digits=5, decimal_places=2, default=0)
    max_discount = models.DecimalField(
        _("maximum discount"),
        max_digits=MONEY_DIGITS,
        decimal_places=0,
        default=0,
        help_text=_("Cap of a percentage coupon; 0 means no cap."),
    )
    min_order_amount = models.DecimalField(
        _("minimum order"), max_digits=MONEY_DIGITS, decimal_places=0, default=0
    )
    # A vendor's coupon applies to its own items only, and the vendor bears the discount.
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
        help_text=_("Empty for a platform coupon, which the platform pays for."),
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("only these products"), blank=True, related_name="+"
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("only these categories"), blank=True, related_name="+"
    )
    vendors = models.ManyToManyField(
        "vendors.Vendor", verbose_name=_("only these vendors"), blank=True, related_name="+"
    )
    waives_remote_surcharge = models.BooleanField(
        _("also waives the remote-area surcharge"), default=False
    )
    issue = models.CharField(
        _("how it is issued"), max_length=16, choices=Issue.choices, default=Issue.DOWNLOAD
    )
    code = models.CharField(
        _("code"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    starts_at = models.DateTimeField(_("valid from"), default=timezone.now)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        _("usage limit"), null=True, blank=True, help_text=_("Orders in all; empty: no limit.")
    )
    per_customer_limit = models.PositiveIntegerField(_("per customer"), default=1)
    redeemed_count = models.PositiveIntegerField(_("redeemed"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True)
                | Q(redeemed_count__lte=models.F("usage_limit")),
                name="promotions_coupon_redeemed_lte_limit",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="promotions_coupon_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(max_discount__gte=0) & Q(min_order_amount__gte=0),
                name="promotions_coupon_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def bearer(self) -> str:
        return "vendor" if self.vendor_id else "platform"

    def is_valid_at(self, moment) -> bool:
        return (
            self.is_active
            and self.starts_at <= moment
            and (self.ends_at is None or moment < self.ends_at)
        )


class UserCoupon(models.Model):
    """One copy of a coupon in a member's wallet; an order uses it, a cancellation frees it."""

    coupon = models.ForeignKey(
        Coupon, verbose_name=_("coupon"), on_delete=models.PROTECT, related_name="issued"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="coupons",
    )
    # Why it was given ("download:1", "signup", "birthday:2026"): unique per member and coupon.
    source = models.CharField(_("source"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    order_id = models.PositiveBigIntegerField(_("order id"), null=True, blank=True)

    class Meta:
        verbose_name = _("issued coupon")
        verbose_name_plural = _("issued coupons")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "coupon", "source"], name="promotions_usercoupon_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True, order_id__isnull=True)
                | Q(used_at__isnull=False, order_id__isnull=False),
                name="promotions_usercoupon_used_with_order",
            ),
        ]
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"{self.coupon} → {self.user}"


class CouponRedemption(models.Model):
    """A use of a coupon by an order, kept after a cancellation frees the coupon again."""

    user_coupon = models.ForeignKey(
        UserCoupon, verbose_name=_("issued coupon"), on_delete=models.PROTECT, related_name="+"
    )
    coupon = models.ForeignKey(
        Coupon, verbose_name=_("coupon"), on_delete=models.PROTECT, related_name="redemptions"
    )
    order_id = models.PositiveBigIntegerField(_("order id"))
    amount = models.DecimalField(_("discount"), max_digits=MONEY_DIGITS, decimal_places=0)
    redeemed_at = models.DateTimeField(_("redeemed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        ordering = ["-redeemed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "order_id"], name="promotions_redemption_once_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coupon} / {self.order_id}"
