"""E-mails to the buyer on placement, payment, shipment and cancellation, sent by listeners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from orders import services
from orders.models import Carrier, Order
from tests.orders.helpers import placed_order

pytestmark = pytest.mark.django_db


def test_placing_mails_the_bank_account_and_a_guest_lookup_link(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.ORDERS_BANK_ACCOUNT = "국민은행 123456-01-234567 (주)샵"
    settings.SITE_URL = "https://shop.example"
    with django_capture_on_commit_callbacks(execute=True):
        order, _variant = placed_order(quantity=2)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@example.com"]
    assert order.number in message.subject
    assert "국민은행 123456-01-234567" in message.body
    assert "\u00d7 2" in message.body  # the multiplication sign before the quantity
    assert "23,000원" in message.body
    # A guest follows the order through the secret link, which only this mail carries.
    assert "https://shop.example/" in message.body
    assert order.lookup_token() in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert order.number in html


def test_payment_shipment_and_their_details_are_mailed(django_capture_on_commit_callbacks) -> None:
    order, _variant = placed_order()
    shipment = order.shipments.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_deposit_confirmed(order_id=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.ship(
            shipment_id=shipment.pk, carrier=Carrier.values[0], tracking_number="1234-5678-9012"
        )

    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2, subjects
    shipped = mail.outbox[1]
    assert "123456789012" in shipped.body.replace("-", "")
    assert shipment.vendor.name in shipped.body


def test_an_expired_order_says_why_it_was_cancelled(django_capture_on_commit_callbacks) -> None:
    order, _variant = placed_order()
    Order.objects.filter(pk=order.pk).update(payment_expires_at=timezone.now() - timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_order(order_id=order.pk)

    body = mail.outbox[-1].body
    assert order.number in mail.outbox[-1].subject
    assert "deadline" in body or "기한" in body


def test_an_unknown_kind_of_mail_is_a_programming_error() -> None:
    order, _variant = placed_order()
    with pytest.raises(ValueError, match="unknown"):
        services.send_order_email(order_id=order.pk, kind="spam")
