"""notify(): the contract other apps call; e-mail delivery and the message log."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from notifications.models import Message
from notifications.services import notify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_template_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown notification template"):
        notify(template="order.nonsense", email="a@example.com", context={})


def test_a_context_that_is_not_plain_json_is_refused() -> None:
    with pytest.raises(ValueError, match="plain JSON"):
        notify(template="order.paid", email="a@example.com", context={"when": object()})


def test_mail_is_queued_with_the_transaction_and_sent_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            template="order.paid",
            email="buyer@example.com",
            context={
                "number": "20261204-0001",
                "total": "23,000원",
                "shop_name": "샵",
                "lines": [],
            },
        )
    message = Message.objects.get()
    assert message.status == Message.Status.QUEUED
    assert mail.outbox == []  # nothing leaves before the caller's transaction commits

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["buyer@example.com"]
    assert "20261204-0001" in mail.outbox[0].subject
    assert "23,000원" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"


def test_the_users_own_address_is_used_and_html_in_values_is_escaped_in_the_html_part(
    django_capture_on_commit_callbacks,
) -> None:
    user = UserFactory(email="member@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="order.placed", user=user, context={"name": "<b>홍</b>", "lines": []})

    assert mail.outbox[0].to == ["member@example.com"]
    assert "<b>홍</b>" in mail.outbox[0].body  # the text part is plain text
    assert "&lt;b&gt;" in mail.outbox[0].alternatives[0][0]
    assert Message.objects.get().user == user


def test_nobody_reachable_queues_nothing(caplog) -> None:
    caplog.set_level(logging.INFO, logger="notifications.services")
    notify(template="order.paid", phone="010-1234-5678", context={})  # SMS is off in tests

    assert not Message.objects.exists()
    assert "no channel reaches" in caplog.text


def test_a_switched_off_template_sends_nothing() -> None:
    from notifications.models import NotificationTemplate

    NotificationTemplate.objects.filter(code="order.paid").update(active=False)
    notify(template="order.paid", email="buyer@example.com", context={})

    assert not Message.objects.exists()


def test_a_delivered_message_is_not_sent_again_by_a_second_delivery(
    django_capture_on_commit_callbacks,
) -> None:
    from notifications.services import deliver

    with django_capture_on_commit_callbacks(execute=True):
        notify(template="order.paid", email="buyer@example.com", context={})
    message = Message.objects.get()

    assert deliver(message_id=message.pk) is None  # already sent: a redelivered task is a no-op
    assert len(mail.outbox) == 1


def test_a_live_shop_refuses_to_start_with_sandbox_sens_keys(settings) -> None:
    from notifications.checks import sens_credentials

    settings.SHOP_SANDBOX = False
    settings.NOTIFICATIONS_CHANNELS = ["email", "alimtalk", "sms"]
    assert [error.id for error in sens_credentials()] == ["notifications.E001"]

    settings.SENS_ACCESS_KEY, settings.SENS_SECRET_KEY = "live-key", "live-secret"
    assert sens_credentials() == []
    settings.NOTIFICATIONS_CHANNELS = ["email"]
    settings.SENS_SECRET_KEY = ""
    assert sens_credentials() == []  # no phone channel, no keys needed
