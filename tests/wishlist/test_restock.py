"""Restock alerts: one message when stock returns, however the stock came back."""

from __future__ import annotations

import pytest
from django.core import mail

from catalog import services as catalog
from notifications.models import Message
from shop.exceptions import NotFoundError
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from wishlist import services
from wishlist.exceptions import WishlistError
from wishlist.models import RestockSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_out(django_capture_on_commit_callbacks):
    variant = VariantFactory(stock=1, label="블랙 / L")
    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=variant.pk, delta=-1, reason="sold")
    variant.refresh_from_db()
    variant.product.refresh_from_db()
    assert variant.stock == 0
    return variant


def restock_messages() -> list[Message]:
    return list(Message.objects.filter(template_code="restock.available"))


def test_stock_coming_back_sends_one_message_and_closes_the_request(
    sold_out, django_capture_on_commit_callbacks
) -> None:
    member = UserFactory(email="waiting@example.com")
    subscription = services.request_restock_alert(user=member, variant_id=sold_out.pk)
    assert services.request_restock_alert(user=member, variant_id=sold_out.pk) == subscription

    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=sold_out.pk, delta=5, reason="restock")
    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=sold_out.pk, delta=3, reason="more")  # not from zero

    [message] = restock_messages()
    assert message.recipient == "waiting@example.com"
    assert message.status == Message.Status.SENT
    assert sold_out.product.name in mail.outbox[-1].subject
    assert "블랙 / L" in mail.outbox[-1].body
    subscription.refresh_from_db()
    assert subscription.notified_at is not None


def test_a_second_delivery_of_the_same_event_sends_nothing_more(
    sold_out, django_capture_on_commit_callbacks
) -> None:
    from catalog.events import StockChanged
    from wishlist.listeners import alert_on_stock_from_zero

    services.request_restock_alert(user=UserFactory(), variant_id=sold_out.pk)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.adjust_stock(variant_id=sold_out.pk, delta=2, reason="restock")
    event = StockChanged(
        variant_id=sold_out.pk,
        product_id=sold_out.product_id,
        vendor_id=sold_out.product.vendor_id,
        delta=2,
        stock=2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        alert_on_stock_from_zero(event)  # the outbox redelivers: at least once

    assert len(restock_messages()) == 1


def test_a_variant_sold_out_again_before_the_listener_ran_alerts_nobody(sold_out) -> None:
    services.request_restock_alert(user=UserFactory(), variant_id=sold_out.pk)

    assert services.send_restock_alerts(variant_ids=[sold_out.pk]) == 0  # still at zero
    assert RestockSubscription.objects.get().notified_at is None


def test_a_grid_edit_from_zero_alerts_too(sold_out, django_capture_on_commit_callbacks) -> None:
    services.request_restock_alert(user=UserFactory(), variant_id=sold_out.pk)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.update_variant_grid(
            product_id=sold_out.product_id,
            rows=[{"variant_id": sold_out.pk, "stock": 4, "stock_was": 0}],
        )

    assert len(restock_messages()) == 1


def test_an_in_stock_variant_cannot_be_waited_for_and_a_hidden_one_is_not_found() -> None:
    variant = VariantFactory(stock=3)
    with pytest.raises(WishlistError) as refused:
        services.request_restock_alert(user=UserFactory(), variant_id=variant.pk)
    assert "variant_id" in refused.value.fields

    hidden = VariantFactory(stock=0, product__status="draft")
    with pytest.raises(NotFoundError):
        services.request_restock_alert(user=UserFactory(), variant_id=hidden.pk)


def test_a_member_cancels_only_their_own_request(sold_out) -> None:
    mine = services.request_restock_alert(user=UserFactory(), variant_id=sold_out.pk)
    with pytest.raises(NotFoundError):
        services.cancel_restock_alert(user=UserFactory(), subscription_id=mine.pk)
    services.cancel_restock_alert(user=mine.user, subscription_id=mine.pk)
    assert not RestockSubscription.objects.exists()
