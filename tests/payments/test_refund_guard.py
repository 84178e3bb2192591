"""The remaining-amount guard of refunds, one refund after the other, with KakaoPay over HTTP.

Regression tests of two holes: a refund refused as above what is left used to leave no
trace (its ledger line and ``RefundFailed`` were rolled back with the error), and a
refund asked again after a refusal was no longer reserved while at the provider (its
earlier refusal counted as the answer), so another refund could be sent past it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders import services as order_services
from orders.models import Order, Refund
from orders.services.claims import create_refund
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import ProviderOutcomeUnknownError
from payments.services.ledger import reserved
from payments.services.refunds import key_for
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db(transaction=True)

CAPTURE = Decimal(30000)


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


def captured_order(kakaopay_emulator) -> tuple[Order, PaymentIntent]:
    """3 x 10,000 won, shipping free from 30,000, paid with KakaoPay."""
    variant = variant_of(vendor_with_policy(free_threshold=CAPTURE), price=10000, stock=10)
    cart = guest_cart(f"guard-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=3)
    order = place(cart, payment_method="kakaopay").order
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    params = kakaopay_emulator.approve(start.next_action.url)
    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert (intent.status, intent.amount) == (IntentStatus.PAID, CAPTURE)
    return order, intent


def crafted_refunds(order: Order, monkeypatch, count: int) -> list[Refund]:
    """``count`` refunds of 2 of the 3 units each (20,000 won), executed by the test."""
    line = order.lines.get()
    with monkeypatch.context() as held:  # their RefundRequested must not execute them now
        held.setattr(services, "refund_order_refund", lambda **kwargs: None)
        return [
            create_refund(
                order, kind=Refund.Kind.RETURN, quantities={line: 2}, shipping={}, whole_lines=set()
            )
            for _ in range(count)
        ]


def refund_failures() -> list[tuple[int, str]]:
    return [
        (payload["order_refund_id"], payload["code"])
        for payload in AuditEvent.objects.filter(event_type="payments.RefundFailed")
        .order_by("pk")
        .values_list("payload", flat=True)
    ]


def test_a_refund_above_the_remaining_amount_is_refused_and_on_record(
    kakaopay_emulator, monkeypatch
) -> None:
    order, intent = captured_order(kakaopay_emulator)
    first, second = crafted_refunds(order, monkeypatch, 2)
    services.refund_order_refund(refund_id=first.pk)

    with pytest.raises(PaymentError) as refused:
        services.refund_order_refund(refund_id=second.pk)

    assert refused.value.code == PaymentErrorCode.REFUND_EXCEEDS_REMAINING
    assert refused.value.status_code == 409
    assert kakaopay_emulator.calls("cancel") == 1
    assert refund_failures() == [(second.pk, PaymentErrorCode.REFUND_EXCEEDS_REMAINING)]
    failure = intent.events.get(kind=PaymentEvent.Kind.REFUND_FAILURE)
    assert failure.idempotency_key == key_for(second.pk)
    assert failure.amount == Decimal(20000)
    assert Refund.objects.get(pk=second.pk).status == Refund.Status.REQUESTED


def test_a_refund_asked_again_after_a_refusal_is_reserved_while_at_the_provider(
    kakaopay_emulator, monkeypatch, settings
) -> None:
    # Each "asked again" below comes after the quiet period, as the outbox redelivers.
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    order, intent = captured_order(kakaopay_emulator)
    a, b = crafted_refunds(order, monkeypatch, 2)
    # A reaches KakaoPay, which answers 500: A may have gone through, so it stays reserved.
    kakaopay_emulator.fault("cancel", "server_error")
    with pytest.raises(ProviderOutcomeUnknownError):
        services.refund_order_refund(refund_id=a.pk)
    # B does not fit next to A.
    with pytest.raises(PaymentError):
        services.refund_order_refund(refund_id=b.pk)
    # A is asked again while KakaoPay cannot be reached: refused, nothing reserved any more.
    emulator_url = settings.KAKAOPAY_BASE_URL
    settings.KAKAOPAY_BASE_URL = "http://127.0.0.1:9/sandbox/kakaopay"  # connection refused
    services.refund_order_refund(refund_id=a.pk)
    settings.KAKAOPAY_BASE_URL = emulator_url
    assert reserved(intent) == 0
    # B is asked again (its event redelivered) and now fits; KakaoPay answers 500 again.
    kakaopay_emulator.fault("cancel", "server_error")
    with pytest.raises(ProviderOutcomeUnknownError):
        services.refund_order_refund(refund_id=b.pk)
    assert reserved(intent) == Decimal(20000)  # B's earlier refusal does not answer it

    # A again: B may be going through, so A does not fit and is not sent.
    with pytest.raises(PaymentError) as refused:
        services.refund_order_refund(refund_id=a.pk)

    assert refused.value.code == PaymentErrorCode.REFUND_EXCEEDS_REMAINING
    assert kakaopay_emulator.calls("cancel") == 2  # A's 500 and B's 500; nothing since
    # B, asked once more, completes with the same key; the total never passed the capture.
    services.refund_order_refund(refund_id=b.pk)
    intent.refresh_from_db()
    assert intent.refunded_amount == Decimal(20000)
    assert Refund.objects.get(pk=b.pk).status == Refund.Status.COMPLETED
    assert Refund.objects.get(pk=a.pk).status == Refund.Status.REQUESTED
    assert [code for _, code in refund_failures()] == [
        PaymentErrorCode.REFUND_EXCEEDS_REMAINING,  # B next to A
        "unavailable",  # A, KakaoPay unreachable
        PaymentErrorCode.REFUND_EXCEEDS_REMAINING,  # A next to B
    ]


def test_a_second_call_while_the_first_is_at_the_provider_sends_nothing(
    kakaopay_emulator, monkeypatch, settings
) -> None:
    """A double click on "retry refund", or an event delivered twice at once."""
    from payments.services.ledger import note

    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 120
    order, intent = captured_order(kakaopay_emulator)
    (refund,) = crafted_refunds(order, monkeypatch, 1)
    # The first call has reserved the refund and is waiting for KakaoPay's answer.
    note(
        intent,
        PaymentEvent.Kind.REFUND_REQUEST,
        "refund",
        amount=Decimal(20000),
        idempotency_key=key_for(refund.pk),
    )

    services.refund_order_refund(refund_id=refund.pk)

    assert kakaopay_emulator.calls("cancel") == 0
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.REQUESTED

    # Long unanswered, its outcome was lost: asking again goes to KakaoPay, once.
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    services.refund_order_refund(refund_id=refund.pk)
    assert kakaopay_emulator.calls("cancel") == 1
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.COMPLETED
