"""The seller orders API: a vendor's staff fulfil their own parts of orders and handle claims."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from orders import services
from orders.models import Claim, Order, OrderLine, Refund, VendorShipment
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy
from tests.vendors.factories import MembershipFactory
from vendors.models import VendorMembership

pytestmark = pytest.mark.django_db

SHIPMENTS = "/api/v1/seller/shipments/"
CLAIMS = "/api/v1/seller/claims/"
TRACKING = {"carrier": "cj", "tracking_number": "1234-5678-9012"}


def assert_error(response, status: int, code: str | None = None, fields: set | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    if fields is not None:
        assert set(body["fields"]) == fields, body["fields"]
    return body


def url(shipment: VendorShipment, suffix: str = "") -> str:
    return f"{SHIPMENTS}{shipment.pk}/{suffix}"


def claim_url(claim: Claim, suffix: str = "") -> str:
    return f"{CLAIMS}{claim.pk}/{suffix}"


@pytest.fixture
def membership():
    vendor = vendor_with_policy()
    return MembershipFactory(vendor=vendor, role=VendorMembership.Role.OWNER)


@pytest.fixture
def seller(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


def order_of(*vendors, key: str = "s-1", paid: bool = True, quantity: int = 2) -> Order:
    """One guest order with a line of each vendor."""
    cart = guest_cart(key)
    for vendor in vendors:
        services.add_to_cart(cart=cart, variant_id=variant_of(vendor).pk, quantity=quantity)
    order = place(cart).order
    if paid:
        services.mark_deposit_confirmed(order_id=order.pk)
    return order


def part(order: Order, vendor) -> VendorShipment:
    return VendorShipment.objects.get(order=order, vendor=vendor)


def delivered_claim(order: Order, vendor, kind: str = "return") -> Claim:
    shipment = part(order, vendor)
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="123456789012")
    services.mark_delivered(shipment_id=shipment.pk)
    line = shipment.lines.get()
    return services.request_claim(
        shipment_id=shipment.pk, kind=kind, quantities={line.pk: 1}, reason="불량"
    )


# --- Who may ---------------------------------------------------------------------------------


def test_a_visitor_and_a_shopper_are_refused(api_client, user_client, membership):
    shipment = part(order_of(membership.vendor), membership.vendor)

    assert_error(api_client.get(SHIPMENTS), 403, "not_authenticated")
    assert_error(user_client.get(SHIPMENTS), 403, "permission_denied")
    assert_error(user_client.post(url(shipment, "prepare/")), 403)
    assert_error(user_client.get(CLAIMS), 403)
    assert VendorShipment.objects.get(pk=shipment.pk).status == VendorShipment.Status.PAID


def test_the_list_shows_only_the_vendors_parts_with_only_its_lines(seller, membership):
    other = vendor_with_policy()
    mixed = order_of(membership.vendor, other, key="mixed")
    order_of(other, key="theirs")

    body = seller.get(SHIPMENTS).json()

    assert [item["order_number"] for item in body["results"]] == [mixed.number]
    shown = body["results"][0]
    assert shown["id"] == part(mixed, membership.vendor).pk
    mine = OrderLine.objects.get(order=mixed, vendor=membership.vendor)
    assert [line["id"] for line in shown["lines"]] == [mine.pk]
    assert shown["recipient"]["road_address"] == mixed.road_address
    assert "orderer" not in shown  # the vendor ships to the recipient; no orderer e-mail
    assert shown["status"] == "paid"


def test_the_list_filters_by_status_and_runs_fixed_queries(
    seller, membership, django_assert_max_num_queries
):
    vendor = membership.vendor
    order_of(vendor, key="a")
    unpaid = order_of(vendor, key="b", paid=False)
    with django_assert_max_num_queries(12) as small:
        assert len(seller.get(SHIPMENTS).json()["results"]) == 2
    for index in range(5):
        order_of(vendor, vendor_with_policy(), key=f"more-{index}")

    with django_assert_max_num_queries(len(small.captured_queries)):
        body = seller.get(SHIPMENTS).json()

    assert len(body["results"]) == 7
    pending = seller.get(f"{SHIPMENTS}?status=pending_payment").json()["results"]
    assert [item["order_number"] for item in pending] == [unpaid.number]
    assert_error(seller.get(f"{SHIPMENTS}?status=lost"), 400, "invalid", {"status"})


def test_another_vendors_part_is_not_found_everywhere_and_nothing_changes(seller):
    other = vendor_with_policy()
    theirs = part(order_of(other), other)
    events = AuditEvent.objects.count()

    attempts = [
        seller.get(url(theirs)),
        seller.post(url(theirs, "prepare/")),
        seller.post(url(theirs, "ship/"), TRACKING),
        seller.post(url(theirs, "tracking/"), TRACKING),
        seller.post(url(theirs, "deliver/")),
    ]

    for response in attempts:
        assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert (theirs.status, theirs.tracking_number) == (VendorShipment.Status.PAID, "")
    assert AuditEvent.objects.count() == events


# --- Fulfilment ------------------------------------------------------------------------------


def test_prepare_ship_correct_the_tracking_and_deliver(seller, membership):
    order = order_of(membership.vendor)
    shipment = part(order, membership.vendor)

    prepared = seller.post(url(shipment, "prepare/"))
    assert prepared.status_code == 200, prepared.content
    assert (prepared.json()["status"], prepared.json()["order_status"]) == (
        "preparing",
        "preparing",
    )

    shipped = seller.post(url(shipment, "ship/"), TRACKING)
    assert shipped.status_code == 200, shipped.content
    body = shipped.json()
    assert (body["status"], body["carrier"], body["tracking_number"]) == (
        "shipped",
        "cj",
        "123456789012",
    )
    assert body["tracking_url"].endswith("123456789012")
    assert body["shipped_at"]

    corrected = seller.post(
        url(shipment, "tracking/"), {"carrier": "hanjin", "tracking_number": "987654321"}
    )
    assert corrected.status_code == 200, corrected.content
    assert (corrected.json()["carrier"], corrected.json()["status"]) == ("hanjin", "shipped")

    done = seller.post(url(shipment, "deliver/"))
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["order_status"]) == ("delivered", "delivered")
    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED
    event = AuditEvent.objects.get(event_type="orders.OrderShipped")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", membership.vendor_id)


def test_transitions_that_are_not_allowed_are_409_and_change_nothing(seller, membership):
    vendor = membership.vendor
    unpaid = part(order_of(vendor, key="u", paid=False), vendor)
    cancelled_order = order_of(vendor, key="c")
    services.cancel_order(order_id=cancelled_order.pk)
    cancelled = part(cancelled_order, vendor)
    paid = part(order_of(vendor, key="p"), vendor)

    body = assert_error(seller.post(url(unpaid, "prepare/")), 409, "invalid_transition")
    assert set(body["fields"]) == {"status"}
    assert_error(seller.post(url(cancelled, "ship/"), TRACKING), 409, "invalid_transition")
    assert_error(seller.post(url(paid, "deliver/")), 409, "invalid_transition")
    assert_error(seller.post(url(paid, "tracking/"), TRACKING), 409, "invalid_transition")

    assert VendorShipment.objects.get(pk=unpaid.pk).status == VendorShipment.Status.PENDING_PAYMENT
    assert VendorShipment.objects.get(pk=cancelled.pk).tracking_number == ""
    assert VendorShipment.objects.get(pk=paid.pk).status == VendorShipment.Status.PAID


def test_bad_tracking_is_refused_by_field(seller, membership):
    shipment = part(order_of(membership.vendor), membership.vendor)

    assert_error(
        seller.post(url(shipment, "ship/"), {**TRACKING, "carrier": "dhl"}), 400, fields={"carrier"}
    )
    assert_error(
        seller.post(url(shipment, "ship/"), {**TRACKING, "tracking_number": "12"}),
        400,
        "invalid_tracking",
        {"tracking_number"},
    )
    assert_error(
        seller.post(url(shipment, "ship/"), {**TRACKING, "shipped_at": "2020-01-01"}),
        400,
        "unknown_field",
        {"shipped_at"},
    )
    assert_error(
        seller.post(url(shipment, "ship/"), {}), 400, fields={"carrier", "tracking_number"}
    )
    assert VendorShipment.objects.get(pk=shipment.pk).status == VendorShipment.Status.PAID


def test_staff_role_may_fulfil(membership):
    staff = MembershipFactory(vendor=membership.vendor, role=VendorMembership.Role.STAFF)
    client = APIClient()
    client.force_authenticate(staff.user)
    shipment = part(order_of(membership.vendor), membership.vendor)

    assert client.post(url(shipment, "ship/"), TRACKING).status_code == 200


# --- Claims ----------------------------------------------------------------------------------


def test_the_vendor_sees_only_its_claims_and_marks_a_return_received(seller, membership):
    other = vendor_with_policy()
    order = order_of(membership.vendor, other)
    mine = delivered_claim(order, membership.vendor)
    delivered_claim(order, other)

    listed = seller.get(CLAIMS).json()["results"]
    assert [item["id"] for item in listed] == [mine.pk]
    assert listed[0]["order_number"] == order.number
    assert listed[0]["lines"][0]["quantity"] == 1
    assert seller.get(f"{CLAIMS}?status=requested&kind=return").json()["results"]
    assert seller.get(f"{CLAIMS}?kind=exchange").json()["results"] == []
    assert_error(seller.get(f"{CLAIMS}?kind=refund"), 400, fields={"kind"})

    response = seller.post(claim_url(mine, "returned/"), {"note": "검수 완료"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["resolution_note"]) == ("returned", "검수 완료")
    refund = Refund.objects.get()
    assert body["refund_id"] == refund.pk
    assert refund.deduction_amount == mine.fee
    assert_error(seller.post(claim_url(mine, "returned/")), 409, "invalid_transition")


def test_an_exchange_is_marked_exchanged_and_a_rejection_needs_a_note(seller, membership):
    order = order_of(membership.vendor)
    exchange = delivered_claim(order, membership.vendor, kind="exchange")

    assert_error(seller.post(claim_url(exchange, "returned/")), 409, "invalid_transition")
    assert_error(seller.post(claim_url(exchange, "reject/"), {}), 400, fields={"note"})
    assert_error(seller.post(claim_url(exchange, "reject/"), {"note": " "}), 400, fields={"note"})
    response = seller.post(claim_url(exchange, "exchanged/"))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "exchanged"
    assert OrderLine.objects.get(order=order).status == OrderLine.Status.EXCHANGED


def test_reject_a_return_puts_the_line_back(seller, membership):
    claim = delivered_claim(order_of(membership.vendor), membership.vendor)

    response = seller.post(claim_url(claim, "reject/"), {"note": "사용 흔적이 있습니다"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert OrderLine.objects.get(order=claim.order).status == OrderLine.Status.ORDERED


def test_another_vendors_claim_is_not_found_everywhere(seller):
    other = vendor_with_policy()
    theirs = delivered_claim(order_of(other), other)

    for response in [
        seller.get(claim_url(theirs)),
        seller.post(claim_url(theirs, "returned/")),
        seller.post(claim_url(theirs, "exchanged/")),
        seller.post(claim_url(theirs, "reject/"), {"note": "아니요"}),
    ]:
        assert_error(response, 404, "not_found")
    assert Claim.objects.get(pk=theirs.pk).status == Claim.Status.REQUESTED
    assert not Refund.objects.exists()


def test_the_claim_list_runs_fixed_queries(seller, membership, django_assert_max_num_queries):
    delivered_claim(order_of(membership.vendor, key="c0"), membership.vendor)
    with django_assert_max_num_queries(12) as small:
        assert len(seller.get(CLAIMS).json()["results"]) == 1
    for index in range(4):
        delivered_claim(order_of(membership.vendor, key=f"c{index + 1}"), membership.vendor)

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(seller.get(CLAIMS).json()["results"]) == 5
