"""Payment intents, their append-only ledger, and saved brand-pay methods.

A ``PaymentIntent`` is one attempt to pay one order with one provider. Its amounts come
from the order on the server; what actually moved (captured, refunded) is derived from
its ledger, ``PaymentEvent``, which records every call to the provider, every return of
the buyer and every webhook, and is never edited (a PostgreSQL trigger refuses it).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from shop.models import TimeStampedModel

MONEY = {"max_digits": 16, "decimal_places": 2}  # whole won, or dollars and cents


def money_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    kwargs.setdefault("default", Decimal(0))
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


class IntentStatus(models.TextChoices):
    """Where one payment attempt stands (see ``TRANSITIONS``)."""

    CREATED = "created", _("Created")
    PENDING_ACTION = "pending_action", _("Waiting for the buyer")
    AUTHORIZING = "authorizing", _("Confirming with the provider")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled by the buyer")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    UNKNOWN = "unknown", _("Outcome unknown: reconciling")
    VOIDING = "voiding", _("Cancelling at the provider")  # 망취소 of a payment we refuse
    REGISTERED = "registered", _("Method saved")  # a brand-pay registration, no money


S = IntentStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.PENDING_ACTION, S.AUTHORIZING, S.FAILED, S.UNKNOWN, S.EXPIRED}),
    S.PENDING_ACTION: frozenset({S.AUTHORIZING, S.CANCELLED, S.FAILED, S.EXPIRED, S.UNKNOWN}),
    S.AUTHORIZING: frozenset({S.PAID, S.FAILED, S.UNKNOWN, S.VOIDING, S.CANCELLED, S.REGISTERED}),
    S.UNKNOWN: frozenset(
        {S.PAID, S.FAILED, S.EXPIRED, S.CANCELLED, S.VOIDING, S.AUTHORIZING, S.REGISTERED}
    ),
    S.PAID: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.VOIDING: frozenset({S.REFUNDED, S.UNKNOWN}),
    S.REFUNDED: frozenset(),
    S.REGISTERED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
    S.EXPIRED: frozenset(),
}
# Statuses in which the provider may still move money without us: reconciliation asks.
UNSETTLED = frozenset({S.PENDING_ACTION, S.AUTHORIZING, S.UNKNOWN, S.VOIDING})
CAPTURED = frozenset({S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED})


class PaymentIntent(TimeStampedModel):
    """One attempt to pay an order with one provider."""

    class Flow(models.TextChoices):
        REDIRECT = "redirect", _("Buyer approves at the provider")
        STORED = "stored", _("Saved method (brand pay)")
        REGISTER = "register", _("Saving a method (brand pay), no payment")

    public_id = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    # Empty only for a brand-pay registration, which pays for nothing.
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="payment_intents",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    provider = models.CharField(_("provider"), max_length=32)
    flow = models.CharField(_("flow"), max_length=16, choices=Flow.choices, default=Flow.REDIRECT)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=IntentStatus.choices,
        default=IntentStatus.CREATED,
        db_index=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    amount = money_field(_("amount"))
    tax_free_amount = money_field(_("tax-free part"))
    vat_amount = money_field(_("VAT"))
    # What the order costs in won; for PayPal, ``amount`` is this at ``fx_rate``.
    order_amount = money_field(_("order amount (KRW)"))
    fx_rate = models.DecimalField(
        _("exchange rate (KRW per unit)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    fx_source = models.CharField(_("exchange rate source"), max_length=200, blank=True)
    fx_at = models.DateTimeField(_("exchange rate time"), null=True, blank=True)
    buyer_key = models.CharField(_("buyer key"), max_length=64)
    provider_payment_id = models.CharField(_("provider payment id"), max_length=100, blank=True)
    capture_id = models.CharField(_("capture id"), max_length=100, blank=True)
    # What the provider needs again later (aid, return parameters), never a secret token.
    provider_data = models.JSONField(_("provider data"), default=dict, blank=True)
    method_label = models.CharField(_("paid with"), max_length=100, blank=True)
    stored_method = models.ForeignKey(
        "payments.StoredPaymentMethod",
        verbose_name=_("saved method"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intents",
    )
    register_method = models.BooleanField(_("saves the method"), default=False)
    failure_code = models.CharField(_("failure code"), max_length=64, blank=True)
    failure_message = models.CharField(_("failure message"), max_length=255, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last asked the provider"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"],
                condition=~Q(provider_payment_id=""),
                name="payments_intent_provider_payment_unique",
            ),
            # An order is captured by one intent at most: a second tab's approval is voided.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=[S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED]),
                name="payments_intent_one_capture_per_order",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(tax_free_amount__gte=0) & Q(vat_amount__gte=0),
                name="payments_intent_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(flow="register", user__isnull=False),
                name="payments_intent_order_unless_registration",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.public_id}"

    def ledger_total(self, kind: str) -> Decimal:
        """Sum the ledger's amounts of ``kind`` (``charge``, ``refund``) for this intent."""
        total = self.events.filter(kind=kind).aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)

    @property
    def captured_amount(self) -> Decimal:
        return self.ledger_total(PaymentEvent.Kind.CHARGE)

    @property
    def refunded_amount(self) -> Decimal:
        return self.ledger_total(PaymentEvent.Kind.REFUND)


class PaymentEvent(models.Model):
    """One line of an intent's ledger: a call, a return, a webhook, money that moved."""

    class Kind(models.TextChoices):
        CALL = "call", _("Provider call")
        REDIRECT = "redirect", _("Buyer returned")
        WEBHOOK = "webhook", _("Webhook")
        STATUS = "status", _("Status change")
        CHARGE = "charge", _("Money captured")
        REFUND_REQUEST = "refund_request", _("Refund requested")
        REFUND = "refund", _("Money refunded")
        REFUND_FAILURE = "refund_failure", _("Refund failed")
        MISMATCH = "mismatch", _("Provider disagrees with the order")

    class Source(models.TextChoices):
        CHECKOUT = "checkout", _("Checkout")
        REDIRECT = "redirect", _("Buyer's return")
        WEBHOOK = "webhook", _("Webhook")
        RECONCILE = "reconcile", _("Reconciliation")
        REFUND = "refund", _("Refund")
        ADMIN = "admin", _("Staff")

    intent = models.ForeignKey(
        PaymentIntent, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True)
    # For refunds: which orders.Refund this executes; unique per intent, so once only.
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, blank=True)
    operation = models.CharField(_("operation"), max_length=40, blank=True)
    http_method = models.CharField(_("HTTP method"), max_length=8, blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    request = models.JSONField(_("request (redacted)"), default=dict, blank=True)
    response = models.JSONField(_("response (redacted)"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("payment ledger entry")
        verbose_name_plural = _("payment ledger")
        ordering = ["intent", "pk"]
        constraints = [
            # Money moves once per key: one capture, one refund per orders refund. A refund
            # the provider refused is asked again under the same key, so its requests repeat.
            models.UniqueConstraint(
                fields=["intent", "kind", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(kind__in=["charge", "refund"]),
                name="payments_event_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.operation}".strip()


class StoredPaymentMethod(TimeStampedModel):
    """A saved brand-pay method: the provider's reusable token, encrypted, and a masked label."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DEACTIVATING = "deactivating", _("Being removed at the provider")
        INACTIVE = "inactive", _("Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="payment_methods",
    )
    provider = models.CharField(_("provider"), max_length=32)
    # Encrypted with PAYMENTS_TOKEN_KEY (payments.crypto); never shown, logged or audited.
    token_ciphertext = models.TextField(_("token (encrypted)"), editable=False)
    label = models.CharField(_("label"), max_length=100)
    buyer_key = models.CharField(_("buyer key"), max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved payment method")
        verbose_name_plural = _("saved payment methods")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class InboundWebhook(models.Model):
    """A provider's notification, kept once per event id so a replay changes nothing."""

    provider = models.CharField(_("provider"), max_length=32)
    event_id = models.CharField(_("event id"), max_length=128)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    verified = models.BooleanField(_("signature verified"), default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider webhook")
        verbose_name_plural = _("provider webhooks")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
