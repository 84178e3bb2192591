"""Random sequences of order steps only ever take documented edges (PAY-11).

A Hypothesis state machine drives one bank-transfer order of two vendors through pay,
expire, cancel, a partial cancel, prepare, ship, deliver and confirm in any order, each
possibly out of turn. After every step: the order and each vendor's part moved only
along their ``TRANSITIONS`` (or not at all), a refused step changed nothing, stock is
taken once and given back at most once, and refunds never exceed what was paid.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from catalog.models import Variant
from orders import services
from orders.exceptions import OrderError
from orders.models import Order, Refund, VendorShipment
from tests.orders.helpers import guest_cart, place, variant_of

pytestmark = pytest.mark.django_db

STOCK = 10


class OrderSteps(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.variants = [variant_of(stock=STOCK), variant_of(stock=STOCK)]  # two vendors
        cart = guest_cart(f"machine-{self.variants[0].pk}")
        for variant in self.variants:
            services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=2)
        self.order = place(cart).order
        self.seen = self.snapshot()
        self.paid_amount: Decimal | None = None

    # --- what the machine looks at ------------------------------------------------------

    def snapshot(self) -> dict:
        order = Order.objects.get(pk=self.order.pk)
        return {
            "order": order.status,
            "parts": dict(VendorShipment.objects.filter(order=order).values_list("pk", "status")),
            "stock": [Variant.objects.get(pk=v.pk).stock for v in self.variants],
            "paid": order.paid_at is not None,
            "total": order.total_amount,
        }

    def step(self, action) -> None:
        before = self.snapshot()
        try:
            action()
        except OrderError:
            assert self.snapshot() == before, "a refused step changed something"
        after = self.snapshot()
        if after["paid"] and not before["paid"]:
            self.paid_amount = after["total"]
        if after["order"] != before["order"]:
            allowed = Order.TRANSITIONS[before["order"]]
            assert after["order"] in allowed, (before["order"], after["order"])
        for pk, status in after["parts"].items():
            old = before["parts"][pk]
            if status != old:
                assert status in VendorShipment.TRANSITIONS[old], (old, status)
        self.seen = after

    def parts(self) -> list[int]:
        return sorted(self.seen["parts"])

    # --- the steps, in any order ------------------------------------------------------------

    @rule()
    def pay(self) -> None:
        self.step(lambda: services.mark_deposit_confirmed(order_id=self.order.pk))

    @rule()
    def cancel(self) -> None:
        self.step(lambda: services.cancel_order(order_id=self.order.pk, reason="machine"))

    @rule(lapsed=st.booleans())
    def expire(self, lapsed: bool) -> None:
        deadline = timezone.now() + timedelta(hours=-1 if lapsed else 1)
        Order.objects.filter(pk=self.order.pk).update(payment_expires_at=deadline)
        self.step(lambda: services.expire_order(order_id=self.order.pk))

    @rule()
    def cancel_one_item(self) -> None:
        line = self.order.lines.order_by("pk").first()
        self.step(
            lambda: services.partial_cancel(
                order_id=self.order.pk, quantities={line.pk: 1}, reason="machine"
            )
        )

    @rule(part=st.integers(min_value=0, max_value=1))
    def prepare(self, part: int) -> None:
        self.step(lambda: services.start_preparing(shipment_id=self.parts()[part]))

    @rule(part=st.integers(min_value=0, max_value=1))
    def ship(self, part: int) -> None:
        self.step(
            lambda: services.ship(
                shipment_id=self.parts()[part], carrier="cj", tracking_number="123456789012"
            )
        )

    @rule(part=st.integers(min_value=0, max_value=1))
    def deliver(self, part: int) -> None:
        self.step(lambda: services.mark_delivered(shipment_id=self.parts()[part]))

    @rule(part=st.integers(min_value=0, max_value=1))
    def confirm(self, part: int) -> None:
        self.step(lambda: services.confirm_purchase(shipment_id=self.parts()[part]))

    # --- what must always hold ----------------------------------------------------------------

    @invariant()
    def stock_is_taken_once_and_given_back_at_most_once(self) -> None:
        for stock in self.seen["stock"]:
            assert STOCK - 2 <= stock <= STOCK

    @invariant()
    def an_unpaid_cancelled_order_gave_its_stock_back(self) -> None:
        if self.seen["order"] == Order.Status.CANCELLED and not self.seen["paid"]:
            assert self.seen["stock"] == [STOCK, STOCK]

    @invariant()
    def refunds_never_exceed_what_was_paid(self) -> None:
        refunded = sum(
            Refund.objects.filter(order_id=self.order.pk).values_list("amount", flat=True),
            Decimal(0),
        )
        if self.paid_amount is None:
            assert refunded == 0  # nothing was paid: nothing to give back
        else:
            assert refunded <= self.paid_amount
        assert Order.objects.get(pk=self.order.pk).total_amount >= 0


def test_random_order_steps_take_only_documented_edges() -> None:
    run_state_machine_as_test(
        OrderSteps,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
