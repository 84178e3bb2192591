"""Marketing messages only to members who consented, marked as advertising."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Message
from notifications.services import notify
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

NEWS = {"title": "12월 할인", "body": "전 상품 10%", "link": "https://s/sale"}


def test_a_member_who_did_not_consent_gets_nothing(django_capture_on_commit_callbacks) -> None:
    user = UserFactory(marketing_opt_in=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="marketing.newsletter", user=user, context=NEWS, marketing=True)

    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_guest_address_never_gets_marketing() -> None:
    notify(template="marketing.newsletter", email="x@example.com", context=NEWS, marketing=True)

    assert not Message.objects.exists()


def test_a_member_who_consented_gets_it_marked_as_advertising(
    django_capture_on_commit_callbacks, settings
) -> None:
    user = UserFactory(
        marketing_opt_in=True, marketing_consent_at=timezone.now(), phone="010-1111-2222"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(template="marketing.newsletter", user=user, context=NEWS, marketing=True)

    assert mail.outbox[0].subject.startswith("(광고)")
    assert "/my/" in mail.outbox[0].body  # where to withdraw the consent
    assert Message.objects.get(channel="email").marketing is True


def test_marketing_never_goes_as_alimtalk_but_as_an_ad_sms(settings) -> None:
    from notifications import channels
    from notifications.models import NotificationTemplate

    template = NotificationTemplate.objects.get(code="order.paid")  # one with a 알림톡 body
    assert channels.get("alimtalk").compose(template, {}, marketing=True) is None
    draft = channels.get("sms").compose(template, {"number": "1"}, marketing=True)
    assert draft.body.startswith("(광고)")
    assert settings.NOTIFICATIONS_OPT_OUT_NOTICE in draft.body
    assert draft.extra["contentType"] == "AD"


def test_a_campaign_reaches_only_the_members_who_opted_in(
    django_capture_on_commit_callbacks,
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    UserFactory(
        email="yes1@example.com", marketing_opt_in=True, marketing_consent_at=timezone.now()
    )
    UserFactory(
        email="yes2@example.com", marketing_opt_in=True, marketing_consent_at=timezone.now()
    )
    UserFactory(email="no@example.com", marketing_opt_in=False)
    UserFactory(email="gone@example.com", marketing_opt_in=True, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_marketing", "marketing.newsletter")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "yes1@example.com",
        "yes2@example.com",
    ]
    with pytest.raises(CommandError, match="not a marketing template"):
        call_command("send_marketing", "order.paid")
