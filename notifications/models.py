"""Notification templates per event code, and the log of every message sent.

A template holds one body per channel. Bodies are Django template text rendered with the
plain (JSON) values the caller passed to ``services.notify``; the 알림톡 body instead
uses Kakao's ``#{variable}`` placeholders, because Kakao approves the template's exact
text and only the variables may change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models import TimeStampedModel


class NotificationTemplate(TimeStampedModel):
    code = models.CharField(_("event code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    email_subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    email_body = models.TextField(_("e-mail body"), blank=True)
    sms_text = models.TextField(
        _("SMS text"), blank=True, help_text=_("Over 90 bytes it is sent as an LMS.")
    )
    alimtalk_template_code = models.CharField(
        _("알림톡 template code"),
        max_length=30,
        blank=True,
        help_text=_("The code Kakao approved this template under."),
    )
    alimtalk_body = models.TextField(
        _("알림톡 body"),
        blank=True,
        help_text=_("The approved text; only #{variable} placeholders are filled in."),
    )

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Message(models.Model):
    """One message to one recipient on one channel, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    template_code = models.CharField(_("event code"), max_length=64, db_index=True)
    channel = models.CharField(_("channel"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    marketing = models.BooleanField(_("marketing"), default=False)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    # Channel-specific extras: the 알림톡 template code, its SMS fallback text.
    extra = models.JSONField(_("extra"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    provider_id = models.CharField(_("provider id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When a worker took it to send: a row left "sending" long after was lost with its worker.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # The provider itself re-sent a 알림톡 as SMS (the recipient does not use KakaoTalk).
    failover = models.BooleanField(_("sent as SMS by the provider"), default=False)
    fallback_of = models.ForeignKey(
        "self",
        verbose_name=_("fallback of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="fallbacks",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="notifications_unsent",
            )
        ]
        constraints = [
            # A failed 알림톡 falls back to SMS once, however often its task is redelivered.
            models.UniqueConstraint(
                fields=["fallback_of"],
                condition=models.Q(fallback_of__isnull=False),
                name="notifications_one_fallback_per_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.channel}:{self.recipient}"
