"""A guest's restock alert: double opt-in by e-mail, rate-limited, then one message."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from catalog import services as catalog
from tests.catalog.factories import VariantFactory
from wishlist.models import RestockSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant():
    return VariantFactory(stock=0, label="화이트 / S")


def ask(client, variant, email: str):
    return client.post(reverse("wishlist:request_restock", args=[variant.pk]), {"email": email})


def confirm_path() -> str:
    return re.search(r"https?://[^/]+(/restock/confirm/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_a_guest_confirms_by_mail_and_gets_one_alert(
    client, variant, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, variant, "Guest@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, variant, "guest@example.com")  # again: no second mail to that inbox
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["guest@example.com"]

    path = confirm_path()
    assert client.get(path).status_code == 200  # a link scanner's visit confirms nothing
    assert RestockSubscription.objects.get().confirmed_at is None
    assert client.post(path).status_code == 302
    assert RestockSubscription.objects.get().confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=variant.pk, delta=3, reason="restock")
    alerts = [message for message in mail.outbox if "재입고되었습니다" in message.subject]
    assert len(alerts) == 1
    assert alerts[0].to == ["guest@example.com"]


def test_an_unconfirmed_request_alerts_nobody(
    client, variant, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, variant, "stranger@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=variant.pk, delta=3, reason="restock")

    assert len(mail.outbox) == 1  # the confirmation only
    assert RestockSubscription.objects.get().notified_at is None


def test_a_forged_link_is_not_found(client) -> None:
    path = reverse("wishlist:confirm_restock", args=["1:forged:token"])
    assert client.post(path).status_code == 404


def test_a_bad_address_is_refused_with_a_message(client, variant) -> None:
    response = ask(client, variant, "not-an-address")
    assert response.status_code == 302
    assert not RestockSubscription.objects.exists()


def test_one_ip_cannot_mail_many_addresses(client, variant, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "restock_alert": "3/h/ip"}
    for index in range(5):
        ask(client, variant, f"victim{index}@example.com")

    assert RestockSubscription.objects.count() == 3
