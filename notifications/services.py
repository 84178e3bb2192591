"""Sending notifications: record one ``Message`` per channel, deliver it from a worker.

``notify`` is what other apps call, in their own transaction: the rows are written with
it, and the deliveries are queued only once it commits, so a rolled-back order sends
nothing. A worker then sends each row (``deliver``), retrying with backoff when the
provider is unreachable; a 알림톡 that fails for good falls back to SMS exactly once.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from notifications import channels, defaults
from notifications.events import MarketingSent, MessageResent
from notifications.exceptions import DeliveryError
from notifications.models import Message, NotificationTemplate
from shop.events import publish

logger = logging.getLogger(__name__)

# A queued row this old lost its task (the retries' backoff, 8 minutes at most, is
# shorter); a row "sending" this long lost its worker (a send takes seconds).
LOST_AFTER = timedelta(minutes=30)
STUCK_AFTER = timedelta(minutes=15)


def notify(
    *,
    template: str,
    user: Any = None,
    email: str = "",
    phone: str = "",
    context: dict[str, Any],
    marketing: bool = False,
) -> None:
    """Queue the ``template`` notification to a user or to an e-mail address and phone.

    ``context`` holds plain JSON values (text, numbers, lists, dicts): staff edit the
    templates, so they never get at model objects. Explicit ``email``/``phone`` win over
    the user's own. A marketing message goes only to a member who consented. An unknown
    template raises ``ValueError``; when no channel reaches the recipient nothing is
    queued and the reason is logged.
    """
    try:
        json.dumps(context)
    except TypeError as error:
        raise ValueError(f"notification context must be plain JSON values: {error}") from error
    found = get_template(template)
    context = {"shop_name": settings.SHOP_NAME or gettext("Shop"), **context}
    if not found.active:
        logger.info("notification %s not sent: the template is switched off", template)
        return
    if marketing and (user is None or not user.marketing_opt_in):
        logger.info("marketing notification %s not sent: no marketing consent", template)
        return
    if user is not None:
        email, phone = email or user.email, phone or user.phone
    messages = _drafts(found, context, user=user, email=email, phone=phone, marketing=marketing)
    if not messages:
        logger.info("notification %s not sent: no channel reaches the recipient", template)
        return
    with transaction.atomic():
        Message.objects.bulk_create(messages)
        for message in messages:
            _enqueue_on_commit(message.pk)


def get_template(code: str) -> NotificationTemplate:
    """The template of ``code``, re-created from the defaults if its row is missing."""
    found = NotificationTemplate.objects.filter(code=code).first()
    if found is not None:
        return found
    if code not in defaults.BY_CODE:
        raise ValueError(f"unknown notification template {code!r}")
    found, _created = NotificationTemplate.objects.get_or_create(
        code=code, defaults=defaults.BY_CODE[code]
    )
    return found


def _drafts(
    template: NotificationTemplate,
    context: dict[str, Any],
    *,
    user: Any,
    email: str,
    phone: str,
    marketing: bool,
) -> list[Message]:
    """One unsaved message per medium: the first enabled channel that has a body wins."""
    messages: list[Message] = []
    served: set[str] = set()
    for channel in channels.enabled():
        address = channel.address(email=email, phone=phone)
        if channel.medium in served or not address:
            continue
        if marketing and not channel.allows_marketing:
            continue
        draft = channel.compose(template, context, marketing=marketing)
        if draft is None:
            continue
        served.add(channel.medium)
        messages.append(
            Message(
                template_code=template.code,
                channel=channel.code,
                user=user if getattr(user, "pk", None) else None,
                recipient=address,
                marketing=marketing,
                subject=draft.subject,
                body=draft.body,
                extra=draft.extra,
            )
        )
    return messages


def _enqueue_on_commit(message_id: int) -> None:
    from notifications.tasks import deliver_message

    transaction.on_commit(lambda: deliver_message.delay(message_id), robust=True)


def deliver(*, message_id: int, final_attempt: bool = True) -> Message.Status | None:
    """Send one queued message; return its new status (None: not queued, nothing done).

    Claiming the row with a conditional UPDATE makes a doubly delivered task send once.
    A retryable failure puts it back in the queue and re-raises, unless this is the
    final attempt; a final failure hands it to the channel's fallback, once.
    """
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id)
        .filter(
            Q(status=Message.Status.QUEUED)
            | Q(status=Message.Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
        )
        .update(status=Message.Status.SENDING, claimed_at=now)
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    message.attempts += 1
    channel = channels.get(message.channel)
    try:
        sent = channel.send(message)
    except DeliveryError as error:
        message.error = str(error)[:2000]
        if error.retryable and not final_attempt:
            message.status = Message.Status.QUEUED
            message.save(update_fields=["status", "error", "attempts"])
            raise
        message.status = Message.Status.FAILED
        message.save(update_fields=["status", "error", "attempts"])
        logger.warning("message %s failed on %s: %s", message.pk, message.channel, error)
        _fall_back(message, channel)
        return message.status
    message.status = Message.Status.SENT
    message.provider_id = sent.provider_id[:100]
    message.failover = sent.failover
    message.error = ""
    message.sent_at = timezone.now()
    message.save(
        update_fields=["status", "provider_id", "failover", "error", "attempts", "sent_at"]
    )
    return message.status


def send_marketing(*, template: str, context: dict[str, Any] | None = None) -> int:
    """Send a ``marketing.*`` template to every active member who opted in; return how many.

    Each member goes through ``notify(marketing=True)``, which checks the consent again,
    so a member who withdrew while the campaign runs gets nothing.
    """
    if not template.startswith("marketing."):
        raise ValueError(f"{template!r} is not a marketing template (marketing.*)")
    get_template(template)  # an unknown code fails before anyone is counted
    members = get_user_model().objects.filter(marketing_opt_in=True, is_active=True)
    sent = 0
    for member in members.order_by("pk").iterator(chunk_size=500):
        notify(template=template, user=member, context=context or {}, marketing=True)
        sent += 1
    publish(MarketingSent(template=template, recipients=sent))
    return sent


def resend(*, message_id: int) -> bool:
    """Queue a failed message again (staff, after fixing its cause); return whether it was."""
    with transaction.atomic():
        requeued = Message.objects.filter(pk=message_id, status=Message.Status.FAILED).update(
            status=Message.Status.QUEUED, error=""
        )
        if not requeued:
            return False
        channel = Message.objects.values_list("channel", flat=True).get(pk=message_id)
        publish(MessageResent(message_id=message_id, channel=channel))
        _enqueue_on_commit(message_id)
    return True


def unsent_message_ids() -> list[int]:
    """Messages whose delivery task was lost: queued a while ago, or stuck "sending".

    A broker that was down when the caller committed, or a worker killed mid-send, leaves
    such rows; the beat job hands them to ``deliver`` again, which claims each once.
    """
    now = timezone.now()
    return list(
        Message.objects.filter(
            Q(status=Message.Status.QUEUED, created_at__lt=now - LOST_AFTER)
            | Q(status=Message.Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
        ).values_list("pk", flat=True)[:1000]
    )


def _fall_back(message: Message, channel: channels.Channel) -> None:
    draft = message.extra.get("fallback")
    if not channel.fallback or not draft:
        return
    try:
        with transaction.atomic():
            fallback = Message.objects.create(
                template_code=message.template_code,
                channel=channel.fallback,
                user_id=message.user_id,
                recipient=message.recipient,
                marketing=message.marketing,
                subject=draft.get("subject", ""),
                body=draft["body"],
                extra={
                    key: value for key, value in draft.items() if key not in ("subject", "body")
                },
                fallback_of=message,
            )
            _enqueue_on_commit(fallback.pk)
    except IntegrityError:  # already fell back (the unique constraint): send it once only
        return


def preview(
    *, template: NotificationTemplate, context: dict[str, Any]
) -> dict[str, dict[str, str]]:
    """What each channel would send for ``context``, by channel code (the admin's preview)."""
    shown: dict[str, dict[str, str]] = {}
    for code in ("email", "alimtalk", "sms"):
        draft = channels.get(code).compose(template, context, marketing=False)
        if draft is not None:
            shown[code] = {"subject": draft.subject, "body": draft.body}
    return shown
