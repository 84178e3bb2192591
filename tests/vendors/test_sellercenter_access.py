"""Who gets into the seller center, as which vendor, with which rights."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.vendors.factories import MembershipFactory, SettlementFactory, VendorFactory
from vendors.models import Vendor, VendorMembership
from vendors.sellercenter import register_dashboard_count

pytestmark = pytest.mark.django_db

INDEX = "/seller/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def refused(response):
    return response.status_code == 302 and "/seller/login/" in response["Location"]


def test_reverse_names_the_seller_center():
    assert reverse("sellercenter:index") == INDEX


def test_anonymous_visitors_are_sent_to_the_seller_login():
    assert refused(Client().get(INDEX))


def test_a_user_without_membership_is_refused(user):
    assert refused(client_for(user).get(INDEX))


def test_platform_staff_without_membership_are_refused(staff_user):
    assert refused(client_for(staff_user).get(INDEX))


@pytest.mark.parametrize("status", ["applied", "suspended", "closed"])
def test_members_of_a_vendor_that_is_not_approved_are_refused(status):
    membership = MembershipFactory(vendor=VendorFactory(status=status))

    assert refused(client_for(membership.user).get(INDEX))


def test_an_inactive_membership_is_refused():
    membership = MembershipFactory(is_active=False)

    assert refused(client_for(membership.user).get(INDEX))


def test_a_deactivated_user_is_refused_on_the_next_request():
    membership = MembershipFactory()
    client = client_for(membership.user)
    assert client.get(INDEX).status_code == 200

    type(membership.user).objects.filter(pk=membership.user.pk).update(is_active=False)

    assert client.get(INDEX).status_code == 302


def test_suspending_the_vendor_closes_the_seller_center_to_its_members():
    membership = MembershipFactory()
    client = client_for(membership.user)
    assert client.get(INDEX).status_code == 200

    Vendor.objects.filter(pk=membership.vendor_id).update(status=Vendor.Status.SUSPENDED)

    assert refused(client.get(INDEX))


def test_anonymous_visitors_are_sent_to_the_rate_limited_sign_in_page():
    response = Client().get("/seller/login/?next=/seller/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fseller%2F" in response["Location"]


def test_vendor_staff_who_are_not_django_staff_sign_in_and_land_in_the_seller_center():
    membership = MembershipFactory()
    client = Client()

    response = client.post(
        f"{reverse('account_login')}?next=/seller/",
        {"login": membership.user.email, "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/seller/"
    assert client.get(INDEX).status_code == 200


def test_a_signed_in_user_without_an_approved_vendor_is_told_so(user):
    client = Client()
    client.force_login(user)

    response = client.get("/seller/", follow=True)

    assert response.status_code == 403
    assert gettext("This account is not a member of an approved vendor.") in response.text


def test_dashboard_shows_the_vendors_to_do_counts(tenants, seller_client):
    SettlementFactory(vendor=tenants.mine)
    SettlementFactory(vendor=tenants.mine)
    SettlementFactory(vendor=tenants.theirs)

    response = seller_client.get(INDEX)

    counts = {str(item["label"]): item["count"] for item in response.context["dashboard_counts"]}
    assert counts[gettext("Draft settlements")] == 2
    assert counts[gettext("Members")] == 1
    assert tenants.mine.name in response.content.decode()
    assert tenants.theirs.name not in response.content.decode()


def test_later_apps_can_add_dashboard_counts(tenants, seller_client):
    register_dashboard_count("Test: vendor id", lambda vendor: vendor.pk)

    response = seller_client.get(INDEX)

    counts = {str(item["label"]): item["count"] for item in response.context["dashboard_counts"]}
    assert counts["Test: vendor id"] == tenants.mine.pk


def test_a_member_of_two_vendors_switches_between_them():
    first, second = VendorFactory(name="가가게"), VendorFactory(name="나가게")
    user = UserFactory()
    MembershipFactory(vendor=first, user=user)
    MembershipFactory(vendor=second, user=user, role=VendorMembership.Role.STAFF)
    client = client_for(user)
    assert client.get(INDEX).context["seller_membership"].vendor == first

    client.post(reverse("sellercenter:switch_vendor"), {"vendor": second.pk})

    response = client.get("/seller/vendors/vendor/")
    assert [vendor.pk for vendor in response.context["cl"].result_list] == [second.pk]


def test_switching_to_a_vendor_one_is_not_a_member_of_is_ignored(tenants, seller_client):
    seller_client.post(reverse("sellercenter:switch_vendor"), {"vendor": tenants.theirs.pk})

    response = seller_client.get("/seller/vendors/vendor/")

    assert [vendor.pk for vendor in response.context["cl"].result_list] == [tenants.mine.pk]


def test_staff_role_may_view_and_change_but_not_add_or_delete(tenants):
    staff = MembershipFactory(vendor=tenants.mine, role=VendorMembership.Role.STAFF)
    settlement = SettlementFactory(vendor=tenants.mine)
    client = client_for(staff.user)

    assert client.get("/seller/vendors/vendormembership/").status_code == 200
    assert client.get("/seller/vendors/vendormembership/add/").status_code == 403
    member_page = f"/seller/vendors/vendormembership/{tenants.owner.pk}/delete/"
    assert client.get(member_page).status_code == 403
    assert client.get(f"/seller/vendors/settlement/{settlement.pk}/change/").status_code == 200
    assert client.post(f"/seller/vendors/settlement/{settlement.pk}/delete/").status_code == 403


def test_only_owners_manage_members(tenants):
    manager = MembershipFactory(vendor=tenants.mine, role=VendorMembership.Role.MANAGER)
    newcomer = UserFactory()
    client = client_for(manager.user)

    response = client.post(
        "/seller/vendors/vendormembership/add/",
        {"email": newcomer.email, "role": "staff", "is_active": "on"},
    )

    assert response.status_code == 403
    assert not VendorMembership.objects.filter(user=newcomer).exists()


def test_owner_adds_a_member_by_email_and_it_is_audited_as_the_vendor(tenants, seller_client):
    newcomer = UserFactory()

    response = seller_client.post(
        "/seller/vendors/vendormembership/add/",
        {"email": newcomer.email.upper(), "role": "manager", "is_active": "on"},
    )

    assert response.status_code == 302
    membership = VendorMembership.objects.get(user=newcomer)
    assert (membership.vendor, membership.role) == (tenants.mine, "manager")
    event = AuditEvent.objects.get(event_type="shop.AdminObjectAdded")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", tenants.mine.pk)


def test_adding_an_unknown_email_is_a_field_error(seller_client):
    response = seller_client.post(
        "/seller/vendors/vendormembership/add/",
        {"email": "nobody@example.com", "role": "staff", "is_active": "on"},
    )

    assert "email" in response.context["adminform"].form.errors


def test_the_last_owner_cannot_demote_or_delete_themselves(tenants, seller_client):
    url = f"/seller/vendors/vendormembership/{tenants.owner.pk}/change/"

    response = seller_client.post(url, {"role": "staff", "is_active": "on"})
    deleting = seller_client.get(f"/seller/vendors/vendormembership/{tenants.owner.pk}/delete/")

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    tenants.owner.refresh_from_db()
    assert tenants.owner.role == "owner"
    assert deleting.status_code == 403


def test_profile_shows_the_account_masked_and_never_the_number(tenants, seller_client):
    response = seller_client.get(f"/seller/vendors/vendor/{tenants.mine.pk}/change/")

    body = response.content.decode()
    assert tenants.mine.payout_account_number not in body
    assert "987654" not in body
    assert tenants.mine.masked_account in body


def test_profile_edit_keeps_status_and_commission_and_redacts_the_account(tenants, seller_client):
    url = f"/seller/vendors/vendor/{tenants.mine.pk}/change/"
    data = {
        "representative_name": "새대표",
        "contact_email": "new@example.com",
        "contact_phone": "02-555-1234",
        "mail_order_report_number": "2025-서울-1",
        "address": "부산광역시",
        "payout_bank_name": "우리은행",
        "payout_account_holder": "새대표",
        "payout_account_number": "1002-333-444555",
        "status": "approved",
        "commission_rate": "0",
        "business_registration_number": "2208162517",
    }

    response = seller_client.post(url, data)

    assert response.status_code == 302
    vendor = Vendor.objects.get(pk=tenants.mine.pk)
    assert vendor.representative_name == "새대표"
    assert vendor.payout_account_number == "1002-333-444555"
    assert vendor.commission_rate == tenants.mine.commission_rate
    assert vendor.business_registration_number == tenants.mine.business_registration_number
    event = AuditEvent.objects.get(event_type="shop.AdminObjectChanged")
    assert event.payload["changes"]["payout_account_number"] == ["[redacted]", "[redacted]"]
    assert "1002-333-444555" not in str(event.payload)
    assert event.actor_kind == "vendor"


def test_leaving_the_account_number_empty_keeps_it(tenants, seller_client):
    url = f"/seller/vendors/vendor/{tenants.mine.pk}/change/"
    data = {
        "representative_name": "김대표",
        "contact_email": tenants.mine.contact_email,
        "contact_phone": tenants.mine.contact_phone,
        "address": tenants.mine.address,
        "payout_bank_name": "국민은행",
        "payout_account_holder": "김대표",
        "payout_account_number": "",
    }

    seller_client.post(url, data)

    tenants.mine.refresh_from_db()
    assert tenants.mine.payout_account_number == "123456-01-987654"


def test_history_page_shows_own_object_history_without_staff_names(
    tenants, seller_client, staff_user
):
    from shop.audit import Actor, acting_as
    from vendors import services

    with acting_as(Actor.for_user(staff_user)):
        services.change_commission_rate(vendor_id=tenants.mine.pk, rate="11")

    response = seller_client.get(f"/seller/vendors/vendor/{tenants.mine.pk}/history/")

    body = response.content.decode()
    assert "vendors.CommissionRateChanged" in body
    assert staff_user.email not in body
