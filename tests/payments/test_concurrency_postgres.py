"""Exactly once under fire, on PostgreSQL: a stampede on the approval return, racing refunds.

Real threads, each with its own database connection, against the KakaoPay emulator on
the live server. Twenty requests of one approval return (a refresh storm, double clicks,
tabs) reach the return URL over HTTP at the same moment: KakaoPay is asked to approve
once, one capture and one order transition follow, and nobody sees a 500. Two partial
refunds of one payment whose sum exceeds the capture run at once: one goes through, the
other is refused before it reaches KakaoPay.

Each has a negative control that removes the guard under test (the compare-and-set of
the confirmation; the ledger's reservation of refunds in flight) and shows what this
test would then see.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.db import connection, transaction

from orders import services as order_services
from orders.models import Order, Refund
from orders.services.claims import create_refund
from payments import services
from payments.emulators import state
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import CAPTURED, IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.kakaopay import KakaoPay
from payments.providers.registry import get_provider
from payments.services import confirm as confirm_module
from payments.services import ledger
from payments.services import refunds as refunds_module
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RETURNS = 20
CAPTURE = Decimal(30000)
EACH_REFUND = Decimal(20000)  # two of them: 40,000 asked of a 30,000 capture


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url


def events(name: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True))


def at_once(jobs: list[Callable[[], str]]) -> Counter:
    """Run each job in its own thread, released together; count what they return.

    Any exception other than the ones a job turns into an outcome is a finding
    (a deadlock, a crash) and is counted as ``crash: ...``.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(job: Callable[[], str]) -> None:
        try:
            barrier.wait()
            outcome = job()
        except Exception as error:
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread for thread in threads if thread.is_alive()], "a thread hung (deadlock?)"
    return outcomes


# --- 20 requests of one approval return --------------------------------------------------


def kakaopay_order(price: int = 12000, quantity: int = 2) -> Order:
    variant = variant_of(price=price, stock=10)
    cart = guest_cart(f"pay-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, payment_method="kakaopay").order


def approved_return(kakaopay_emulator) -> tuple[Order, PaymentIntent, str]:
    """An order whose buyer approved on KakaoPay's sheet; the return URL KakaoPay gave."""
    order = kakaopay_order()
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    back = kakaopay_emulator.buyer(start.next_action.url, "approve")
    assert f"/payments/{start.intent.public_id}/return/?" in back
    return order, start.intent, back


def stampede(url: str) -> Counter:
    """RETURNS browsers load the return URL at the same moment; count the answers."""

    def load() -> str:
        with httpx.Client(timeout=60) as client:
            answer = client.get(url)
        where = answer.headers.get("Location", "")
        return f"{answer.status_code} {where.split('/')[-2] if where else ''}".strip()

    return at_once([load] * RETURNS)


def test_twenty_returns_at_once_approve_once_capture_once_pay_once(kakaopay_emulator) -> None:
    order, intent, back = approved_return(kakaopay_emulator)

    outcomes = stampede(back)

    # Every request is answered with a redirect: to the complete page, or (while the
    # winner is still at KakaoPay) to the page that waits for the outcome. No 500.
    assert sum(outcomes.values()) == RETURNS
    assert set(outcomes) <= {"302 complete", "302 status"}, outcomes
    assert kakaopay_emulator.calls("approve") == 1
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PAID
    assert intent.captured_amount == order.total_amount
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert len(events("payments.PaymentCaptured")) == 1
    assert len(events("orders.OrderPaid")) == 1
    assert not events("payments.PaymentFailed")
    ledger_lines = intent.events.filter(kind=PaymentEvent.Kind.CALL, operation="approve")
    assert ledger_lines.count() == 1
    assert intent.events.filter(kind=PaymentEvent.Kind.REDIRECT).count() == RETURNS
    # The return after the storm still lands on the complete page.
    assert httpx.get(back).headers["Location"].endswith(f"/orders/{order.number}/complete/")


def confirm_without_claim_meeting_at(all_checked: threading.Barrier):
    """The bug under test: check "not paid yet?" without claiming the intent, then approve.

    Every return checks before any approves: the barrier makes the race certain instead
    of likely, so the control cannot pass by luck on a busy machine.
    """

    def confirm_without_claim(*, public_id: Any, params: Any, source: str = "redirect"):
        kept = {name: str(params[name]) for name in confirm_module.RETURN_PARAMS if name in params}
        intent = confirm_module.intent_by_reference(public_id)
        if intent.status in CAPTURED:
            return intent
        all_checked.wait()
        with transaction.atomic():
            intent = ledger.lock(intent.pk)
            if intent.status == IntentStatus.PENDING_ACTION:
                ledger.move(intent, IntentStatus.AUTHORIZING, source=source)
        return confirm_module.approve(intent, kept, source=source)

    return confirm_without_claim


def test_negative_control_without_the_compare_and_set_kakaopay_is_asked_again(
    kakaopay_emulator, monkeypatch
) -> None:
    all_checked = threading.Barrier(RETURNS, timeout=30)
    # What the view calls:
    monkeypatch.setattr(services, "confirm_payment", confirm_without_claim_meeting_at(all_checked))
    _order, intent, back = approved_return(kakaopay_emulator)

    outcomes = stampede(back)

    assert not [name for name in outcomes if not name.startswith("302")], outcomes
    # The test above would have failed: KakaoPay was asked to approve the same tid again.
    # It refuses a second approval (ALREADY_APPROVED), and the broken core may take that
    # refusal for the outcome of the attempt that in fact took the money.
    assert kakaopay_emulator.calls("approve") > 1
    approvals = intent.events.filter(kind=PaymentEvent.Kind.CALL, operation="approve")
    assert approvals.count() == kakaopay_emulator.calls("approve")
    assert any("ALREADY_APPROVED" in str(line.response) for line in approvals)


# --- Two partial refunds whose sum exceeds the capture -----------------------------------


def captured_order(kakaopay_emulator) -> tuple[Order, PaymentIntent]:
    """A 30,000 won order (3 x 10,000, shipping free from 30,000) paid with KakaoPay."""
    vendor = vendor_with_policy(free_threshold=Decimal(30000))
    variant = variant_of(vendor, price=10000, stock=10)
    cart = guest_cart(f"refund-{variant.pk}")
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=3)
    order = place(cart, payment_method="kakaopay").order
    assert order.total_amount == CAPTURE
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    params = kakaopay_emulator.approve(start.next_action.url)
    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert intent.status == IntentStatus.PAID
    return order, intent


def two_refunds(order: Order, monkeypatch) -> list[Refund]:
    """Two refunds of 2 of the 3 units each (a cancellation and a return racing, say).

    Orders would never ask for both of one line; here they are crafted with its refund
    service so that together they exceed the capture. Their ``RefundRequested`` is
    held back (the listener would execute them one after the other, in this thread).
    """
    line = order.lines.get()
    with monkeypatch.context() as held:
        held.setattr(services, "refund_order_refund", lambda **kwargs: None)
        refunds = [
            create_refund(
                order,
                kind=kind,
                quantities={line: 2},
                shipping={},
                reason="race",
                whole_lines=set(),
            )
            for kind in (Refund.Kind.CANCELLATION, Refund.Kind.RETURN)
        ]
    assert [refund.amount for refund in refunds] == [EACH_REFUND, EACH_REFUND]
    assert not Refund.objects.filter(status=Refund.Status.COMPLETED).exists()
    return refunds


def slow_kakaopay(monkeypatch) -> None:
    """KakaoPay takes its time to cancel: the second refund reads the ledger while the
    first is still at the provider (the window the reservation guards)."""
    original = KakaoPay.refund

    def refund(self, request, *, record):
        time.sleep(0.3)
        return original(self, request, record=record)

    monkeypatch.setattr(KakaoPay, "refund", refund)


def both_at_kakaopay(monkeypatch) -> None:
    """Neither refund is answered before both reached KakaoPay (only for the control: with
    the reservation in place the second never gets there). A barrier makes the race
    certain instead of likely, so the control cannot pass by luck on a busy machine."""
    original = KakaoPay.refund
    both_sent = threading.Barrier(2, timeout=30)

    def refund(self, request, *, record):
        both_sent.wait()
        return original(self, request, record=record)

    monkeypatch.setattr(KakaoPay, "refund", refund)


def race(refunds: list[Refund]) -> Counter:
    def execute(refund_id: int) -> Callable[[], str]:
        def job() -> str:
            try:
                services.refund_order_refund(refund_id=refund_id)
            except PaymentError as refused:
                return str(refused.code)
            return Refund.objects.get(pk=refund_id).status

        return job

    return at_once([execute(refund.pk) for refund in refunds])


def left_at_kakaopay(intent: PaymentIntent) -> Decimal:
    intent.refresh_from_db()
    answer = get_provider("kakaopay").status(ledger.ref_of(intent), record=lambda _: None)
    return Decimal(answer.data["cancel_available"])


def test_two_concurrent_partial_refunds_never_exceed_the_capture(
    kakaopay_emulator, monkeypatch
) -> None:
    order, intent = captured_order(kakaopay_emulator)
    refunds = two_refunds(order, monkeypatch)
    slow_kakaopay(monkeypatch)

    outcomes = race(refunds)

    assert outcomes == {
        Refund.Status.COMPLETED: 1,
        PaymentErrorCode.REFUND_EXCEEDS_REMAINING: 1,
    }, outcomes
    assert kakaopay_emulator.calls("cancel") == 1  # the refused one never reached KakaoPay
    intent.refresh_from_db()
    assert intent.status == IntentStatus.PARTIALLY_REFUNDED
    assert intent.refunded_amount == EACH_REFUND
    assert intent.refunded_amount <= intent.captured_amount == CAPTURE
    assert left_at_kakaopay(intent) == CAPTURE - EACH_REFUND  # KakaoPay agrees
    completed = Refund.objects.filter(status=Refund.Status.COMPLETED)
    assert completed.count() == 1
    assert [payload["amount"] for payload in events("payments.PaymentRefunded")] == ["20000"]
    # The refusal is on record: the ledger and the audit log say which refund and why.
    refused_refund = Refund.objects.exclude(pk=completed.get().pk).get()
    assert refused_refund.status == Refund.Status.REQUESTED
    failures = events("payments.RefundFailed")
    assert [(payload["order_refund_id"], payload["code"]) for payload in failures] == [
        (refused_refund.pk, PaymentErrorCode.REFUND_EXCEEDS_REMAINING)
    ]
    assert intent.events.filter(
        kind=PaymentEvent.Kind.REFUND_FAILURE,
        idempotency_key=refunds_module.key_for(refused_refund.pk),
    ).exists()


def test_negative_control_without_the_reservation_the_excess_reaches_kakaopay(
    kakaopay_emulator, monkeypatch
) -> None:
    order, intent = captured_order(kakaopay_emulator)
    refunds = two_refunds(order, monkeypatch)
    both_at_kakaopay(monkeypatch)
    monkeypatch.setattr(refunds_module, "reserved", lambda intent, except_key="": Decimal(0))

    outcomes = race(refunds)

    assert not [name for name in outcomes if name.startswith("crash")], outcomes
    # The test above would have failed: both refunds were sent, 40,000 asked of 30,000.
    # Only KakaoPay's own guard (cancel_available_amount) kept the money from going twice.
    assert kakaopay_emulator.calls("cancel") == 2
    assert left_at_kakaopay(intent) == CAPTURE - EACH_REFUND
    assert state.calls("kakaopay", "cancel") == 2
