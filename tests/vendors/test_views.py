"""The storefront's vendor application page (/vendors/apply/)."""

import pytest
from django.test import Client

from shop.models import AuditEvent
from vendors.models import Vendor, VendorMembership

pytestmark = pytest.mark.django_db

FORM = {
    "name": "제주 감귤밭",
    "business_registration_number": "220-81-62517",
    "representative_name": "고길동",
    "contact_email": "farm@example.com",
    "contact_phone": "064-123-4567",
    "mail_order_report_number": "",
    "address": "제주특별자치도 서귀포시",
    "payout_bank_name": "농협",
    "payout_account_holder": "고길동",
    "payout_account_number": "301-1234-5678-91",
}


@pytest.fixture
def member_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_apply_page_needs_a_login():
    response = Client().get("/vendors/apply/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_applying_creates_an_applied_vendor_the_user_owns(member_client, user):
    response = member_client.post("/vendors/apply/", FORM)

    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert (vendor.status, vendor.business_registration_number) == ("applied", "2208162517")
    assert VendorMembership.objects.get(vendor=vendor).user == user
    assert AuditEvent.objects.filter(event_type="vendors.VendorApplied").count() == 1
    assert member_client.get(response["Location"]).status_code == 200


def test_wrong_check_digit_is_an_error_on_its_field(member_client):
    response = member_client.post(
        "/vendors/apply/", {**FORM, "business_registration_number": "220-81-62518"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["business_registration_number"]
    assert not Vendor.objects.exists()


def test_an_already_registered_business_number_is_an_error_on_its_field(member_client):
    member_client.post("/vendors/apply/", FORM)

    response = member_client.post("/vendors/apply/", {**FORM, "name": "다른 이름"})

    assert "business_registration_number" in response.context["form"].errors
    assert Vendor.objects.count() == 1


def test_status_and_commission_cannot_be_set_by_the_applicant(member_client):
    member_client.post(
        "/vendors/apply/",
        {**FORM, "status": "approved", "commission_rate": "0", "is_operator": "on"},
    )

    vendor = Vendor.objects.get()
    assert vendor.status == "applied"
    assert vendor.commission_rate == 10
    assert not vendor.is_operator


def test_the_form_does_not_echo_the_account_number(member_client):
    response = member_client.post(
        "/vendors/apply/", {**FORM, "business_registration_number": "bad"}
    )

    assert "301-1234-5678-91" not in response.content.decode()


def test_posting_without_a_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/vendors/apply/", FORM)

    assert response.status_code == 403
    assert not Vendor.objects.exists()
