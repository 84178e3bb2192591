"""Messages whose task was lost are sent again by the beat job, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Message
from notifications.tasks import resend_lost_messages

pytestmark = pytest.mark.django_db


def message(**fields) -> Message:
    return Message.objects.create(
        template_code="order.paid",
        channel="email",
        recipient="buyer@example.com",
        subject="s",
        body="b",
        **fields,
    )


def test_a_queued_message_whose_task_was_lost_is_sent_by_the_beat_job() -> None:
    lost = message()
    Message.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = message()  # its task may still be on its way: left alone

    assert resend_lost_messages() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == Message.Status.SENT
    assert fresh.status == Message.Status.QUEUED
    assert len(mail.outbox) == 1
    assert resend_lost_messages() == 0  # sent: never again


def test_a_message_left_sending_by_a_killed_worker_is_taken_again_but_not_a_busy_one() -> None:
    stuck = message(status=Message.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1))
    busy = message(status=Message.Status.SENDING, claimed_at=timezone.now())

    assert resend_lost_messages() == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == Message.Status.SENT
    assert busy.status == Message.Status.SENDING
