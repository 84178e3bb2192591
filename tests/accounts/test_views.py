"""My page: profile and address book pages, their access rules, CSRF and query counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Address
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

ADDRESS_POST = {
    "label": "집",
    "recipient": "김수령",
    "phone": "01033334444",
    "postcode": "04524",
    "road_address": "서울특별시 중구 세종대로 110",
    "detail_address": "2층",
}


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def member_client(client: Client, user) -> Client:
    client.force_login(user)
    return client


def event_types() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))


def edit_url(address: Address) -> str:
    return reverse("accounts:address_edit", args=[address.pk])


def delete_url(address: Address) -> str:
    return reverse("accounts:address_delete", args=[address.pk])


def default_url(address: Address) -> str:
    return reverse("accounts:address_set_default", args=[address.pk])


# --- Access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "args", "method"),
    [
        ("accounts:profile", [], "get"),
        ("accounts:address_list", [], "get"),
        ("accounts:address_add", [], "get"),
        ("accounts:address_edit", [1], "get"),
        ("accounts:address_delete", [1], "post"),
        ("accounts:address_set_default", [1], "post"),
    ],
)
def test_my_pages_send_a_visitor_to_the_login_page(client, url_name, args, method):
    url = reverse(url_name, args=args)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_another_members_address_is_not_found_on_every_page(member_client, other_user):
    theirs = AddressFactory(user=other_user, is_default=True)

    assert member_client.get(edit_url(theirs)).status_code == 404
    assert member_client.post(edit_url(theirs), ADDRESS_POST).status_code == 404
    assert member_client.post(delete_url(theirs)).status_code == 404
    assert member_client.post(default_url(theirs)).status_code == 404

    theirs.refresh_from_db()
    assert theirs.recipient == "홍길동"
    assert event_types() == []


def test_a_missing_address_is_not_found(member_client):
    assert member_client.get(reverse("accounts:address_edit", args=[999999])).status_code == 404
    assert member_client.get(reverse("accounts:address_edit", args=[2**70])).status_code == 404


def test_delete_and_set_default_refuse_get(member_client, user):
    address = AddressFactory(user=user, is_default=True)

    assert member_client.get(delete_url(address)).status_code == 405
    assert member_client.get(default_url(address)).status_code == 405
    assert Address.objects.filter(pk=address.pk).exists()


@pytest.mark.parametrize(
    ("url_name", "needs_address"),
    [
        ("accounts:profile", False),
        ("accounts:address_add", False),
        ("accounts:address_edit", True),
        ("accounts:address_delete", True),
        ("accounts:address_set_default", True),
    ],
)
def test_every_my_page_form_refuses_a_post_without_csrf_token(user, url_name, needs_address):
    address = AddressFactory(user=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    args = [address.pk] if needs_address else []

    response = client.post(reverse(url_name, args=args), ADDRESS_POST)

    assert response.status_code == 403
    assert Address.objects.filter(pk=address.pk, recipient="홍길동").exists()
    assert event_types() == []


# --- Profile ------------------------------------------------------------------------------


def test_profile_page_shows_the_member_inside_the_storefront_layout(member_client, user):
    response = member_client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert user.email in html
    assert f'value="{user.name}"' in html
    assert "csrfmiddlewaretoken" in html


def test_profile_edit_saves_name_and_phone(member_client, user):
    response = member_client.post(
        reverse("accounts:profile"), {"name": "바뀐이름", "phone": "02-555-1234"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone) == ("바뀐이름", "02-555-1234")
    assert event_types() == ["accounts.ProfileChanged"]
    follow = member_client.get(response["Location"])
    assert "Your profile was saved." in follow.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "phone": "010-1111-2222"}, "name"),
        ({"name": "이름", "phone": "1234"}, "phone"),
        ({"name": "x" * 101, "phone": ""}, "name"),
    ],
)
def test_profile_edit_with_bad_input_shows_the_error_and_changes_nothing(
    member_client, user, data, field
):
    response = member_client.post(reverse("accounts:profile"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert user.phone == "010-1234-5678"
    assert event_types() == []


# --- Address book ---------------------------------------------------------------------------


def test_address_list_shows_only_the_members_addresses(member_client, user, other_user):
    AddressFactory(user=user, is_default=True, road_address="내 주소 1")
    AddressFactory(user=other_user, is_default=True, road_address="남의 주소")

    html = member_client.get(reverse("accounts:address_list")).content.decode()

    assert "내 주소 1" in html
    assert "남의 주소" not in html


def test_address_list_page_runs_a_constant_number_of_queries(
    member_client, user, django_assert_num_queries
):
    AddressFactory(user=user, is_default=True)
    member_client.get(reverse("accounts:address_list"))  # session cached after the first hit

    # the session (cached), the user, the addresses
    with django_assert_num_queries(2):
        small = member_client.get(reverse("accounts:address_list"))
    AddressFactory.create_batch(10, user=user)
    with django_assert_num_queries(2):
        large = member_client.get(reverse("accounts:address_list"))

    assert small.content.decode().count('class="address') == 1
    assert large.content.decode().count('class="address') == 11


def test_adding_the_first_address_makes_it_the_default(member_client, user):
    response = member_client.post(reverse("accounts:address_add"), ADDRESS_POST)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:address_list")
    address = Address.objects.get(user=user)
    assert address.is_default
    assert (address.phone, address.postcode) == ("010-3333-4444", "04524")
    assert event_types() == ["accounts.AddressAdded"]


def test_adding_an_address_as_default_moves_the_default(member_client, user):
    old = AddressFactory(user=user, is_default=True)

    member_client.post(reverse("accounts:address_add"), {**ADDRESS_POST, "is_default": "on"})

    new = Address.objects.filter(user=user).exclude(pk=old.pk).get()
    assert new.is_default
    old.refresh_from_db()
    assert not old.is_default


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "1234"),
        ("postcode", "123456"),
        ("postcode", "12a45"),
        ("phone", "010-12"),
        ("recipient", ""),
        ("road_address", ""),
    ],
)
def test_adding_an_address_with_bad_input_shows_the_error(member_client, user, field, value):
    response = member_client.post(reverse("accounts:address_add"), {**ADDRESS_POST, field: value})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Address.objects.filter(user=user).exists()


def test_editing_an_address_saves_it(member_client, user):
    address = AddressFactory(user=user, is_default=True)

    page = member_client.get(edit_url(address))
    response = member_client.post(edit_url(address), ADDRESS_POST)

    assert page.status_code == 200
    assert 'value="06236"' in page.content.decode()
    assert "is_default" not in page.context["form"].fields
    assert response.status_code == 302
    address.refresh_from_db()
    assert (address.recipient, address.postcode, address.is_default) == ("김수령", "04524", True)
    assert event_types() == ["accounts.AddressChanged"]


def test_deleting_the_default_address_promotes_another(member_client, user):
    remaining = AddressFactory(user=user)
    default = AddressFactory(user=user, is_default=True)

    response = member_client.post(delete_url(default))

    assert response.status_code == 302
    assert not Address.objects.filter(pk=default.pk).exists()
    remaining.refresh_from_db()
    assert remaining.is_default


def test_set_default_from_the_list_moves_the_default(member_client, user):
    old = AddressFactory(user=user, is_default=True)
    new = AddressFactory(user=user)

    response = member_client.post(default_url(new))

    assert response.status_code == 302
    assert list(Address.objects.filter(user=user, is_default=True)) == [new]
    old.refresh_from_db()
    assert not old.is_default


# --- Consents and grade on my page ------------------------------------------------------------


def test_my_page_shows_the_grade_and_changes_the_marketing_consent(client, user):
    from accounts.models import MemberGrade
    from shop.models import AuditEvent

    MemberGrade.objects.create(
        code="general", name="일반", position=0, discount_rate="0.015", point_rate="0.01"
    )
    client.force_login(user)

    html = client.get("/my/").content.decode()
    assert "일반" in html
    assert "1.5%" in html

    client.post("/my/consents/marketing/", {"agree_marketing": "on"})
    user.refresh_from_db()
    assert user.marketing_opt_in
    assert user.marketing_consent_at
    client.post("/my/consents/marketing/", {})
    user.refresh_from_db()
    assert not user.marketing_opt_in
    changes = AuditEvent.objects.filter(event_type="accounts.ConsentChanged").order_by("id")
    assert [e.payload["agreed"] for e in changes] == [True, False]


def test_the_marketing_consent_needs_a_signed_in_member(client):
    response = client.post("/my/consents/marketing/", {"agree_marketing": "on"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_page_and_the_identity_page_run_a_bounded_number_of_queries(
    client, user, django_assert_max_num_queries
):
    from tests.accounts.factories import MemberGradeFactory, verify_identity

    MemberGradeFactory(code="general", name="일반", position=0)
    verify_identity(user)
    client.force_login(user)

    with django_assert_max_num_queries(10):
        assert client.get("/my/").status_code == 200
    with django_assert_max_num_queries(6):
        page = client.get("/my/identity/")
    assert "김인증" in page.content.decode()
