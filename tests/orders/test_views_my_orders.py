"""My orders and the guest lookup: list, detail per vendor part with tracking, the actions the
transition tables allow, 404 for anyone else's order on every page and action, CSRF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services
from orders.models import Claim, Order, OrderLine, VendorShipment
from orders.views.guest import LOOKUP_FAILURES_ALLOWED
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS, guest_cart, place, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db

DETAIL_MAX_QUERIES = 10
LIST_MAX_QUERIES = 8


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def member_order(user, *variants, quantity: int = 1) -> Order:
    variants = variants or (variant_of(),)
    cart = services.get_or_create_cart(user=user)
    for variant in variants:
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, user=user).order


def guest_order(key: str = "guest-1", quantity: int = 1):
    cart = guest_cart(key)
    services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=quantity)
    return place(cart)


def url(name: str, order: Order, **kwargs) -> str:
    return reverse(f"orders:{name}", kwargs={"number": order.number, **kwargs})


def part(order: Order) -> VendorShipment:
    return order.shipments.order_by("pk").first()


def deliver(order: Order) -> VendorShipment:
    services.mark_deposit_confirmed(order_id=order.pk)
    shipment = part(order)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="6012-3456-7890")
    services.mark_delivered(shipment_id=shipment.pk)
    return shipment


# --- List and detail ---------------------------------------------------------------------------


def test_my_orders_needs_a_sign_in():
    response = Client().get(reverse("orders:my_orders"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_my_orders_lists_the_members_orders_only_in_pages(
    client, user, django_assert_max_num_queries
):
    mine = [member_order(user) for _ in range(11)]
    theirs = member_order(UserFactory())
    first = html(client.get(reverse("orders:my_orders")))
    second = html(client.get(reverse("orders:my_orders"), {"page": 2}))
    for order in mine[1:]:
        assert order.number in first
    assert mine[0].number in second
    assert mine[0].number not in first
    assert theirs.number not in first + second
    assert "Page 1 of 2" in first
    assert reverse("orders:my_orders") in html(client.get(reverse("accounts:profile")))
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        client.get(reverse("orders:my_orders"))


def test_the_order_list_costs_the_same_for_1_or_10_orders(user):
    def cost(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("orders:my_orders")).status_code == 200
        return len(captured.captured_queries)

    few, many = UserFactory(), UserFactory()
    member_order(few)
    for _ in range(10):
        member_order(many, variant_of(), variant_of())
    clients = []
    for member in (few, many):
        client = Client()
        client.force_login(member)
        clients.append(client)
    assert cost(clients[0]) == cost(clients[1])


def test_the_detail_shows_each_vendor_part_with_its_status_and_tracking(client, user):
    first, second = vendor_with_policy(), vendor_with_policy()
    order = member_order(user, variant_of(first), variant_of(second), quantity=2)
    services.mark_deposit_confirmed(order_id=order.pk)
    shipped = order.shipments.get(vendor=first)
    services.ship(shipment_id=shipped.pk, carrier="cj", tracking_number="601234567890")

    page = html(client.get(url("my_order_detail", order)))

    assert first.name in page
    assert second.name in page
    assert "Shipped" in page
    assert "New order" in page  # the other part is paid, not shipped yet
    assert "CJ Logistics" in page
    assert "https://trace.cjlogistics.com/next/tracking.html?wblNo=601234567890" in page
    assert 'rel="noopener noreferrer"' in page
    for line in order.lines.all():
        assert line.product_name in page
    assert order.recipient_name in page


def test_the_detail_costs_the_same_for_1_or_6_lines(user, django_assert_max_num_queries):
    small = member_order(user)
    big = member_order(user, *(variant_of(vendor_with_policy()) for _ in range(6)))
    client = Client()
    client.force_login(user)
    counts = []
    for order in (small, big):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("my_order_detail", order)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        client.get(url("my_order_detail", big))


# --- Actions -----------------------------------------------------------------------------------


def test_cancelling_an_unpaid_order_gives_the_stock_back(client, user, settings):
    settings.ORDERS_BANK_ACCOUNT = "국민은행 123456-01-234567 (주)샵"
    variant = variant_of(stock=5)
    order = member_order(user, variant, quantity=2)
    page = html(client.get(url("my_order_detail", order)))
    assert "국민은행 123456-01-234567" in page  # still awaiting the deposit
    assert url("my_order_cancel", order) in page
    response = client.post(url("my_order_cancel", order), {"reason": "마음이 바뀜"})
    assert response.status_code == 302
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == "마음이 바뀜"
    assert variant.stock == 5
    assert "Your order was cancelled." in html(client.get(response["Location"]))


def test_cancelling_a_paid_order_requests_a_refund(client, user):
    order = member_order(user)
    services.mark_deposit_confirmed(order_id=order.pk)
    client.post(url("my_order_cancel", order))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    refund = order.refunds.get()
    assert refund.amount == order.total_amount
    assert "Refunds" in html(client.get(url("my_order_detail", order)))


def test_a_preparing_order_cannot_be_cancelled_whole_by_the_shopper(client, user):
    order = member_order(user)
    services.mark_deposit_confirmed(order_id=order.pk)
    services.start_preparing(shipment_id=part(order).pk)
    page = html(client.get(url("my_order_detail", order)))
    assert url("my_order_cancel", order) not in page
    response = client.post(url("my_order_cancel", order))
    assert response.status_code == 400
    assert "The seller is preparing your order" in html(response)
    order.refresh_from_db()
    assert order.status == Order.Status.PREPARING


def test_partial_cancel_by_line_and_quantity(client, user):
    variant = variant_of(stock=10, price=20000)
    order = member_order(user, variant, quantity=3)
    line = order.lines.get()
    assert f'name="cancel_{line.pk}"' in html(client.get(url("my_order_detail", order)))
    response = client.post(url("my_order_cancel_lines", order), {f"cancel_{line.pk}": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    order.refresh_from_db()
    variant.refresh_from_db()
    assert (line.cancelled_quantity, line.status) == (1, OrderLine.Status.PARTIALLY_CANCELLED)
    assert order.items_amount == Decimal(40000)
    assert variant.stock == 8


@pytest.mark.parametrize("quantity", ["abc", "-1", "4", "1.5"])
def test_a_bad_partial_cancel_shows_the_error_on_the_line_and_changes_nothing(
    client, user, quantity
):
    order = member_order(user, variant_of(stock=10), quantity=3)
    line = order.lines.get()
    response = client.post(url("my_order_cancel_lines", order), {f"cancel_{line.pk}": quantity})
    assert response.status_code == 400
    assert 'class="errorlist" role="alert"' in html(response)
    line.refresh_from_db()
    assert line.cancelled_quantity == 0
    assert line.status == OrderLine.Status.ORDERED


def test_nothing_chosen_to_cancel_is_a_clear_error(client, user):
    order = member_order(user)
    line = order.lines.get()
    response = client.post(url("my_order_cancel_lines", order), {f"cancel_{line.pk}": "0"})
    assert response.status_code == 400
    assert "Choose what to cancel." in html(response)


def test_a_return_is_requested_after_delivery_with_a_reason(client, user):
    order = member_order(user, quantity=2)
    before = html(client.get(url("my_order_detail", order)))
    assert "Return or exchange" not in before
    shipment = deliver(order)
    line = order.lines.get()
    claim_url = url("my_order_claim", order, shipment_id=shipment.pk)
    page = html(client.get(url("my_order_detail", order)))
    assert claim_url in page
    assert url("my_order_confirm", order, shipment_id=shipment.pk) in page

    response = client.post(claim_url, {"kind": "return", "reason": "", f"claim_{line.pk}": "1"})
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert not Claim.objects.exists()

    response = client.post(
        claim_url, {"kind": "return", "reason": "사이즈가 작아요", f"claim_{line.pk}": "1"}
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.kind, claim.reason, claim.shipment_id) == (
        "return",
        "사이즈가 작아요",
        shipment.pk,
    )
    page = html(client.get(url("my_order_detail", order)))
    assert "사이즈가 작아요" in page
    # With the return open the purchase cannot be confirmed.
    assert url("my_order_confirm", order, shipment_id=shipment.pk) not in page


def test_a_return_before_delivery_is_refused(client, user):
    order = member_order(user)
    services.mark_deposit_confirmed(order_id=order.pk)
    shipment = part(order)
    line = order.lines.get()
    response = client.post(
        url("my_order_claim", order, shipment_id=shipment.pk),
        {"kind": "exchange", "reason": "색상 교환", f"claim_{line.pk}": "1"},
    )
    assert response.status_code == 400
    assert "once the parcel is delivered" in html(response)
    assert not Claim.objects.exists()


def test_confirming_a_delivered_purchase(client, user):
    order = member_order(user)
    shipment = deliver(order)
    response = client.post(url("my_order_confirm", order, shipment_id=shipment.pk))
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == VendorShipment.Status.PURCHASE_CONFIRMED
    assert "Thank you: the purchase is confirmed." in html(client.get(response["Location"]))
    again = client.post(url("my_order_confirm", order, shipment_id=shipment.pk))
    assert again.status_code == 400  # a transition that is no longer allowed


# --- Nobody else's order -----------------------------------------------------------------------


def test_another_shoppers_order_is_404_on_every_page_and_action(client, user):
    theirs = member_order(UserFactory(), variant_of(stock=5), quantity=2)
    shipment = deliver(theirs)
    line = theirs.lines.get()
    mine = member_order(user)
    pages = [url("my_order_detail", theirs), url("complete", theirs)]
    actions = [
        (url("my_order_cancel", theirs), {}),
        (url("my_order_cancel_lines", theirs), {f"cancel_{line.pk}": "1"}),
        (
            url("my_order_claim", theirs, shipment_id=shipment.pk),
            {"kind": "return", "reason": "x", f"claim_{line.pk}": "1"},
        ),
        (url("my_order_confirm", theirs, shipment_id=shipment.pk), {}),
        # Their part's id under my own order's number is not found either.
        (url("my_order_confirm", mine, shipment_id=shipment.pk), {}),
        (
            url("my_order_claim", mine, shipment_id=shipment.pk),
            {"kind": "return", "reason": "x", f"claim_{line.pk}": "1"},
        ),
        # Their line in my order's partial cancel is refused as not of this order.
        (url("my_order_cancel_lines", mine), {f"cancel_{line.pk}": "1"}),
    ]
    for address in pages:
        assert client.get(address).status_code == 404, address
    for address, data in actions[:-1]:
        assert client.post(address, data).status_code == 404, address
    assert client.post(*actions[-1]).status_code == 400  # "choose lines of this order"
    guest = Client()
    for address in pages:
        assert guest.get(address).status_code in (302, 404)
    assert guest.get(url("guest_order_detail", theirs)).status_code == 404
    shipment.refresh_from_db()
    line.refresh_from_db()
    assert shipment.status == VendorShipment.Status.DELIVERED
    assert line.cancelled_quantity == 0
    assert not Claim.objects.exists()


def test_csrf_is_enforced_on_every_order_action(user):
    order = member_order(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    line = order.lines.get()
    assert client.post(url("my_order_cancel", order)).status_code == 403
    assert (
        client.post(url("my_order_cancel_lines", order), {f"cancel_{line.pk}": "1"}).status_code
        == 403
    )
    shipment = part(order)
    assert client.post(url("my_order_confirm", order, shipment_id=shipment.pk)).status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


# --- Guests ------------------------------------------------------------------------------------


def lookup(client: Client, number: str, email: str = DETAILS["orderer_email"], phone: str = ""):
    return client.post(
        reverse("orders:guest_lookup"),
        {"number": number, "email": email, "phone": phone or DETAILS["orderer_phone"]},
    )


def test_a_guest_finds_the_order_by_number_email_and_phone():
    placed = guest_order()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(reverse("orders:guest_lookup")).status_code == 200
    response = lookup(client, placed.order.number.lower(), phone="01011112222")
    assert response.status_code == 302
    assert response["Location"] == url("guest_order_detail", placed.order)
    page = html(client.get(response["Location"]))
    assert placed.order.number in page
    assert placed.lookup_token not in page


def test_a_wrong_email_phone_or_number_gets_the_same_refusal():
    placed = guest_order()
    member = member_order(UserFactory())
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answers = set()
    for number, email, phone in [
        (placed.order.number, "someone@example.com", ""),
        (placed.order.number, DETAILS["orderer_email"], "010-9999-9999"),
        ("23456789ABCDEFGHJKMN", DETAILS["orderer_email"], ""),
        (member.number, DETAILS["orderer_email"], ""),  # a member's order is not a guest's
    ]:
        response = lookup(client, number, email, phone)
        assert response.status_code == 400
        answers.add(response.content.decode().split('role="alert">', 1)[1].split("</div>")[0])
    assert len(answers) == 1
    assert "No order matches this number, e-mail and phone." in answers.pop()
    assert client.get(url("guest_order_detail", placed.order)).status_code == 404


def test_guest_lookups_are_limited_per_client_address():
    placed = guest_order()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(LOOKUP_FAILURES_ALLOWED):
        assert lookup(client, placed.order.number, "wrong@example.com").status_code == 400
    response = lookup(client, placed.order.number)  # right, but too late
    assert response.status_code == 429
    assert "Too many attempts" in html(response)
    other_address = Client(REMOTE_ADDR="10.1.2.3")
    assert lookup(other_address, placed.order.number).status_code == 302


def test_the_guest_link_opens_the_order_and_drops_the_token_from_the_address():
    placed = guest_order()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    link = reverse("orders:guest_link", args=[placed.order.number, placed.lookup_token])
    response = client.get(link)
    assert response.status_code == 302
    assert placed.lookup_token not in response["Location"]
    assert placed.order.number in html(client.get(response["Location"]))
    wrong = reverse("orders:guest_link", args=[placed.order.number, "0" * 64])
    assert Client().get(wrong).status_code == 404


def test_a_guest_cancels_through_the_lookup_but_not_another_guests_order():
    placed = guest_order("guest-a")
    other = guest_order("guest-b")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("orders:guest_link", args=[placed.order.number, placed.lookup_token]))
    assert client.post(url("guest_order_cancel", other.order)).status_code == 404
    other_line = other.order.lines.get()
    response = client.post(
        url("guest_order_cancel_lines", other.order), {f"cancel_{other_line.pk}": "1"}
    )
    assert response.status_code == 404
    response = client.post(url("guest_order_cancel", placed.order), {"reason": "실수"})
    assert response.status_code == 302
    assert response["Location"] == url("guest_order_detail", placed.order)
    placed.order.refresh_from_db()
    other.order.refresh_from_db()
    assert placed.order.status == Order.Status.CANCELLED
    assert other.order.status == Order.Status.PENDING_PAYMENT


def test_a_signed_in_member_cannot_act_on_a_guest_order_without_its_proof(client):
    placed = guest_order()
    assert client.get(url("guest_order_detail", placed.order)).status_code == 404
    assert client.post(url("guest_order_cancel", placed.order)).status_code == 404
    placed.order.refresh_from_db()
    assert placed.order.status == Order.Status.PENDING_PAYMENT


def test_a_guest_cannot_cancel_a_preparing_order_whole():
    placed = guest_order()
    services.mark_deposit_confirmed(order_id=placed.order.pk)
    services.start_preparing(shipment_id=part(placed.order).pk)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("orders:guest_link", args=[placed.order.number, placed.lookup_token]))
    response = client.post(url("guest_order_cancel", placed.order))
    assert response.status_code == 400
    placed.order.refresh_from_db()
    assert placed.order.status == Order.Status.PREPARING


def test_a_guest_confirms_a_delivered_purchase():
    placed = guest_order()
    shipment = deliver(placed.order)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(reverse("orders:guest_link", args=[placed.order.number, placed.lookup_token]))
    page = html(client.get(url("guest_order_detail", placed.order)))
    confirm = url("guest_order_confirm", placed.order, shipment_id=shipment.pk)
    assert confirm in page
    assert client.post(confirm).status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == VendorShipment.Status.PURCHASE_CONFIRMED
