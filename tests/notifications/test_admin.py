"""Staff edit templates with a preview; the message log is read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Message, NotificationTemplate
from shop.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def change_url(template: NotificationTemplate) -> str:
    return reverse("admin:notifications_notificationtemplate_change", args=[template.pk])


def test_the_seeded_korean_templates_cover_every_event() -> None:
    codes = set(NotificationTemplate.objects.values_list("code", flat=True))
    assert {
        "order.placed",
        "order.paid",
        "order.shipped",
        "order.cancelled",
        "restock.available",
        "qna.question_received",
        "qna.answered",
    } <= codes
    paid = NotificationTemplate.objects.get(code="order.paid")
    assert "결제" in paid.email_subject
    assert paid.alimtalk_template_code == "ORDER_PAID"
    assert "#{number}" in paid.alimtalk_body


def test_the_change_page_previews_every_channel_with_sample_values(staff_client) -> None:
    template = NotificationTemplate.objects.get(code="order.shipped")
    page = staff_client.get(change_url(template))

    assert page.status_code == 200
    html = page.content.decode()
    assert "123456789012" in html  # the sample tracking number, rendered
    assert "CJ대한통운" in html
    assert "#{carrier}" in html  # the form field still shows the raw 알림톡 text


def test_an_edit_is_audited_and_a_broken_template_is_refused(staff_client) -> None:
    template = NotificationTemplate.objects.get(code="order.paid")
    data = {
        "name": template.name,
        "active": "on",
        "email_subject": "결제 완료 {{ number }}",
        "email_body": template.email_body,
        "sms_text": template.sms_text,
        "alimtalk_template_code": template.alimtalk_template_code,
        "alimtalk_body": template.alimtalk_body,
    }
    broken = staff_client.post(change_url(template), {**data, "email_body": "{% if %}"})
    assert broken.status_code == 200
    assert "does not render" in broken.content.decode() or "렌더" in broken.content.decode()

    saved = staff_client.post(change_url(template), data)
    assert saved.status_code == 302
    template.refresh_from_db()
    assert template.email_subject == "결제 완료 {{ number }}"
    assert AuditEvent.objects.filter(subject_type="notifications.NotificationTemplate").exists()


def test_templates_cannot_be_deleted_nor_messages_edited(staff_client) -> None:
    template = NotificationTemplate.objects.get(code="order.paid")
    message = Message.objects.create(
        template_code="order.paid", channel="email", recipient="a@example.com", body="x"
    )
    delete = reverse("admin:notifications_notificationtemplate_delete", args=[template.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    view = reverse("admin:notifications_message_change", args=[message.pk])
    assert staff_client.get(view).status_code == 200
    staff_client.post(view, {"recipient": "b@example.com"})
    message.refresh_from_db()
    assert message.recipient == "a@example.com"


def test_staff_send_failed_messages_again_audited_and_sent_ones_are_left(
    staff_client, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    failed = Message.objects.create(
        template_code="order.paid",
        channel="email",
        recipient="a@example.com",
        subject="s",
        body="b",
        status=Message.Status.FAILED,
        error="refused",
    )
    sent = Message.objects.create(
        template_code="order.paid",
        channel="email",
        recipient="b@example.com",
        body="b",
        status=Message.Status.SENT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:notifications_message_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        )

    failed.refresh_from_db()
    assert failed.status == Message.Status.SENT
    assert [message.to for message in mail.outbox] == [["a@example.com"]]
    assert AuditEvent.objects.filter(event_type="notifications.MessageResent").count() == 1
