"""The seller center's order pages: a vendor's own parts and claims, fulfilment, dashboard, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services
from orders.models import Claim, Order, VendorShipment
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy
from tests.vendors.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine():
    return vendor_with_policy()


@pytest.fixture
def theirs():
    return vendor_with_policy()


@pytest.fixture
def seller(mine) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(MembershipFactory(vendor=mine).user)
    return client


def part_of(vendor, key: str = "cart", *, paid: bool = True, quantity: int = 1) -> VendorShipment:
    cart = guest_cart(key)
    services.add_to_cart(cart=cart, variant_id=variant_of(vendor, stock=20).pk, quantity=quantity)
    order = place(cart).order
    if paid:
        services.mark_deposit_confirmed(order_id=order.pk)
    return order.shipments.get()


def both_vendors_order(mine, theirs) -> Order:
    cart = guest_cart("both")
    for vendor in (mine, theirs):
        services.add_to_cart(cart=cart, variant_id=variant_of(vendor).pk, quantity=1)
    order = place(cart).order
    services.mark_deposit_confirmed(order_id=order.pk)
    return order


def url(name: str, *args) -> str:
    return reverse(f"sellercenter:orders_{name}", args=args)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def status_of(part: VendorShipment) -> str:
    return VendorShipment.objects.get(pk=part.pk).status


# --- List and detail -------------------------------------------------------------------------


def test_list_shows_only_own_parts_of_a_shared_order(seller, mine, theirs):
    order = both_vendors_order(mine, theirs)
    own = order.shipments.get(vendor=mine)

    response = seller.get(url("vendorshipment_changelist"))

    assert [row.pk for row in response.context["cl"].result_list] == [own.pk]
    body = response.content.decode()
    assert theirs.name not in body
    their_line = order.lines.get(vendor=theirs)
    assert their_line.product_name not in body


def test_list_filters_by_status(seller, mine):
    new = part_of(mine, "a")
    preparing = part_of(mine, "b")
    services.start_preparing(shipment_id=preparing.pk)

    response = seller.get(url("vendorshipment_changelist"), {"status__exact": "paid"})

    assert [row.pk for row in response.context["cl"].result_list] == [new.pk]


def test_list_queries_stay_the_same_for_one_part_or_many(seller, mine, django_assert_num_queries):
    part_of(mine, "first", quantity=2)
    seller.get(url("vendorshipment_changelist"))
    with CaptureQueriesContext(connection) as one:
        seller.get(url("vendorshipment_changelist"))
    for index in range(5):
        part_of(mine, f"more-{index}", quantity=3)

    with django_assert_num_queries(len(one.captured_queries)):
        response = seller.get(url("vendorshipment_changelist"))

    assert len(response.context["cl"].result_list) == 6


def test_detail_shows_own_lines_and_the_recipient_address_read_only(seller, mine, theirs):
    order = both_vendors_order(mine, theirs)
    own = order.shipments.get(vendor=mine)

    response = seller.get(url("vendorshipment_change", own.pk))

    body = response.content.decode()
    assert order.lines.get(vendor=mine).product_name in body
    assert order.lines.get(vendor=theirs).product_name not in body
    assert order.road_address in body
    assert order.recipient_name in body
    assert "_save" not in body
    assert response.context["adminform"].form.fields == {}


def test_another_vendors_part_is_not_found_and_its_buttons_do_nothing(seller, theirs):
    other = part_of(theirs)

    page = seller.get(url("vendorshipment_change", other.pk), follow=True)
    assert other.order.number not in page.content.decode()
    for transition, data in [
        ("prepare", {}),
        ("ship", {"carrier": "cj", "tracking_number": "612345678901"}),
        ("deliver", {}),
    ]:
        response = seller.post(url("vendorshipment_transition", other.pk, transition), data)
        assert response.status_code == 404
    assert status_of(other) == "paid"


def test_bulk_actions_with_another_vendors_id_leave_it_alone(seller, mine, theirs):
    own, other = part_of(mine, "a"), part_of(theirs, "b")

    seller.post(
        url("vendorshipment_changelist"),
        {"action": "start_preparing_selected", "_selected_action": [own.pk, other.pk]},
    )

    assert status_of(own) == "preparing"
    assert status_of(other) == "paid"


def test_history_shows_the_orders_events_about_this_vendor_only(seller, mine, theirs):
    order = both_vendors_order(mine, theirs)
    own, other = order.shipments.get(vendor=mine), order.shipments.get(vendor=theirs)
    services.start_preparing(shipment_id=own.pk)
    services.ship(shipment_id=other.pk, carrier="cj", tracking_number="612345678901")

    response = seller.get(url("vendorshipment_history", own.pk))

    events = [entry["event_type"] for entry in response.context["entries"]]
    assert "orders.ShipmentStatusChanged" in events
    assert "orders.OrderPaid" in events
    assert "orders.OrderShipped" not in events  # the other vendor's parcel


# --- Fulfilment ------------------------------------------------------------------------------


def test_prepare_ship_correct_and_deliver_through_the_buttons(seller, mine):
    part = part_of(mine)
    page = seller.get(url("vendorshipment_change", part.pk)).content.decode()
    assert url("vendorshipment_transition", part.pk, "prepare") in page

    seller.post(url("vendorshipment_transition", part.pk, "prepare"))
    assert status_of(part) == "preparing"

    seller.post(
        url("vendorshipment_transition", part.pk, "ship"),
        {"carrier": "cj", "tracking_number": "6123-4567-8901"},
    )
    part.refresh_from_db()
    assert (part.status, part.carrier, part.tracking_number) == ("shipped", "cj", "612345678901")
    page = seller.get(url("vendorshipment_change", part.pk)).content.decode()
    assert url("vendorshipment_transition", part.pk, "tracking") in page
    assert part.tracking_url in page.replace("&amp;", "&")

    seller.post(
        url("vendorshipment_transition", part.pk, "tracking"),
        {"carrier": "hanjin", "tracking_number": "998877665544"},
    )
    part.refresh_from_db()
    assert (part.carrier, part.tracking_number) == ("hanjin", "998877665544")

    seller.post(url("vendorshipment_transition", part.pk, "deliver"))
    assert status_of(part) == "delivered"
    shipped = AuditEvent.objects.get(event_type="orders.OrderShipped")
    assert (shipped.actor_kind, shipped.actor_vendor_id) == ("vendor", mine.pk)


def test_shipping_a_cancelled_order_is_refused_with_a_clear_message(seller, mine):
    part = part_of(mine)
    services.cancel_order(order_id=part.order_id, reason="품절")
    page = seller.get(url("vendorshipment_change", part.pk)).content.decode()
    assert url("vendorshipment_transition", part.pk, "ship") not in page  # no button offered

    response = seller.post(
        url("vendorshipment_transition", part.pk, "ship"),
        {"carrier": "cj", "tracking_number": "612345678901"},
    )

    part.refresh_from_db()
    assert (part.status, part.tracking_number) == ("cancelled", "")
    level, text = messages_of(response)[-1]
    assert level == "error"
    assert part.order.number in text
    assert "“Cancelled”" in text  # the statuses by their labels, not their codes
    assert "“Shipped”" in text


def test_shipping_without_a_valid_waybill_names_the_problem(seller, mine):
    part = part_of(mine)

    response = seller.post(
        url("vendorshipment_transition", part.pk, "ship"), {"carrier": "", "tracking_number": "1"}
    )

    assert status_of(part) == "paid"
    level, text = messages_of(response)[-1]
    assert level == "error"
    assert "Choose a carrier." in text
    assert "waybill number" in text


def test_bulk_delivered_reports_each_part_that_cannot_be_delivered(seller, mine):
    shipped, unshipped = part_of(mine, "a"), part_of(mine, "b")
    services.ship(shipment_id=shipped.pk, carrier="cj", tracking_number="612345678901")

    response = seller.post(
        url("vendorshipment_changelist"),
        {"action": "mark_delivered_selected", "_selected_action": [shipped.pk, unshipped.pk]},
    )

    assert (status_of(shipped), status_of(unshipped)) == ("delivered", "paid")
    notes = messages_of(response)
    assert ("success", "1 order marked delivered.") in notes
    assert any(level == "error" and unshipped.order.number in text for level, text in notes)


# --- Claims -----------------------------------------------------------------------------------


def claim_of(vendor, kind: str = Claim.Kind.RETURN, key: str = "claim") -> Claim:
    part = part_of(vendor, key)
    services.ship(shipment_id=part.pk, carrier="cj", tracking_number="612345678901")
    services.mark_delivered(shipment_id=part.pk)
    line = part.lines.get()
    return services.request_claim(
        shipment_id=part.pk, kind=kind, quantities={line.pk: 1}, reason="사이즈"
    )


def test_own_claims_are_listed_and_handled(seller, mine, theirs):
    own = claim_of(mine, key="a")
    exchange = claim_of(mine, Claim.Kind.EXCHANGE, key="b")
    other = claim_of(theirs, key="c")

    listed = seller.get(url("claim_changelist")).context["cl"].result_list
    assert {claim.pk for claim in listed} == {own.pk, exchange.pk}

    seller.post(url("claim_transition", own.pk, "returned"), {"note": "검수 완료"})
    seller.post(url("claim_transition", exchange.pk, "exchanged"))

    own.refresh_from_db()
    exchange.refresh_from_db()
    assert own.status == Claim.Status.RETURNED
    assert own.refund.deduction_amount == own.fee
    assert exchange.status == Claim.Status.EXCHANGED
    assert (
        seller.post(url("claim_transition", other.pk, "reject"), {"note": "x"}).status_code == 404
    )
    other.refresh_from_db()
    assert other.status == Claim.Status.REQUESTED


def test_rejecting_needs_a_note_told_to_the_buyer(seller, mine):
    claim = claim_of(mine)

    response = seller.post(url("claim_transition", claim.pk, "reject"), {"note": ""})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REQUESTED
    assert messages_of(response)[-1][0] == "error"

    seller.post(url("claim_transition", claim.pk, "reject"), {"note": "착용 흔적이 있어요"})
    claim.refresh_from_db()
    assert (claim.status, claim.resolution_note) == (Claim.Status.REJECTED, "착용 흔적이 있어요")


def test_the_claim_list_action_skips_another_vendors_claim(seller, mine, theirs):
    own, other = claim_of(mine, key="a"), claim_of(theirs, key="b")

    seller.post(
        url("claim_changelist"),
        {"action": "reject_selected", "_selected_action": [own.pk, other.pk], "note": "기간 지남"},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == Claim.Status.REJECTED
    assert other.status == Claim.Status.REQUESTED


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_counts_what_waits_for_the_vendor(seller, mine, theirs):
    part_of(mine, "a")
    part_of(mine, "b")
    preparing = part_of(mine, "c")
    services.start_preparing(shipment_id=preparing.pk)
    claim_of(mine, key="d")
    part_of(theirs, "e")  # not counted: another vendor's
    part_of(mine, "f", paid=False)  # not counted: not paid yet

    response = seller.get(reverse("sellercenter:index"))

    counts = {str(row["label"]): row for row in response.context["dashboard_counts"]}
    assert counts["New orders to prepare"]["count"] == 2
    assert counts["Orders to ship"]["count"] == 1
    assert counts["Returns and exchanges to handle"]["count"] == 1
    to_prepare = seller.get(counts["New orders to prepare"]["url"], follow=True)
    assert len(to_prepare.context["cl"].result_list) == 2
    open_claims = seller.get(counts["Returns and exchanges to handle"]["url"], follow=True)
    assert len(open_claims.context["cl"].result_list) == 1


# --- CSV export ------------------------------------------------------------------------------


def csv_rows(response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_csv_export_holds_own_parts_with_address_and_items_and_is_audited(seller, mine, theirs):
    order = both_vendors_order(mine, theirs)
    own, other = order.shipments.get(vendor=mine), order.shipments.get(vendor=theirs)

    response = seller.post(
        url("vendorshipment_changelist"),
        {"action": "export_csv", "_selected_action": [own.pk, other.pk], "export_reason": "ship"},
    )

    [row] = csv_rows(response)
    line = order.lines.get(vendor=mine)
    assert row["shipment id"] == str(own.pk)
    assert row["order number"] == order.number
    assert row["road address"] == order.road_address
    assert row["recipient phone"] == order.recipient_phone
    assert row["items ordered"].startswith(line.product_name)
    assert row["shipping fee"] == str(int(own.shipping_fee))
    assert order.lines.get(vendor=theirs).product_name not in response.content.decode("utf-8-sig")
    event = AuditEvent.objects.get(event_type="vendors.DataExported")
    assert event.payload["model"] == "orders.VendorShipment"
    assert event.payload["row_count"] == 1
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", mine.pk)


def test_claim_history_shows_its_own_events_and_another_vendors_is_not_found(seller, mine, theirs):
    own, other = claim_of(mine, key="a"), claim_of(theirs, key="b")
    seller.post(url("claim_transition", own.pk, "reject"), {"note": "기간 지남"})

    response = seller.get(url("claim_history", own.pk))

    events = [entry["event_type"] for entry in response.context["entries"]]
    assert events == ["orders.ClaimStatusChanged", "orders.ClaimRequested"]
    hidden = seller.get(url("claim_history", other.pk), follow=True)
    assert hidden.redirect_chain
    assert other.order.number not in hidden.content.decode()
