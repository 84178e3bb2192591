"""Order notices reach the orderer's phone as 알림톡 beside the e-mail (over real HTTP)."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Message
from orders import services
from tests.orders.helpers import placed_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_paid_order_sends_the_buyer_a_mail_and_a_kakaotalk(sens) -> None:
    order, _variant = placed_order()
    services.mark_deposit_confirmed(order_id=order.pk)

    paid = Message.objects.filter(template_code="order.paid")
    assert {message.channel for message in paid} == {"email", "alimtalk"}
    assert all(message.status == Message.Status.SENT for message in paid)
    talks = [entry for entry in sens.inbox() if entry.get("templateCode") == "ORDER_PAID"]
    assert len(talks) == 1
    assert talks[0]["to"] == "".join(ch for ch in order.orderer_phone if ch.isdigit())
    assert order.number in talks[0]["content"]
    assert order.lookup_token() in talks[0]["content"]  # a guest's own link
    assert any(order.number in message.subject for message in mail.outbox)
