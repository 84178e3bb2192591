"""E-mail through Django's mail backend (SMTP in production, the console offline)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from notifications.channels import Channel, Draft, Sent
from notifications.exceptions import DeliveryError
from notifications.models import Message, NotificationTemplate
from notifications.rendering import render_text


def opt_out_line() -> str:
    try:
        path = reverse("accounts:profile")
    except NoReverseMatch:
        path = "/"
    link = settings.SITE_URL.rstrip("/") + path
    return gettext("To stop these messages, withdraw your marketing consent here: %(link)s") % {
        "link": link
    }


class EmailChannel(Channel):
    code = "email"
    medium = "email"

    def compose(
        self, template: NotificationTemplate, context: dict[str, Any], *, marketing: bool
    ) -> Draft | None:
        if not template.email_body:
            return None
        subject = render_text(template.email_subject, context).replace("\n", " ")[:200]
        body = render_text(template.email_body, context)
        if marketing:
            subject = f"(광고) {subject}"  # 정보통신망법 제50조: advertising says so first
            body = f"{body}\n\n{opt_out_line()}"  # ... and says how to refuse it
        return Draft(subject=subject, body=body)

    def send(self, message: Message) -> Sent:
        html = render_to_string(
            "notifications/email/layout.html",
            {"body": message.body, "shop_name": settings.SHOP_NAME},
        )
        mail = EmailMultiAlternatives(
            subject=message.subject, body=message.body, to=[message.recipient]
        )
        mail.attach_alternative(html, "text/html")
        try:
            mail.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
            raise DeliveryError("refused", str(error)) from error
        except (smtplib.SMTPException, OSError) as error:  # the server is down or busy
            raise DeliveryError("unreachable", str(error), retryable=True) from error
        return Sent(provider_id=mail.extra_headers.get("Message-ID", ""))
