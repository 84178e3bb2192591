"""SMS (LMS past 90 bytes) through NAVER Cloud SENS."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from notifications import sens
from notifications.channels import Channel, Draft, Sent
from notifications.exceptions import DeliveryError
from notifications.models import Message, NotificationTemplate
from notifications.rendering import render_text

SMS_MAX_BYTES = 90  # one SMS; longer texts go as LMS (EUC-KR bytes, as carriers count)
LMS_MAX_BYTES = 2000
LMS_SUBJECT_MAX_BYTES = 40


def byte_length(text: str) -> int:
    return len(text.encode("euc-kr", errors="replace"))


def cut(text: str, limit: int) -> str:
    while byte_length(text) > limit:
        text = text[:-1]
    return text


def sms_draft(text: str, *, subject: str = "", marketing: bool = False) -> Draft:
    """An SMS or LMS of ``text``; advertising is marked and sent as SENS's ``AD`` type."""
    if marketing:
        text = f"(광고){settings.SHOP_NAME}\n{text}\n{settings.NOTIFICATIONS_OPT_OUT_NOTICE}"
    kind = "SMS" if byte_length(text) <= SMS_MAX_BYTES else "LMS"
    return Draft(
        body=cut(text, LMS_MAX_BYTES),
        subject=cut(subject, LMS_SUBJECT_MAX_BYTES) if kind == "LMS" else "",
        extra={"type": kind, "contentType": "AD" if marketing else "COMM"},
    )


def phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


class SmsChannel(Channel):
    code = "sms"
    medium = "phone"

    def compose(
        self, template: NotificationTemplate, context: dict[str, Any], *, marketing: bool
    ) -> Draft | None:
        if not template.sms_text:
            return None
        subject = render_text(template.email_subject, context).replace("\n", " ")
        return sms_draft(
            render_text(template.sms_text, context), subject=subject, marketing=marketing
        )

    def send(self, message: Message) -> Sent:
        body = {
            "type": message.extra.get("type", "SMS"),
            "contentType": message.extra.get("contentType", "COMM"),
            "countryCode": "82",
            "from": phone_digits(settings.SENS_SMS_FROM),
            "content": message.body,
            "messages": [{"to": phone_digits(message.recipient)}],
        }
        if message.subject:
            body["subject"] = message.subject
        answer = sens.call(
            "POST", f"/sms/v2/services/{settings.SENS_SMS_SERVICE_ID}/messages", body
        )
        if str(answer.get("statusCode")) != "202":
            raise DeliveryError(str(answer.get("statusCode")), str(answer.get("statusName", "")))
        return Sent(provider_id=str(answer.get("requestId", "")))
