"""SMS and KakaoTalk 알림톡 over real HTTP against the SENS emulator, with SMS fallback."""

from __future__ import annotations

import httpx
import pytest

from notifications.models import Message
from notifications.services import notify
from notifications.tasks import MAX_RETRIES

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "010-2345-6789"
ORDER = {"name": "김하늘", "number": "20261204-0042", "total": "23,000원", "link": "https://s/o/42"}


def by_channel() -> dict[str, Message]:
    return {message.channel: message for message in Message.objects.all()}


def test_a_kakaotalk_user_gets_the_alimtalk_and_no_sms(sens) -> None:
    notify(template="order.paid", phone=PHONE, context=ORDER)

    messages = by_channel()
    assert set(messages) == {"alimtalk"}, [message.error for message in messages.values()]
    alimtalk = messages["alimtalk"]
    assert alimtalk.status == Message.Status.SENT
    assert alimtalk.extra["templateCode"] == "ORDER_PAID"
    assert alimtalk.failover is False
    [entry] = sens.inbox()
    assert entry["channel"] == "ALIMTALK"
    assert entry["messageId"] == alimtalk.provider_id
    assert entry["to"] == "01023456789"
    assert "20261204-0042" in entry["content"]
    assert "김하늘님" in entry["content"]
    assert "#{" not in entry["content"]  # every variable was filled


def test_a_number_without_kakaotalk_gets_the_sms_sens_sends_in_its_place(sens) -> None:
    sens.set_not_kakao_user(PHONE)
    notify(template="order.paid", phone=PHONE, context=ORDER)

    alimtalk = Message.objects.get()
    assert alimtalk.status == Message.Status.SENT
    assert alimtalk.failover is True  # the delivery lookup said SENS failed over
    sms = [entry for entry in sens.inbox() if entry["channel"] in ("SMS", "LMS")]
    assert len(sms) == 1
    assert sms[0]["failoverOf"] == alimtalk.provider_id
    assert "20261204-0042" in sms[0]["content"]


def test_a_refused_alimtalk_falls_back_to_one_sms_sent_by_the_shop(sens) -> None:
    sens.set_fault("template_not_approved")
    notify(template="order.paid", phone=PHONE, context=ORDER)

    messages = by_channel()
    assert messages["alimtalk"].status == Message.Status.FAILED
    assert "E107" in messages["alimtalk"].error
    assert messages["sms"].status == Message.Status.SENT
    assert messages["sms"].fallback_of == messages["alimtalk"]
    [entry] = sens.inbox()
    assert entry["channel"] == "SMS"
    assert "failoverOf" not in entry
    assert "20261204-0042" in entry["content"]


def test_an_unreachable_provider_is_retried_then_the_sms_takes_over(sens) -> None:
    sens.set_fault("server_error", times=MAX_RETRIES + 1)
    notify(template="order.paid", phone=PHONE, context=ORDER)

    messages = by_channel()
    assert messages["alimtalk"].attempts == MAX_RETRIES + 1
    assert messages["alimtalk"].status == Message.Status.FAILED
    assert "http_500" in messages["alimtalk"].error
    assert messages["sms"].status == Message.Status.SENT


def test_a_provider_back_before_the_last_retry_sends_the_alimtalk_itself(sens) -> None:
    sens.set_fault("server_error", times=2)
    notify(template="order.paid", phone=PHONE, context=ORDER)

    [alimtalk] = Message.objects.all()
    assert alimtalk.status == Message.Status.SENT
    assert alimtalk.attempts == 3
    assert [entry["channel"] for entry in sens.inbox()] == ["ALIMTALK"]


def test_a_long_text_goes_as_lms_with_a_subject(sens, settings) -> None:
    settings.NOTIFICATIONS_CHANNELS = ["sms"]
    notify(
        template="restock.available",
        phone=PHONE,
        context={
            "product": "아주 긴 상품 이름 " * 8,
            "option": "블랙 / L",
            "link": "https://s/p/1",
        },
    )

    [entry] = sens.inbox()
    assert entry["channel"] == "LMS"
    assert entry["subject"].startswith("[")  # the e-mail subject, cut to LMS's 40 bytes
    assert len(entry["subject"].encode("euc-kr")) <= 40
    assert "재입고" in entry["content"]
    assert Message.objects.get().extra["type"] == "LMS"


def test_a_short_text_goes_as_sms(sens, settings) -> None:
    settings.NOTIFICATIONS_CHANNELS = ["sms"]
    notify(template="order.cancelled", phone=PHONE, context={"number": "42", "shop_name": "샵"})

    [entry] = sens.inbox()
    assert entry["channel"] == "SMS"
    assert entry["subject"] == ""


def test_the_emulator_refuses_a_request_not_signed_with_the_secret_key(sens, settings) -> None:
    response = httpx.post(
        f"{settings.SENS_BASE_URL}/sms/v2/services/{settings.SENS_SMS_SERVICE_ID}/messages",
        json={"type": "SMS", "from": "021234", "content": "x", "messages": [{"to": "010"}]},
        headers={
            "x-ncp-apigw-timestamp": "1",
            "x-ncp-iam-access-key": settings.SENS_ACCESS_KEY,
            "x-ncp-apigw-signature-v2": "forged",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"]["errorCode"] == "210"  # stale timestamp first
    assert sens.inbox() == []


def test_the_sandbox_inbox_lists_what_was_sent_escaped(sens, client) -> None:
    notify(template="order.paid", phone=PHONE, context={**ORDER, "name": "<script>x</script>"})

    page = client.get("/sandbox/sens/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ALIMTALK" in html
    assert "01023456789" in html
    assert "<script>x" not in html
    assert "&lt;script&gt;x" in html
