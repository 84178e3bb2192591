"""Money attacks the app tests do not already make (checklist 5.1, 5.4, 5.15).

Odd numbers in quantities and points (PAY-02), steps taken out of order (PAY-11), a
reservation that expires while the buyer is at KakaoPay (INV-05), an attempt stuck
waiting for the buyer (REC-02), and random carts whose amounts must add up (PAY-14).
KakaoPay is the emulator over real HTTP on the live server.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Variant
from orders import selectors
from orders import services as order_services
from orders.models import CartLine, Order
from payments import services
from payments.emulators import state
from payments.exceptions import PaymentError
from payments.models import IntentStatus, PaymentEvent, PaymentIntent
from payments.providers.base import RefundRequest, ResultStatus
from payments.providers.registry import get_provider
from payments.services.ledger import ref_of
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS, guest_cart, place, variant_of, vendor_with_policy
from tests.payments.conftest import KakaoPayEmulator
from tests.promotions.helpers import give_points, member_cart

pytestmark = pytest.mark.django_db
# The KakaoPay tests commit: the emulator and the return pages run on the live server.
over_http = pytest.mark.django_db(transaction=True)

LINES = "/api/v1/cart/lines/"
CART = "/api/v1/cart/"
CHECKOUT = "/api/v1/checkout/"

# Numbers a form or a JSON body can carry that are no count of items or points.
ODD_NUMBERS = [
    2**31,
    2**63,
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "-0",
    "1e3",
    "0x10",
    "9" * 30,
    "0." + "0" * 29 + "1",
    "1.000000000000000000000000000001",
    [1],
    {"value": 1},
]


@pytest.fixture
def kakaopay(settings, live_server) -> KakaoPayEmulator:
    """The KakaoPay emulator on the live server, as in tests/payments (fresh counts)."""
    settings.SITE_URL = live_server.url
    settings.KAKAOPAY_BASE_URL = f"{live_server.url}/sandbox/kakaopay"
    state.reset("kakaopay")
    return KakaoPayEmulator(settings.KAKAOPAY_BASE_URL)


def kakaopay_order(cart_key: str, *, stock: int = 10) -> Order:
    variant = variant_of(price=12000, stock=stock)
    cart = guest_cart(cart_key)
    order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    return place(cart, payment_method="kakaopay").order


def events(name: str) -> list[dict]:
    return list(AuditEvent.objects.filter(event_type=name).values_list("payload", flat=True))


# --- PAY-02: odd numbers are a field error, never a row nor a 500 ----------------------------


@pytest.mark.parametrize("quantity", ODD_NUMBERS)
def test_an_odd_quantity_in_a_json_cart_line_is_a_field_error(api_client, quantity) -> None:
    variant = variant_of()

    answer = api_client.post(LINES, {"variant_id": variant.pk, "quantity": quantity}, format="json")

    assert answer.status_code == 400, answer.content
    assert "quantity" in answer.json()["fields"]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", ODD_NUMBERS[:12])
def test_an_odd_quantity_changing_a_cart_line_is_a_field_error(api_client, quantity) -> None:
    variant = variant_of()
    assert api_client.post(LINES, {"variant_id": variant.pk, "quantity": 2}).status_code == 201
    line = CartLine.objects.get()

    answer = api_client.patch(f"{LINES}{line.pk}/", {"quantity": quantity}, format="json")

    assert answer.status_code == 400, answer.content
    assert "quantity" in answer.json()["fields"]
    assert CartLine.objects.get().quantity == 2


@pytest.mark.parametrize("points", ["NaN", "Infinity", "-0.5", "1e3", 2**63, "9" * 30, "-1000"])
def test_odd_points_at_checkout_place_nothing(user, user_client, points) -> None:
    give_points(user, 5000)
    member_cart(user, (variant_of(price=20000), 1))
    token = user_client.get(CART).json()["token"]

    answer = user_client.post(
        CHECKOUT, {**DETAILS, "points": points, "cart_token": token}, format="json"
    )

    assert 400 <= answer.status_code < 500, answer.content
    assert "points" in answer.json()["fields"]
    assert not Order.objects.exists()


# --- PAY-11: steps out of order take no edge and call no provider ----------------------------


@over_http
def test_a_paid_order_cannot_start_another_payment(kakaopay) -> None:
    order = kakaopay_order("paid-twice")
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    params = kakaopay.approve(start.next_action.url)
    services.confirm_payment(public_id=start.intent.public_id, params=params)

    with pytest.raises(PaymentError) as refused:
        services.start_payment(order_id=order.pk, provider_code="kakaopay")

    assert refused.value.code == "order_not_payable"
    assert refused.value.status_code == 409
    assert kakaopay.calls("ready") == 1
    assert PaymentIntent.objects.filter(order=order).count() == 1


@over_http
def test_a_cancelled_order_cannot_start_a_payment(kakaopay) -> None:
    order = kakaopay_order("cancelled-first")
    order_services.cancel_order(order_id=order.pk, reason="changed my mind")

    with pytest.raises(PaymentError) as refused:
        services.start_payment(order_id=order.pk, provider_code="kakaopay")

    assert refused.value.code == "order_not_payable"
    assert kakaopay.calls("ready") == 0
    assert not PaymentIntent.objects.exists()


@pytest.mark.parametrize(
    "ended", [IntentStatus.CANCELLED, IntentStatus.EXPIRED, IntentStatus.FAILED]
)
@over_http
def test_a_return_for_an_attempt_that_ended_approves_nothing(kakaopay, ended) -> None:
    order = kakaopay_order(f"ended-{ended}")
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    params = kakaopay.approve(start.next_action.url)
    PaymentIntent.objects.filter(pk=start.intent.pk).update(status=ended)

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status == ended
    assert kakaopay.calls("approve") == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert not events("payments.PaymentCaptured")


def test_a_return_before_any_attempt_was_made_is_not_found(client) -> None:
    kakaopay_order("no-attempt")

    answer = client.get("/payments/00000000-0000-4000-8000-000000000000/return/?pg_token=x")

    assert answer.status_code == 404
    assert not PaymentIntent.objects.exists()


# --- INV-05: the reservation expires while the buyer is at KakaoPay ---------------------------


@over_http
def test_an_approval_after_the_reservation_expired_and_the_unit_was_sold_never_oversells(
    kakaopay,
) -> None:
    order_a = kakaopay_order("slow-buyer", stock=1)
    variant = Variant.objects.get(pk=order_a.lines.get().variant_id)
    assert variant.stock == 0
    start = services.start_payment(order_id=order_a.pk, provider_code="kakaopay")
    params = kakaopay.approve(start.next_action.url)  # the buyer approved the sheet
    # ... and took too long to come back: the order expires, its unit goes back on sale.
    Order.objects.filter(pk=order_a.pk).update(payment_expires_at=timezone.now() - timedelta(1))
    order_services.expire_order(order_id=order_a.pk)
    cart_b = guest_cart("quick-buyer")
    order_services.add_to_cart(cart=cart_b, variant_id=variant.pk, quantity=1)
    order_b = place(cart_b).order  # someone else buys the unit

    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)

    assert intent.status not in (IntentStatus.PAID, IntentStatus.AUTHORIZING)
    assert intent.captured_amount - intent.refunded_amount == 0
    assert kakaopay.calls("approve") == 0  # the money is never taken
    assert Order.objects.get(pk=order_a.pk).status == Order.Status.CANCELLED
    assert Order.objects.get(pk=order_b.pk).status == Order.Status.PENDING_PAYMENT
    assert Variant.objects.get(pk=variant.pk).stock == 0


# --- REC-02: an attempt stuck waiting for the buyer ------------------------------------------


@over_http
def test_an_attempt_stuck_past_its_deadline_is_asked_about_and_expired(kakaopay, settings) -> None:
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    order = kakaopay_order("never-came-back")
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    later = timezone.now() + timedelta(seconds=1)
    assert start.intent.pk not in services.due_for_reconciliation(now=later)  # still in time
    PaymentIntent.objects.filter(pk=start.intent.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert services.due_for_reconciliation(now=later) == [start.intent.pk]
    intent = services.reconcile_payment(intent_id=start.intent.pk)
    again = services.reconcile_payment(intent_id=start.intent.pk)

    assert intent.status == again.status == IntentStatus.EXPIRED
    assert kakaopay.calls("order") >= 1  # KakaoPay was asked before giving up
    assert kakaopay.calls("approve") == 0
    assert start.intent.pk not in services.due_for_reconciliation(now=later)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


@over_http
def test_an_attempt_whose_return_was_lost_ends_without_taking_money(kakaopay, settings) -> None:
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    order = kakaopay_order("return-lost")
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    kakaopay.buyer(start.next_action.url, "approve")  # approved on the sheet; the return is lost
    PaymentIntent.objects.filter(pk=start.intent.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    intent = services.reconcile_payment(intent_id=start.intent.pk)
    again = services.reconcile_payment(intent_id=start.intent.pk)

    # KakaoPay approves only with the pg_token of the lost return: the attempt ends, no
    # money is taken, and the order can still be paid with a new attempt.
    assert intent.status == again.status
    assert intent.status in (IntentStatus.FAILED, IntentStatus.EXPIRED)
    assert intent.captured_amount == 0
    at_kakaopay = get_provider("kakaopay").status(ref_of(intent), record=lambda _: None)
    assert at_kakaopay.status != ResultStatus.PAID
    assert start.intent.pk not in services.due_for_reconciliation(
        now=timezone.now() + timedelta(seconds=1)
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert services.start_payment(order_id=order.pk, provider_code="kakaopay").intent.pk != (
        intent.pk
    )


# --- PAY-14: random carts add up -------------------------------------------------------------

CARTS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which of three vendors
        st.integers(min_value=1, max_value=99).map(lambda hundreds: hundreds * 100 + 50),
        st.integers(min_value=1, max_value=5),  # quantity
        st.booleans(),  # tax-free goods
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=CARTS, hundreds_of_points=st.integers(min_value=0, max_value=300))
@over_http
def test_random_carts_add_up_to_the_total_placed_and_asked_of_kakaopay(
    kakaopay, lines, hundreds_of_points
) -> None:
    member = UserFactory()
    give_points(member, 30000)
    vendors = [
        vendor_with_policy(base_fee=Decimal(fee), free_threshold=Decimal(threshold))
        for fee, threshold in ((3000, 50000), (2500, 30000), (0, 0))
    ]
    cart = member_cart(member)
    for vendor_index, price, quantity, tax_free in lines:
        variant = variant_of(vendors[vendor_index], price=price, stock=10, is_tax_free=tax_free)
        order_services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    points = hundreds_of_points * 100
    view = selectors.cart_view(cart, postcode=DETAILS["postcode"], user=member, points=points)
    if view.points_problem:  # more than the rules let this cart use: use none
        points = 0
        view = selectors.cart_view(cart, postcode=DETAILS["postcode"], user=member, points=0)

    placed = order_services.place_order(
        cart=cart,
        details={**DETAILS, "payment_method": "kakaopay", "points": points},
        cart_token=view.token,
        user=member,
    ).order
    start = services.start_payment(order_id=placed.pk, provider_code="kakaopay")

    sold = placed.lines.all()
    assert placed.items_amount == sum(line.unit_price * line.quantity for line in sold)
    assert placed.total_amount == (
        placed.items_amount
        + placed.option_extras_amount
        + placed.shipping_amount
        - placed.discount_amount
        - placed.points_amount
    )
    assert placed.points_amount == points
    assert placed.total_amount >= 0
    assert 0 <= placed.tax_free_amount <= placed.total_amount
    assert placed.tax_free_amount <= sum(
        line.unit_price * line.quantity for line in sold if line.is_tax_free
    )
    assert placed.total_amount == placed.total_amount.to_integral_value()  # whole won
    assert (placed.total_amount, placed.tax_free_amount) == (
        view.total_amount,
        view.tax_free_amount,
    )
    assert start.intent.amount == placed.total_amount
    ready = start.intent.events.get(kind=PaymentEvent.Kind.CALL, operation="ready").request
    assert Decimal(str(ready["total_amount"])) == placed.total_amount
    assert Decimal(str(ready["tax_free_amount"])) == placed.tax_free_amount


# --- REC-01: the provider refunded a payment we never recorded ------------------------------


@over_http
def test_a_payment_refunded_at_kakaopay_before_we_recorded_it_is_never_counted_paid(
    kakaopay, settings
) -> None:
    settings.PAYMENTS_RECONCILE_AFTER_SECONDS = 0
    settings.PAYMENTS_HTTP_TIMEOUT_SECONDS = 1.0
    order = kakaopay_order("refunded-over-there")
    start = services.start_payment(order_id=order.pk, provider_code="kakaopay")
    params = kakaopay.approve(start.next_action.url)
    kakaopay.fault("approve", "timeout_after_processing")  # KakaoPay took it; we never heard
    intent = services.confirm_payment(public_id=start.intent.public_id, params=params)
    assert intent.status == IntentStatus.UNKNOWN
    intent.refresh_from_db()
    # Meanwhile the merchant's staff refunded it in KakaoPay's own console.
    get_provider("kakaopay").refund(
        RefundRequest(
            payment=ref_of(intent),
            amount=intent.amount,
            tax_free_amount=intent.tax_free_amount,
            vat_amount=intent.vat_amount,
            remaining_before=intent.amount,
            idempotency_key="console-refund",
        ),
        record=lambda _: None,
    )

    settled = services.reconcile_payment(intent_id=intent.pk)
    again = services.reconcile_payment(intent_id=intent.pk)

    assert settled.status == again.status == IntentStatus.FAILED
    assert settled.failure_code == "refunded_at_provider"
    assert settled.captured_amount == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert not events("payments.PaymentCaptured")
    assert [payload["code"] for payload in events("payments.PaymentFailed")] == [
        "refunded_at_provider"
    ]
    assert kakaopay.calls("approve") == 1  # never approved again
