"""The audit log (which is also the event outbox), listener runs and outgoing webhooks."""

import re
import secrets
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One published domain event: who did what to which object, and its delivery state.

    The recorded columns never change after insert (a PostgreSQL trigger refuses it);
    only the ``delivery_*`` columns move as the outbox hands the event to listeners.
    """

    class ActorKind(models.TextChoices):
        USER = "user", _("Shopper")
        STAFF = "staff", _("Staff")
        VENDOR = "vendor", _("Vendor")
        SYSTEM = "system", _("System")
        ANONYMOUS = "anonymous", _("Anonymous")

    class Delivery(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    # Plain ids, not foreign keys: the log outlives deleted users and vendors.
    actor_id = models.PositiveBigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=255, blank=True)
    actor_vendor_id = models.PositiveBigIntegerField(_("vendor id"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject_label = models.CharField(_("subject"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    delivery_status = models.CharField(
        _("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.PENDING
    )
    delivery_attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_delivery_error = models.TextField(_("last delivery error"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-id"], name="audit_subject_idx"),
            models.Index(fields=["actor_id", "-id"], name="audit_actor_idx"),
            models.Index(fields=["actor_vendor_id", "-id"], name="audit_vendor_idx"),
            models.Index(
                fields=["created_at"],
                name="audit_undelivered_idx",
                condition=models.Q(delivery_status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"


class ListenerRun(models.Model):
    """That one listener has run for one event; a succeeded run is never repeated."""

    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="listener_runs")
    listener = models.CharField(_("listener"), max_length=255)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("listener run")
        verbose_name_plural = _("listener runs")
        constraints = [
            models.UniqueConstraint(fields=["event", "listener"], name="listener_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.listener} for {self.event_id}"


# --- Outgoing webhooks ----------------------------------------------------------------


EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[A-Z][A-Za-z0-9]*$")


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_event_types(value: Any) -> None:
    """Accept a non-empty list of event names like ``orders.OrderPlaced``, or ``*``."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one event type, or * for every event."))
    wrong = [name for name in value if name != "*" and not EVENT_TYPE_PATTERN.match(str(name))]
    if wrong:
        raise ValidationError(
            _("Not an event type: %(names)s. Write app.EventName, e.g. orders.OrderPlaced."),
            params={"names": ", ".join(map(str, wrong))},
        )


def validate_webhook_target(value: str) -> None:
    """Refuse URLs a webhook must not reach (see ``shop.webhooks.check_target``)."""
    from shop.webhooks import UnsafeTargetError, check_target  # webhooks imports these models

    try:
        check_target(value)
    except UnsafeTargetError as exc:
        raise ValidationError(str(exc)) from exc


class WebhookSubscription(TimeStampedModel):
    """An outside system that receives the events it lists, signed with its own secret."""

    name = models.CharField(_("name"), max_length=100)
    target_url = models.URLField(
        _("target URL"), max_length=500, validators=[validate_webhook_target]
    )
    event_types = models.JSONField(
        _("event types"),
        default=list,
        validators=[validate_event_types],
        help_text=_("Event names such as orders.OrderPlaced, or * for every event."),
    )
    # Kept as-is because every delivery is signed with it; never logged or audited.
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_webhook_secret, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


class WebhookDelivery(TimeStampedModel):
    """One event on its way to one subscription: its state and when to try next."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.ForeignKey(
        AuditEvent,
        on_delete=models.PROTECT,
        related_name="webhook_deliveries",
        verbose_name=_("event"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Due time of the next attempt; while an attempt runs, the end of its claim.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_response = models.TextField(_("last response"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["completed_at"],
                name="webhook_succeeded_idx",
                condition=models.Q(status="succeeded"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came back: the delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PersonalDataAccess(models.Model):
    """One view or download of customers' personal data by staff or vendor staff (접속기록).

    개인정보의 안전성 확보조치 기준 제8조: who (account), when, from where (IP), whose data
    (the rows' model and ids, or the list query), what (view or export) and, for a
    download, why. One row per request, never one per data subject; PostgreSQL refuses
    updates and deletions (migration 0004), so the record cannot be tampered with.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        EXPORT = "export", _("export")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    account_id = models.PositiveBigIntegerField(_("account id"), null=True, db_index=True)
    account_label = models.CharField(_("account"), max_length=255)
    vendor_id = models.PositiveBigIntegerField(_("vendor id"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("data"), max_length=100, db_index=True)
    object_ids = models.JSONField(_("rows"), default=list, blank=True)
    row_count = models.PositiveIntegerField(_("row count"), default=0)
    query = models.CharField(_("query"), max_length=500, blank=True)
    path = models.CharField(_("page"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.account_label} {self.action} {self.model} ({self.row_count})"


# Connects the masking of card and resident registration numbers in free text (PRIV-07).
from shop import dlp  # noqa: E402, F401
