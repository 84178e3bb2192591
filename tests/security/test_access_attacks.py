"""Privilege escalation through the staff admin (AC-07) and mass assignment by vendors (AC-06).

A staff member who may manage users must not hand out more than they hold: no
superuser flag, no permission or group beyond their own, no hold over a superuser.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.vendors.factories import MembershipFactory, VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

USER_MANAGER_RIGHTS = ["view_user", "change_user", "view_group", "change_group"]


def perm(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


@pytest.fixture
def manager() -> User:
    """Staff who may manage users and groups, and nothing else."""
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set([perm(codename) for codename in USER_MANAGER_RIGHTS])
    return staff


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    return client


def user_change_data(user: User, **overrides: object) -> dict[str, object]:
    """Return the admin change form's POST data for ``user`` with no inline rows."""
    data = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "addresses-TOTAL_FORMS": "0",
        "addresses-INITIAL_FORMS": "0",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "1000",
    }
    data.update({key: value for key, value in overrides.items() if value != ""})
    for key in [key for key, value in overrides.items() if value == ""]:
        data.pop(key, None)  # an unticked checkbox is simply not posted
    return data


def change_user(client: Client, target: User, **overrides: object):
    return client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        user_change_data(target, **overrides),
    )


def form_errors(response) -> str:
    assert response.status_code == 200, response.status_code  # the form again, not a save
    return " ".join(response.context["adminform"].form.non_field_errors())


def test_a_user_manager_cannot_make_themselves_a_superuser(manager, manager_client):
    with translation.override("en"):
        response = change_user(manager_client, manager, is_staff="on", is_superuser="on")

    assert "Only a superuser" in form_errors(response)
    manager.refresh_from_db()
    assert not manager.is_superuser


def test_a_user_manager_cannot_grant_a_permission_they_lack(manager, manager_client, user):
    stronger = perm("delete_user")

    with translation.override("en"):
        response = change_user(manager_client, user, user_permissions=[stronger.pk])

    assert "accounts.delete_user" in form_errors(response)
    assert not user.user_permissions.exists()


def test_a_user_manager_grants_a_permission_they_hold(manager, manager_client, user):
    response = change_user(manager_client, user, user_permissions=[perm("view_user").pk])

    assert response.status_code == 302
    assert list(user.user_permissions.values_list("codename", flat=True)) == ["view_user"]


def test_a_user_manager_cannot_join_a_stronger_group(manager, manager_client):
    admins = Group.objects.create(name="order admins")
    admins.permissions.set([perm("delete_user")])

    with translation.override("en"):
        response = change_user(manager_client, manager, is_staff="on", groups=[admins.pk])

    assert "order admins" in form_errors(response)
    assert not manager.groups.exists()


def test_a_user_manager_cannot_give_a_group_more_than_they_hold(manager, manager_client):
    group = Group.objects.create(name="helpers")

    response = manager_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "helpers", "permissions": [perm("delete_user").pk]},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not group.permissions.exists()


def test_a_user_manager_cannot_edit_disable_or_reset_a_superuser(manager_client, staff_user):
    edit = change_user(manager_client, staff_user, is_active="")
    password = manager_client.post(
        reverse("admin:auth_user_password_change", args=[staff_user.pk]),
        {"password1": "taken-over-42-x", "password2": "taken-over-42-x"},
    )
    delete = manager_client.post(
        reverse("admin:accounts_user_delete", args=[staff_user.pk]), {"post": "yes"}
    )

    assert (edit.status_code, password.status_code, delete.status_code) == (403, 403, 403)
    staff_user.refresh_from_db()
    assert staff_user.is_active
    assert staff_user.check_password("correct-horse-battery")


# --- AC-06: mass assignment by a vendor -------------------------------------------------------


def test_a_vendor_owner_cannot_set_their_own_status_commission_or_name():
    vendor = VendorFactory(status=Vendor.Status.APPROVED, commission_rate=Decimal("10.00"))
    owner = MembershipFactory(vendor=vendor).user
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner)
    forged = {
        "representative_name": "새대표",
        "mail_order_report_number": vendor.mail_order_report_number,
        "address": vendor.address,
        "contact_email": vendor.contact_email,
        "contact_phone": vendor.contact_phone,
        "payout_bank_name": vendor.payout_bank_name,
        "payout_account_holder": vendor.payout_account_holder,
        "payout_account_number": "",
        # Fields the form does not offer, sent anyway:
        "status": "suspended",
        "commission_rate": "0",
        "name": "renamed",
        "slug": "renamed",
        "business_registration_number": "1234567890",
    }

    response = client.post(f"/seller/vendors/vendor/{vendor.pk}/change/", forged)

    assert response.status_code == 302  # saved: the offered field changed, the rest did not
    vendor.refresh_from_db()
    assert vendor.representative_name == "새대표"
    assert (vendor.status, vendor.commission_rate) == (Vendor.Status.APPROVED, Decimal("10.00"))
    assert vendor.name != "renamed"
    assert vendor.slug != "renamed"


@pytest.mark.parametrize(
    "field", ["vendor", "vendor_id", "deleted_at", "created_at", "sold_out_automatically", "id"]
)
def test_the_seller_api_refuses_fields_that_move_or_forge_a_product(field):
    membership = MembershipFactory()
    product = ProductFactory(vendor=membership.vendor)
    other = VendorFactory()
    client = APIClient()
    client.force_authenticate(membership.user)

    response = client.patch(
        f"/api/v1/seller/products/{product.pk}/", {"name": "ok", field: other.pk}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["fields"]
    product.refresh_from_db()
    assert product.vendor_id == membership.vendor_id
    assert product.name != "ok"  # the whole request was refused, not half applied
