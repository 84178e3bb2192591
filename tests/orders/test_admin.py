"""The platform admin's order pages: lists, read-only details, transitions through the services."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Claim, Order, OrderLine, Refund, VendorShipment
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def order_of(*vendors, quantity: int = 1, key: str = "cart", **details) -> Order:
    """Place a guest order with one variant of each vendor (a fresh vendor if none given)."""
    cart = guest_cart(key)
    for vendor in vendors or [vendor_with_policy()]:
        variant = variant_of(vendor, stock=50)
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, **details).order


def paid(order: Order) -> Order:
    services.mark_deposit_confirmed(order_id=order.pk)
    order.refresh_from_db()
    return order


def delivered(order: Order) -> VendorShipment:
    part = order.shipments.get()
    services.ship(shipment_id=part.pk, carrier="cj", tracking_number="612345678901")
    services.mark_delivered(shipment_id=part.pk)
    part.refresh_from_db()
    return part


def url(name: str, *args) -> str:
    return reverse(f"admin:orders_{name}", args=args)


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def listed(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


# --- The order list -------------------------------------------------------------------------


def test_list_filters_by_status_payment_method_vendor_and_date(staff):
    mine, theirs = vendor_with_policy(), vendor_with_policy()
    waiting = order_of(mine, key="a")
    settled = paid(order_of(theirs, key="b"))
    both = order_of(mine, theirs, key="c")
    Order.objects.filter(pk=both.pk).update(placed_at=timezone.now() - timedelta(days=40))

    assert set(listed(staff.get(url("order_changelist")))) == {waiting.pk, settled.pk, both.pk}
    assert listed(staff.get(url("order_changelist"), {"status__exact": "paid"})) == [settled.pk]
    assert set(listed(staff.get(url("order_changelist"), {"vendor": mine.pk}))) == {
        waiting.pk,
        both.pk,
    }
    assert set(listed(staff.get(url("order_changelist"), {"payment_method": "bank_transfer"}))) == {
        waiting.pk,
        settled.pk,
        both.pk,
    }
    week_ago = (timezone.now() - timedelta(days=7)).isoformat()
    recent = staff.get(url("order_changelist"), {"placed_at__gte": week_ago})
    assert set(listed(recent)) == {waiting.pk, settled.pk}


@pytest.mark.parametrize(
    "term",
    ["number", "박주문", "park@example.com", "010-9876-5432", "01098765432", "9876"],
)
def test_search_finds_orders_by_number_name_email_and_phone(staff, term):
    target = order_of(
        key="a",
        orderer_name="박주문",
        orderer_email="park@example.com",
        orderer_phone="010-9876-5432",
    )
    order_of(key="b")
    query = target.number if term == "number" else term

    response = staff.get(url("order_changelist"), {"q": query})

    assert listed(response) == [target.pk]


def test_list_runs_the_same_queries_for_one_order_or_many(staff, django_assert_num_queries):
    order_of(key="first")
    staff.get(url("order_changelist"))
    with CaptureQueriesContext(connection) as one:
        staff.get(url("order_changelist"))
    for index in range(5):
        order_of(vendor_with_policy(), vendor_with_policy(), key=f"more-{index}")

    with django_assert_num_queries(len(one.captured_queries)):
        response = staff.get(url("order_changelist"))

    assert len(listed(response)) == 6


# --- The order page -----------------------------------------------------------------------------


def test_order_page_is_read_only_and_shows_lines_parts_and_history(staff):
    order = paid(order_of(vendor_with_policy(), vendor_with_policy()))
    line = order.lines.first()

    response = staff.get(url("order_change", order.pk))

    assert response.status_code == 200
    body = response.content.decode()
    assert line.product_name in body
    assert order.recipient_name in body
    assert "_save" not in body  # no save button: nothing is edited field by field
    assert response.context["adminform"].form.fields == {}
    assert len(response.context["inline_admin_formsets"]) == 4
    assert f"subject_type=orders.Order&amp;subject_id={order.pk}" in body
    before = Order.objects.values().get(pk=order.pk)

    posted = staff.post(url("order_change", order.pk), {"orderer_name": "바뀐이름"})

    assert posted.status_code == 403
    assert Order.objects.values().get(pk=order.pk) == before


def test_order_page_queries_do_not_grow_with_lines(staff, django_assert_num_queries):
    small = paid(order_of(key="small"))
    big = paid(order_of(*[vendor_with_policy() for _ in range(4)], key="big"))
    services.cancel_order(order_id=big.pk, reason="재고 부족")  # refunds and lines to show
    services.cancel_order(order_id=small.pk, reason="재고 부족")
    staff.get(url("order_change", small.pk))
    with CaptureQueriesContext(connection) as one:
        staff.get(url("order_change", small.pk))

    with django_assert_num_queries(len(one.captured_queries)):
        response = staff.get(url("order_change", big.pk))

    assert response.status_code == 200


def test_confirm_deposit_button_pays_the_order_and_a_second_press_is_refused(staff):
    order = order_of()
    page = staff.get(url("order_change", order.pk)).content.decode()
    assert url("order_transition", order.pk, "deposit") in page

    response = staff.post(url("order_transition", order.pk, "deposit"))

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Order.Status.PAID
    assert messages_of(response)[-1][0] == "success"
    again = staff.post(url("order_transition", order.pk, "deposit"))
    assert messages_of(again)[-1][0] == "error"
    assert AuditEvent.objects.filter(event_type="orders.OrderPaid").count() == 1


def test_transitions_are_post_only(staff):
    order = order_of()

    response = staff.get(url("order_transition", order.pk, "deposit"))

    assert response.status_code == 405
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_bulk_confirm_deposits_pays_waiting_orders_and_reports_the_refused_one(staff):
    first, second = order_of(key="a"), order_of(key="b")
    already = paid(order_of(key="c"))

    response = staff.post(
        url("order_changelist"),
        {"action": "confirm_deposits", "_selected_action": [first.pk, second.pk, already.pk]},
    )

    assert response.status_code == 302
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Order.Status.PAID
    notes = messages_of(response)
    assert ("success", "2 deposits confirmed.") in notes
    assert any(level == "error" and already.number in text for level, text in notes)


def test_cancel_needs_a_reason_and_cancels_through_the_service(staff):
    order = paid(order_of())

    refused = staff.post(url("order_transition", order.pk, "cancel"), {"reason": " "})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert messages_of(refused)[-1][0] == "error"

    staff.post(url("order_transition", order.pk, "cancel"), {"reason": "품절"})

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.cancel_reason == "품절"
    assert order.refunds.get().status == Refund.Status.REQUESTED


def test_cancelling_a_shipped_order_is_refused_with_a_message(staff):
    order = paid(order_of())
    part = order.shipments.get()
    services.ship(shipment_id=part.pk, carrier="cj", tracking_number="612345678901")

    response = staff.post(url("order_transition", order.pk, "cancel"), {"reason": "변심"})

    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    [(level, text)] = messages_of(response)
    assert level == "error"
    assert "“Shipped”" in text  # the status by its label, not its code


def test_bulk_cancel_requires_the_reason_next_to_the_action(staff):
    order = paid(order_of())
    data = {"action": "cancel_orders", "_selected_action": [order.pk]}

    staff.post(url("order_changelist"), {**data, "reason": ""})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    staff.post(url("order_changelist"), {**data, "reason": "고객 요청"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_partial_cancel_cancels_the_quantities_entered(staff):
    order = paid(order_of(quantity=3))
    line = order.lines.get()
    page = staff.get(url("order_change", order.pk))
    assert f'name="line-{line.pk}"' in page.content.decode()

    staff.post(
        url("order_transition", order.pk, "partial_cancel"),
        {f"line-{line.pk}": "2", "reason": "일부 취소"},
    )

    line.refresh_from_db()
    assert line.cancelled_quantity == 2
    assert line.status == OrderLine.Status.PARTIALLY_CANCELLED
    refund = order.refunds.get()
    assert refund.items_amount == Decimal(20000)


def test_partial_cancel_of_too_much_is_refused_and_changes_nothing(staff):
    order = paid(order_of(quantity=1))
    line = order.lines.get()

    response = staff.post(
        url("order_transition", order.pk, "partial_cancel"), {f"line-{line.pk}": "5"}
    )

    line.refresh_from_db()
    assert line.cancelled_quantity == 0
    assert messages_of(response)[-1][0] == "error"
    assert not order.refunds.exists()


def test_refund_of_a_bank_transfer_is_marked_paid_out_by_staff(staff, staff_user):
    order = paid(order_of())
    services.cancel_order(order_id=order.pk, reason="품절")
    refund = order.refunds.get()
    page = staff.get(url("order_change", order.pk)).content.decode()
    assert f'name="refund" value="{refund.pk}"' in page

    staff.post(
        url("order_transition", order.pk, "refund"), {"refund": refund.pk, "note": "국민 입금"}
    )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.COMPLETED
    assert refund.completed_by == staff_user
    assert refund.note == "국민 입금"
    assert AuditEvent.objects.filter(event_type="orders.OrderLineRefunded").exists()


def test_a_refund_of_another_order_is_not_found_on_this_order(staff):
    order = paid(order_of(key="a"))
    other = paid(order_of(key="b"))
    services.cancel_order(order_id=other.pk, reason="품절")
    refund = other.refunds.get()

    response = staff.post(url("order_transition", order.pk, "refund"), {"refund": refund.pk})

    assert response.status_code == 404
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REQUESTED


def test_refund_list_action_marks_bank_transfer_refunds_paid_out(staff):
    order = paid(order_of())
    services.cancel_order(order_id=order.pk, reason="품절")
    refund = order.refunds.get()

    staff.post(
        url("refund_changelist"),
        {"action": "mark_paid_out", "_selected_action": [refund.pk], "note": "입금 완료"},
    )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.COMPLETED


# --- Claims -------------------------------------------------------------------------------------


def claim_of(kind: str = Claim.Kind.RETURN, **order_kwargs) -> Claim:
    order = paid(order_of(**order_kwargs))
    part = delivered(order)
    line = order.lines.get()
    return services.request_claim(
        shipment_id=part.pk, kind=kind, quantities={line.pk: 1}, reason="불량"
    )


def test_claim_page_marks_a_return_received_and_requests_the_refund(staff):
    claim = claim_of()
    page = staff.get(url("claim_change", claim.pk))
    assert url("claim_transition", claim.pk, "returned") in page.content.decode()
    assert url("claim_transition", claim.pk, "exchanged") not in page.content.decode()

    staff.post(url("claim_transition", claim.pk, "returned"), {"note": "검수 완료"})

    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETURNED
    assert claim.refund is not None
    assert claim.refund.deduction_amount == claim.fee


def test_exchange_claims_are_marked_exchanged_and_rejects_need_a_note(staff):
    claim = claim_of(Claim.Kind.EXCHANGE)

    refused = staff.post(url("claim_transition", claim.pk, "reject"), {"note": ""})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REQUESTED
    assert messages_of(refused)[-1][0] == "error"

    wrong = staff.post(url("claim_transition", claim.pk, "returned"))
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REQUESTED
    assert "Only a return" in messages_of(wrong)[-1][1]

    staff.post(url("claim_transition", claim.pk, "exchanged"))
    claim.refresh_from_db()
    assert claim.status == Claim.Status.EXCHANGED


def test_claim_list_rejects_selected_requests_with_the_note(staff):
    claim = claim_of()

    staff.post(
        url("claim_changelist"),
        {"action": "reject_selected", "_selected_action": [claim.pk], "note": "사용 흔적"},
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.resolution_note == "사용 흔적"
    assert claim.lines.get().order_line.status == OrderLine.Status.ORDERED


def test_order_page_links_its_open_claims(staff):
    claim = claim_of()

    page = staff.get(url("order_change", claim.order_id)).content.decode()

    assert url("claim_change", claim.pk) in page


# --- CSV export ---------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_csv_export_of_selected_orders_is_audited_and_formula_safe(staff, staff_user):
    vendor = vendor_with_policy()
    order = order_of(vendor, orderer_name="=HYPERLINK(1)", key="a")
    order_of(key="b")

    response = staff.post(
        url("order_changelist"),
        {"action": "export_csv", "_selected_action": [order.pk], "export_reason": "audit"},
    )

    assert response["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(response)
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["order number"] == order.number
    assert row["orderer name"] == "'=HYPERLINK(1)"  # never run as a formula
    assert row["total"] == str(int(order.total_amount))
    assert row["vendors"] == vendor.name
    event = AuditEvent.objects.get(event_type="vendors.DataExported")
    assert event.payload["model"] == "orders.Order"
    assert event.payload["row_count"] == 1
    assert event.actor_id == staff_user.pk


def test_export_link_downloads_the_list_as_filtered(staff):
    waiting = order_of(key="a")
    paid(order_of(key="b"))
    page = staff.get(url("order_changelist"), {"status__exact": "pending_payment"})
    assert f"{url('order_export')}?status__exact=pending_payment" in page.content.decode()

    response = staff.get(
        url("order_export"), {"status__exact": "pending_payment", "export_reason": "audit"}
    )

    _header, *rows = csv_rows(response)
    assert [row[0] for row in rows] == [waiting.number]


@pytest.mark.parametrize("page", ["vendorshipment", "claim", "refund"])
def test_history_of_a_part_claim_or_refund_opens_its_orders_audit_log(staff, page):
    claim = claim_of()
    services.mark_returned(claim_id=claim.pk)
    claim.refresh_from_db()
    obj = {"vendorshipment": claim.shipment, "claim": claim, "refund": claim.refund}[page]

    response = staff.get(url(f"{page}_history", obj.pk))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?subject_type=orders.Order&subject_id={claim.order_id}")


@pytest.mark.parametrize("page", ["vendorshipment", "claim", "refund"])
def test_part_claim_and_refund_lists_run_the_same_queries_for_any_number_of_rows(
    staff, page, django_assert_num_queries
):
    def add_rows(key: str) -> None:
        claim = claim_of(key=key)
        services.mark_returned(claim_id=claim.pk)

    add_rows("first")
    staff.get(url(f"{page}_changelist"))
    with CaptureQueriesContext(connection) as one:
        staff.get(url(f"{page}_changelist"))
    for index in range(4):
        add_rows(f"more-{index}")

    with django_assert_num_queries(len(one.captured_queries)):
        response = staff.get(url(f"{page}_changelist"))

    assert len(response.context["cl"].result_list) == 5


def test_staff_ship_a_vendors_part_from_the_platform_admin(staff):
    order = paid(order_of())
    part = order.shipments.get()

    staff.post(
        url("vendorshipment_transition", part.pk, "ship"),
        {"carrier": "epost", "tracking_number": "6865012345678"},
    )

    part.refresh_from_db()
    assert (part.status, part.carrier) == ("shipped", "epost")
    page = staff.get(url("vendorshipment_change", part.pk)).content.decode()
    assert url("order_change", order.pk) in page


def test_a_forged_refund_id_is_not_found(staff):
    order = paid(order_of())

    response = staff.post(url("order_transition", order.pk, "refund"), {"refund": "1 OR 1=1"})

    assert response.status_code == 404


def test_staff_who_may_only_view_orders_get_no_buttons_and_cannot_post_them(db):
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(viewer)
    order = order_of()

    page = client.get(url("order_change", order.pk))
    response = client.post(url("order_transition", order.pk, "deposit"))

    assert page.status_code == 200
    assert url("order_transition", order.pk, "deposit") not in page.content.decode()
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    listing = client.get(url("order_changelist"))
    assert "confirm_deposits" not in listing.content.decode()
