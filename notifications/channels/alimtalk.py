"""KakaoTalk 알림톡 through NAVER Cloud SENS's Biz Message API, with SMS failover.

Two ways a 알림톡 ends as an SMS, as with every Korean provider:

* SENS accepts it but cannot deliver it (the number has no KakaoTalk, or blocked the
  channel): SENS itself sends ``failoverConfig`` as SMS because ``useSmsFailover`` is
  on. The delivery lookup right after the send tells us, and the log row says so.
* SENS refuses it (a template not approved, a text that does not match it): the row
  fails and the shop sends the prepared SMS itself (``fallback = "sms"``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from notifications import sens
from notifications.channels import Channel, Draft, Sent
from notifications.channels.sms import phone_digits, sms_draft
from notifications.exceptions import DeliveryError
from notifications.models import Message, NotificationTemplate
from notifications.rendering import fill_placeholders, render_text

ACCEPTED = "A000"  # requestStatusCode: SENS took the message
DELIVERED = "0000"  # messageStatusCode: it reached KakaoTalk


class AlimTalkChannel(Channel):
    code = "alimtalk"
    medium = "phone"
    allows_marketing = False
    fallback = "sms"

    def compose(
        self, template: NotificationTemplate, context: dict[str, Any], *, marketing: bool
    ) -> Draft | None:
        if marketing or not (template.alimtalk_template_code and template.alimtalk_body):
            return None
        extra: dict[str, Any] = {"templateCode": template.alimtalk_template_code}
        if template.sms_text:
            subject = render_text(template.email_subject, context).replace("\n", " ")
            sms = sms_draft(render_text(template.sms_text, context), subject=subject)
            extra["fallback"] = {"subject": sms.subject, "body": sms.body, **sms.extra}
        return Draft(body=fill_placeholders(template.alimtalk_body, context), extra=extra)

    def send(self, message: Message) -> Sent:
        recipient: dict[str, Any] = {
            "countryCode": "82",
            "to": phone_digits(message.recipient),
            "content": message.body,
        }
        fallback = message.extra.get("fallback")
        if fallback:
            recipient["useSmsFailover"] = True
            recipient["failoverConfig"] = {
                "type": fallback["type"],
                "from": phone_digits(settings.SENS_SMS_FROM),
                "subject": fallback["subject"],
                "content": fallback["body"],
            }
        service = settings.SENS_ALIMTALK_SERVICE_ID
        answer = sens.call(
            "POST",
            f"/alimtalk/v2/services/{service}/messages",
            {
                "plusFriendId": settings.SENS_PLUS_FRIEND_ID,
                "templateCode": message.extra.get("templateCode", ""),
                "messages": [recipient],
            },
        )
        result = (answer.get("messages") or [{}])[0]
        if result.get("requestStatusCode") != ACCEPTED:
            raise DeliveryError(
                str(result.get("requestStatusCode") or answer.get("statusCode")),
                str(result.get("requestStatusDesc") or answer.get("statusName", "")),
            )
        message_id = str(result.get("messageId", ""))
        return Sent(provider_id=message_id, failover=self._failed_over(service, message_id))

    def _failed_over(self, service: str, message_id: str) -> bool:
        """Whether SENS re-sent it as SMS; unknown yet (still processing) counts as no."""
        try:
            status = sens.call("GET", f"/alimtalk/v2/services/{service}/messages/{message_id}")
        except DeliveryError:
            return False
        code = status.get("messageStatusCode")
        return bool(code and code != DELIVERED and status.get("failoverInfo"))
