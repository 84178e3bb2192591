"""Platform staff manage vendors and settlements in /admin/."""

from decimal import Decimal

import pytest
from django.test import Client

from shop.models import AuditEvent
from tests.vendors.factories import SettlementFactory, VendorFactory
from vendors.models import SettlementEntry, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def test_approve_button_approves_and_records_staff_as_actor(staff_client, staff_user):
    vendor = VendorFactory(status="applied")

    page = staff_client.get(f"/admin/vendors/vendor/{vendor.pk}/change/")
    response = staff_client.post(f"/admin/vendors/vendor/{vendor.pk}/status/approve/")

    assert "/status/approve/" in page.content.decode()
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == "approved"
    event = AuditEvent.objects.get(event_type="vendors.VendorApproved")
    assert (event.actor_kind, event.actor_id) == ("staff", staff_user.pk)


def test_a_refused_button_changes_nothing(staff_client):
    vendor = VendorFactory(status="closed")

    staff_client.post(f"/admin/vendors/vendor/{vendor.pk}/status/suspend/")

    vendor.refresh_from_db()
    assert vendor.status == "closed"
    assert not AuditEvent.objects.exists()


def test_status_buttons_need_post(staff_client):
    vendor = VendorFactory(status="applied")

    response = staff_client.get(f"/admin/vendors/vendor/{vendor.pk}/status/approve/")

    assert response.status_code == 405
    vendor.refresh_from_db()
    assert vendor.status == "applied"


def test_bulk_suspend_action_suspends_approved_vendors_and_reports_the_rest(staff_client):
    approved, applied = VendorFactory(status="approved"), VendorFactory(status="applied")

    staff_client.post(
        "/admin/vendors/vendor/",
        {"action": "suspend_vendors", "_selected_action": [approved.pk, applied.pk]},
    )

    assert Vendor.objects.get(pk=approved.pk).status == "suspended"
    assert Vendor.objects.get(pk=applied.pk).status == "applied"


def vendor_form_data(vendor, **overrides):
    return {
        "name": vendor.name,
        "slug": vendor.slug,
        "business_registration_number": vendor.formatted_business_number,
        "representative_name": vendor.representative_name,
        "contact_email": vendor.contact_email,
        "contact_phone": vendor.contact_phone,
        "mail_order_report_number": vendor.mail_order_report_number,
        "address": vendor.address,
        "commission_rate": str(vendor.commission_rate),
        "payout_bank_name": vendor.payout_bank_name,
        "payout_account_holder": vendor.payout_account_holder,
        "payout_account_number": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        **overrides,
    }


def test_commission_change_in_the_admin_is_one_audited_event_with_before_and_after(
    staff_client,
):
    vendor = VendorFactory(commission_rate=Decimal("10.00"))

    response = staff_client.post(
        f"/admin/vendors/vendor/{vendor.pk}/change/",
        vendor_form_data(vendor, commission_rate="7.5", representative_name="바뀐대표"),
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.commission_rate, vendor.representative_name) == (Decimal("7.50"), "바뀐대표")
    rate_event = AuditEvent.objects.get(event_type="vendors.CommissionRateChanged")
    assert (rate_event.payload["before"], rate_event.payload["after"]) == ("10.00", "7.50")
    profile_event = AuditEvent.objects.get(event_type="shop.AdminObjectChanged")
    assert "commission_rate" not in profile_event.payload["changes"]
    assert "representative_name" in profile_event.payload["changes"]


def test_commission_over_100_is_a_field_error(staff_client):
    vendor = VendorFactory(commission_rate=Decimal("10.00"))

    response = staff_client.post(
        f"/admin/vendors/vendor/{vendor.pk}/change/",
        vendor_form_data(vendor, commission_rate="150"),
    )

    assert "commission_rate" in response.context["adminform"].form.errors


def test_staff_admin_masks_the_account_number(staff_client):
    vendor = VendorFactory(payout_account_number="123456-01-987654")

    body = staff_client.get(f"/admin/vendors/vendor/{vendor.pk}/change/").content.decode()

    assert "987654" not in body.replace(vendor.masked_account, "")
    assert vendor.masked_account in body


def test_staff_confirm_and_pay_statements_with_actions(staff_client):
    statement = SettlementFactory()

    staff_client.post(
        "/admin/vendors/settlement/",
        {"action": "confirm_settlements", "_selected_action": [statement.pk]},
    )
    staff_client.post(
        "/admin/vendors/settlement/",
        {"action": "pay_settlements", "_selected_action": [statement.pk]},
    )

    statement.refresh_from_db()
    assert statement.status == "paid"


def test_staff_book_an_adjustment_through_the_ledger(staff_client):
    vendor = VendorFactory()

    response = staff_client.post(
        "/admin/vendors/settlemententry/add/",
        {"vendor": vendor.pk, "amount": "-3000", "description": "택배 분실 보상"},
    )

    assert response.status_code == 302
    entry = SettlementEntry.objects.get()
    assert (entry.kind, entry.amount, entry.vendor) == ("adjustment", Decimal(-3000), vendor)
    assert AuditEvent.objects.filter(event_type="vendors.LedgerEntriesBooked").count() == 1


def test_zero_adjustment_is_a_field_error(staff_client):
    vendor = VendorFactory()

    response = staff_client.post(
        "/admin/vendors/settlemententry/add/",
        {"vendor": vendor.pk, "amount": "0", "description": "x"},
    )

    assert "amount" in response.context["adminform"].form.errors
    assert not SettlementEntry.objects.exists()
