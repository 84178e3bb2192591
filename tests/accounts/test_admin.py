"""Members and addresses in the admin: e-mail based, searchable, audited, no password in the log."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Address, User
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "staff-chosen-pass-987"


@pytest.fixture
def admin_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff_user)
    return client


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("payload", "subject_label")))


def user_form_data(user: User, **overrides: object) -> dict[str, object]:
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
    data.update(overrides)
    return data


@pytest.mark.parametrize("term", ["findme@example.com", "찾을이름", "010-7777-8888"])
def test_user_changelist_searches_email_name_and_phone(admin_client, term):
    UserFactory(email="findme@example.com", name="찾을이름", phone="010-7777-8888")
    UserFactory(email="other@example.com", name="다른이름", phone="010-1111-2222")

    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": term})

    assert response.status_code == 200
    emails = [user.email for user in response.context["cl"].result_list]
    assert emails == ["findme@example.com"]


def test_user_change_page_has_no_username_and_shows_addresses(admin_client, user):
    AddressFactory(user=user, is_default=True)

    response = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "username" not in form.fields
    assert {"email", "name", "phone", "password"} <= set(form.fields)
    assert "06236" in response.content.decode()


def test_adding_a_user_in_the_admin_is_audited_without_the_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New@Example.com",
            "name": "새직원",
            "phone": "010-5555-6666",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(event_type="shop.AdminObjectAdded")
    assert event.payload["changes"]["name"] == [None, "새직원"]
    assert event.payload["changes"]["password1"] == ["[redacted]", "[redacted]"]
    assert event.actor_kind == "staff"
    assert NEW_PASSWORD not in audit_text()
    assert user.password not in audit_text()


def test_adding_a_user_with_an_email_taken_in_another_case_is_refused(admin_client, user):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": user.email.upper(),
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_changing_a_user_in_the_admin_records_old_and_new_values(admin_client, user):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    old_name = user.name

    response = admin_client.post(url, user_form_data(user, name="고친이름"))

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.name == "고친이름"
    event = AuditEvent.objects.get(event_type="shop.AdminObjectChanged")
    assert event.payload["changes"]["name"] == [old_name, "고친이름"]
    assert "password" not in event.payload["changes"]
    assert user.password not in audit_text()


def test_admin_password_change_sets_it_and_records_no_value(admin_client, user, staff_user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    response = admin_client.post(
        url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(event_type="accounts.PasswordChanged")
    assert event.payload == {"user_id": user.pk, "method": "admin"}
    assert (event.actor_kind, event.actor_id) == ("staff", staff_user.pk)
    assert NEW_PASSWORD not in audit_text()
    assert user.password not in audit_text()


def test_admin_password_change_page_renders(admin_client, user):
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    assert admin_client.get(url).status_code == 200


def test_adding_an_address_inline_is_audited(admin_client, user):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = user_form_data(
        user,
        **{
            "addresses-TOTAL_FORMS": "1",
            "addresses-0-recipient": "인라인",
            "addresses-0-phone": "010-1212-3434",
            "addresses-0-postcode": "04524",
            "addresses-0-road_address": "서울특별시 중구 세종대로 110",
            "addresses-0-is_default": "on",
        },
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    address = Address.objects.get(user=user)
    assert address.is_default
    event = AuditEvent.objects.get(
        event_type="shop.AdminObjectAdded", subject_type="accounts.Address"
    )
    assert event.payload["changes"]["recipient"] == [None, "인라인"]


def test_admin_address_with_a_bad_postcode_is_refused(admin_client, user):
    address = AddressFactory(user=user, is_default=True)
    url = reverse("admin:accounts_address_change", args=[address.pk])

    response = admin_client.post(
        url,
        {
            "user": user.pk,
            "recipient": "홍길동",
            "phone": "010-9876-5432",
            "postcode": "1234",
            "road_address": "서울특별시 강남구 테헤란로 152",
            "is_default": "on",
        },
    )

    assert response.status_code == 200
    assert "postcode" in response.context["adminform"].form.errors
    address.refresh_from_db()
    assert address.postcode == "06236"


def test_admin_refuses_a_second_default_address_instead_of_failing(admin_client, user):
    AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)
    url = reverse("admin:accounts_address_change", args=[second.pk])

    response = admin_client.post(
        url,
        {
            "user": user.pk,
            "recipient": "홍길동",
            "phone": "010-9876-5432",
            "postcode": "06236",
            "road_address": "서울특별시 강남구 테헤란로 152",
            "is_default": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Address.objects.filter(user=user, is_default=True).count() == 1


def test_deleting_an_address_in_the_admin_is_audited(admin_client, user):
    address = AddressFactory(user=user, is_default=True)
    url = reverse("admin:accounts_address_delete", args=[address.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Address.objects.filter(pk=address.pk).exists()
    assert AuditEvent.objects.filter(
        event_type="shop.AdminObjectDeleted", subject_id=str(address.pk)
    ).exists()


def test_address_changelist_runs_a_constant_number_of_queries(
    admin_client, django_assert_num_queries
):
    url = reverse("admin:accounts_address_changelist")
    AddressFactory(is_default=True)
    admin_client.get(url)  # the session is cached from here on

    # the staff user, the filtered count, the total count, the page with its users, and
    # the one personal-data access record (PRIV-02)
    with django_assert_num_queries(5):
        admin_client.get(url)
    AddressFactory.create_batch(10)
    with django_assert_num_queries(5):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == 11


def test_staff_see_member_grades_and_identity_verifications_read_only(client):
    from tests.accounts.factories import MemberGradeFactory, verify_identity

    staff = UserFactory(is_staff=True, is_superuser=True)
    verify_identity(staff)
    MemberGradeFactory(code="vip", name="VIP")
    client.force_login(staff)

    assert "VIP" in client.get("/admin/accounts/membergrade/").content.decode()
    identities = client.get("/admin/accounts/identityverification/")
    assert identities.status_code == 200
    assert "김인증" in identities.content.decode()
    assert client.get("/admin/accounts/identityverification/add/").status_code == 403
