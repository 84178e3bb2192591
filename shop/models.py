"""The audit log (which is also the event outbox), listener runs and outgoing webhooks."""

import uuid

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
