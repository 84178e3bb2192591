"""Applying to sell, and staff moving a vendor through its statuses and commission."""

from decimal import Decimal

import pytest

from shop.models import AuditEvent
from tests.vendors.factories import VendorFactory
from vendors import services
from vendors.exceptions import VendorError
from vendors.models import Vendor, VendorMembership

pytestmark = pytest.mark.django_db

APPLICATION = {
    "name": "새싹 공방",
    "business_registration_number": "220-81-62517",
    "representative_name": "홍길동",
    "contact_email": "owner@example.com",
    "contact_phone": "010-1234-5678",
    "mail_order_report_number": "2025-서울마포-0001",
    "address": "서울특별시 마포구 월드컵로 1",
    "payout_bank_name": "신한은행",
    "payout_account_holder": "홍길동",
    "payout_account_number": "110-123-456789",
}


def test_applying_creates_an_applied_vendor_owned_by_the_applicant(user):
    vendor = services.apply_for_vendor(user=user, **APPLICATION)

    assert vendor.status == Vendor.Status.APPLIED
    assert vendor.business_registration_number == "2208162517"
    assert vendor.slug == "새싹-공방"
    membership = VendorMembership.objects.get(vendor=vendor)
    assert (membership.user, membership.role) == (user, VendorMembership.Role.OWNER)
    event = AuditEvent.objects.get(event_type="vendors.VendorApplied")
    assert event.payload == {
        "vendor_id": vendor.pk,
        "vendor_name": "새싹 공방",
        "applicant_id": user.pk,
    }


def test_an_invalid_registration_number_is_refused_naming_the_field(user):
    with pytest.raises(VendorError) as refused:
        services.apply_for_vendor(
            user=user, **{**APPLICATION, "business_registration_number": "220-81-62518"}
        )

    assert "business_registration_number" in refused.value.fields
    assert not Vendor.objects.exists()


def test_two_vendors_with_one_name_get_distinct_slugs(user, other_user):
    first = services.apply_for_vendor(user=user, **APPLICATION)
    second = services.apply_for_vendor(
        user=other_user, **{**APPLICATION, "business_registration_number": "124-81-00998"}
    )

    assert first.slug != second.slug


@pytest.mark.parametrize(
    ("service", "start", "end"),
    [
        (services.approve_vendor, "applied", "approved"),
        (services.suspend_vendor, "approved", "suspended"),
        (services.close_vendor, "applied", "closed"),
        (services.close_vendor, "approved", "closed"),
        (services.close_vendor, "suspended", "closed"),
        (services.reopen_vendor, "suspended", "approved"),
        (services.reopen_vendor, "closed", "applied"),
    ],
)
def test_allowed_transitions_move_the_vendor_and_record_before_and_after(service, start, end):
    vendor = VendorFactory(status=start)

    service(vendor_id=vendor.pk, reason="checked")

    vendor.refresh_from_db()
    assert vendor.status == end
    event = AuditEvent.objects.get(subject_type="vendors.Vendor", subject_id=str(vendor.pk))
    assert (event.payload["before"], event.payload["after"]) == (start, end)
    assert event.payload["reason"] == "checked"


@pytest.mark.parametrize(
    ("service", "start"),
    [
        (services.approve_vendor, "approved"),
        (services.approve_vendor, "suspended"),
        (services.approve_vendor, "closed"),
        (services.suspend_vendor, "applied"),
        (services.suspend_vendor, "suspended"),
        (services.suspend_vendor, "closed"),
        (services.close_vendor, "closed"),
        (services.reopen_vendor, "applied"),
        (services.reopen_vendor, "approved"),
    ],
)
def test_refused_transitions_raise_invalid_transition_and_change_nothing(service, start):
    vendor = VendorFactory(status=start)

    with pytest.raises(VendorError) as refused:
        service(vendor_id=vendor.pk)

    assert refused.value.code == "invalid_transition"
    vendor.refresh_from_db()
    assert vendor.status == start
    assert not AuditEvent.objects.exists()


def test_transition_table_has_an_entry_for_every_status():
    assert set(Vendor.TRANSITIONS) == set(Vendor.Status.values)


def test_commission_change_records_before_and_after():
    vendor = VendorFactory(commission_rate=Decimal("10.00"))

    services.change_commission_rate(vendor_id=vendor.pk, rate="12.5")

    vendor.refresh_from_db()
    assert vendor.commission_rate == Decimal("12.50")
    event = AuditEvent.objects.get(event_type="vendors.CommissionRateChanged")
    assert (event.payload["before"], event.payload["after"]) == ("10.00", "12.50")


@pytest.mark.parametrize("rate", ["-1", "100.01", "abc", "NaN"])
def test_commission_outside_0_to_100_is_refused(rate):
    vendor = VendorFactory(commission_rate=Decimal("10.00"))

    with pytest.raises(VendorError) as refused:
        services.change_commission_rate(vendor_id=vendor.pk, rate=rate)

    assert "commission_rate" in refused.value.fields
    vendor.refresh_from_db()
    assert vendor.commission_rate == Decimal("10.00")


def test_database_refuses_a_commission_over_100():
    from django.db import IntegrityError

    vendor = VendorFactory()
    with pytest.raises(IntegrityError):
        Vendor.objects.filter(pk=vendor.pk).update(commission_rate=Decimal("100.5"))


def test_only_one_vendor_may_be_the_operator():
    from django.db import IntegrityError

    VendorFactory(is_operator=True)
    with pytest.raises(IntegrityError):
        VendorFactory(is_operator=True)


def test_masked_account_shows_only_the_last_four_digits():
    vendor = VendorFactory(payout_account_number="123456-01-987654")

    assert vendor.masked_account.endswith("7654")
    assert "123456" not in vendor.masked_account
    assert set(vendor.masked_account[:-4]) == {"*"}
