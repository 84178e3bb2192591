"""Bulk tracking upload (송장 일괄등록): every row is applied, or none; another vendor's part is not found."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog.importexport.formats import FileRefusedError
from orders import services
from orders.models import Order, VendorShipment
from orders.services.tracking import carrier_code, import_tracking
from shop.models import AuditEvent
from tests.orders.helpers import guest_cart, place, variant_of, vendor_with_policy
from tests.vendors.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HEADER = ["shipment id", "order number", "carrier", "tracking number"]


def part_of(vendor, key: str, *, paid: bool = True) -> VendorShipment:
    cart = guest_cart(key)
    services.add_to_cart(cart=cart, variant_id=variant_of(vendor, stock=20).pk, quantity=1)
    order = place(cart).order
    if paid:
        services.mark_deposit_confirmed(order_id=order.pk)
    return order.shipments.get()


def csv_file(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def statuses(*parts) -> list[str]:
    return [VendorShipment.objects.get(pk=part.pk).status for part in parts]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def mine():
    return vendor_with_policy()


@pytest.fixture
def theirs():
    return vendor_with_policy()


# --- The service ---------------------------------------------------------------------------------


def test_a_good_file_ships_every_row_by_shipment_id_or_order_number(mine):
    first, second = part_of(mine, "a"), part_of(mine, "b")
    data = csv_file(
        [
            [first.pk, "", "cj", "6123-4567-8901"],
            ["", second.order.number, "롯데택배", "2345 6789 0123"],
        ]
    )

    result = import_tracking(name="tracking.csv", data=data, vendor_id=mine.pk)

    assert result.applied
    assert result.errors == []
    assert result.shipped == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.carrier, first.tracking_number) == (
        "shipped",
        "cj",
        "612345678901",
    )
    assert (second.carrier, second.tracking_number) == ("lotte", "234567890123")
    assert second.order.status == Order.Status.SHIPPED
    assert AuditEvent.objects.filter(event_type="orders.OrderShipped").count() == 2


def test_one_bad_row_applies_none_and_names_the_row(mine):
    good = part_of(mine, "a")
    cancelled = part_of(mine, "b")
    services.cancel_order(order_id=cancelled.order_id, reason="품절")
    data = csv_file([[good.pk, "", "cj", "612345678901"], [cancelled.pk, "", "cj", "612345678902"]])

    result = import_tracking(name="tracking.csv", data=data, vendor_id=mine.pk)

    assert not result.applied
    assert result.shipped == 0
    [error] = result.errors
    assert error.row == 3  # the header is row 1
    assert "“Cancelled”" in error.message
    assert statuses(good) == ["paid"]  # the good row was rolled back too
    assert not AuditEvent.objects.filter(event_type="orders.OrderShipped").exists()


def test_every_bad_row_is_reported_at_once(mine):
    good = part_of(mine, "a")
    data = csv_file(
        [
            [good.pk, "", "unknown courier", "612345678901"],
            ["", "NOSUCHORDER", "cj", "612345678902"],
            [good.pk + 1000, "", "cj", "612345678903"],
            ["", "", "cj", "612345678904"],
            [good.pk, "", "cj", "12"],
        ]
    )

    result = import_tracking(name="tracking.csv", data=data, vendor_id=mine.pk)

    assert not result.applied
    assert [(error.row, error.column) for error in result.errors] == [
        (2, "carrier"),
        (3, "order number"),
        (4, "shipment id"),
        (5, "order number"),
        (6, "shipment id"),
    ]
    assert "row 2" in result.errors[-1].message  # the same parcel twice
    assert statuses(good) == ["paid"]


def test_a_row_naming_another_vendors_part_is_not_found_and_nothing_applies(mine, theirs):
    own, other = part_of(mine, "a"), part_of(theirs, "b")
    data = csv_file(
        [
            [own.pk, "", "cj", "612345678901"],
            [other.pk, "", "cj", "612345678902"],
            ["", other.order.number, "cj", "612345678903"],
        ]
    )

    result = import_tracking(name="tracking.csv", data=data, vendor_id=mine.pk)

    assert not result.applied
    assert [error.row for error in result.errors] == [3, 4]
    assert all("No " in error.message for error in result.errors)
    assert statuses(own, other) == ["paid", "paid"]


def test_a_shipped_part_gets_its_tracking_corrected(mine):
    part = part_of(mine, "a")
    services.ship(shipment_id=part.pk, carrier="cj", tracking_number="612345678901")
    data = csv_file([[part.pk, "", "한진택배", "998877665544"]])

    result = import_tracking(name="tracking.csv", data=data, vendor_id=mine.pk)

    assert (result.applied, result.corrected, result.shipped) == (True, 1, 0)
    part.refresh_from_db()
    assert (part.carrier, part.tracking_number) == ("hanjin", "998877665544")
    assert AuditEvent.objects.filter(event_type="orders.TrackingChanged").count() == 1


def test_korean_headers_and_a_cp949_file_from_korean_excel(mine):
    part = part_of(mine, "a")
    data = csv_file(
        [[part.order.number, "CJ대한통운", "612345678901"]],
        header=["주문번호", "택배사", "송장번호"],
        encoding="cp949",
    )

    result = import_tracking(name="송장.csv", data=data, vendor_id=mine.pk)

    assert result.applied
    assert statuses(part) == ["shipped"]


def test_a_file_without_the_needed_columns_is_refused(mine):
    with pytest.raises(FileRefusedError, match="tracking number"):
        import_tracking(
            name="t.csv", data=csv_file([["1", "cj"]], header=["shipment id", "carrier"])
        )


def test_a_file_over_the_row_limit_is_refused_before_any_row_runs(mine, settings):
    settings.ORDERS_TRACKING_MAX_ROWS = 2
    parts = [part_of(mine, key) for key in "abc"]
    rows = [[part.pk, "", "cj", f"61234567890{index}"] for index, part in enumerate(parts)]

    with pytest.raises(FileRefusedError, match="more than 2 rows"):
        import_tracking(name="t.csv", data=csv_file(rows), vendor_id=mine.pk)

    assert statuses(*parts) == ["paid", "paid", "paid"]


def test_on_the_platform_an_order_number_of_several_vendors_needs_the_shipment_id(mine, theirs):
    cart = guest_cart("both")
    for vendor in (mine, theirs):
        services.add_to_cart(cart=cart, variant_id=variant_of(vendor).pk, quantity=1)
    order = place(cart).order
    services.mark_deposit_confirmed(order_id=order.pk)

    result = import_tracking(
        name="t.csv", data=csv_file([["", order.number, "cj", "612345678901"]]), vendor_id=None
    )

    assert not result.applied
    assert "several vendors" in result.errors[0].message


@pytest.mark.parametrize(
    ("text", "code"),
    [("cj", "cj"), ("CJ Logistics (CJ대한통운)", "cj"), ("우체국택배", "epost"), ("로젠", "logen")],
)
def test_carriers_are_read_from_codes_labels_and_korean_names(text, code):
    assert carrier_code(text) == code


def test_an_unknown_carrier_is_not_guessed():
    assert carrier_code("아무택배") is None


# --- The seller center's page ----------------------------------------------------------------


@pytest.fixture
def seller(mine) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(MembershipFactory(vendor=mine).user)
    return client


UPLOAD_URL = "sellercenter:orders_vendorshipment_tracking_upload"


def upload(client, data: bytes, name: str = "tracking.csv"):
    return client.post(
        reverse(UPLOAD_URL), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )


def test_the_list_links_the_upload_page(seller):
    page = seller.get(reverse("sellercenter:orders_vendorshipment_changelist"))

    assert reverse(UPLOAD_URL) in page.content.decode()
    assert seller.get(reverse(UPLOAD_URL)).status_code == 200


def test_uploading_a_good_file_ships_everything_and_returns_to_the_list(seller, mine):
    first, second = part_of(mine, "a"), part_of(mine, "b")

    response = upload(
        seller,
        csv_file([[first.pk, "", "cj", "612345678901"], [second.pk, "", "cj", "612345678902"]]),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("sellercenter:orders_vendorshipment_changelist")
    assert statuses(first, second) == ["shipped", "shipped"]


def test_uploading_a_file_with_a_bad_row_shows_it_and_applies_nothing(seller, mine, theirs):
    own, other = part_of(mine, "a"), part_of(theirs, "b")

    response = upload(
        seller, csv_file([[own.pk, "", "cj", "612345678901"], [other.pk, "", "cj", "612345678902"]])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="tracking-errors"' in body
    assert "No row was applied" in body
    assert [(error.row, error.column) for error in response.context["errors"]] == [
        (3, "shipment id")
    ]
    assert statuses(own, other) == ["paid", "paid"]
    assert theirs.name not in body


def test_a_file_that_is_not_csv_or_excel_is_a_form_error(seller):
    response = upload(seller, b"\x00\x01binary", name="tracking.pdf")

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_the_shipment_export_uploads_back_with_the_numbers_filled_in(seller, mine):
    part = part_of(mine, "a")
    services.start_preparing(shipment_id=part.pk, vendor_id=mine.pk)
    export = seller.get(
        reverse("sellercenter:orders_vendorshipment_export"),
        {"status__exact": "preparing", "export_reason": "ship today's parcels"},
    )
    header, *rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"), newline="")))
    tracking = header.index("tracking number")
    rows[0][header.index("carrier")] = "CJ대한통운"
    rows[0][tracking] = "612345678901"

    response = upload(seller, csv_file(rows, header=header))

    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.status, part.tracking_number) == ("shipped", "612345678901")


def test_vendor_staff_without_change_rights_cannot_upload(mine):
    from vendors.sellercenter import site

    original = dict(site.ROLE_PERMISSIONS)
    site.ROLE_PERMISSIONS["staff"] = frozenset({"view"})
    try:
        client = Client()
        client.force_login(MembershipFactory(vendor=mine, role="staff").user)
        part = part_of(mine, "a")
        response = upload(client, csv_file([[part.pk, "", "cj", "612345678901"]]))
    finally:
        site.ROLE_PERMISSIONS.clear()
        site.ROLE_PERMISSIONS.update(original)

    assert response.status_code == 403
    assert statuses(part) == ["paid"]
