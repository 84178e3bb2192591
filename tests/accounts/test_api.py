"""The account API: /api/v1/me/ and the address book, its error bodies, CSRF, schema, queries."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Address, User
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
ADDRESSES = "/api/v1/me/addresses/"
NEW_ADDRESS = {
    "label": "회사",
    "recipient": "김수령",
    "phone": "010 3333 4444",
    "postcode": "04524",
    "road_address": "서울특별시 중구 세종대로 110",
    "detail_address": "2층",
}


def detail(address: Address) -> str:
    return f"{ADDRESSES}{address.pk}/"


def make_default(address: Address) -> str:
    return f"{ADDRESSES}{address.pk}/default/"


def event_types() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("event_type", flat=True))


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    if fields is not None:
        assert set(body["fields"]) == fields


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", ME), ("patch", ME), ("get", ADDRESSES), ("post", ADDRESSES)],
)
def test_a_visitor_gets_the_error_body_and_no_data(api_client, method, url):
    response = getattr(api_client, method)(url, {}, format="json")

    assert_error(response, 403, "not_authenticated")


def test_a_bearer_token_signs_in_without_csrf(user):
    token = Token.objects.create(user=user)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")

    response = client.post(ADDRESSES, NEW_ADDRESS, format="json")

    assert response.status_code == 201
    assert Address.objects.filter(user=user).count() == 1


def test_a_wrong_bearer_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    assert_error(api_client.get(ME), 403, "authentication_failed")


@pytest.mark.parametrize(
    ("method", "path", "needs_address"),
    [
        ("patch", ME, False),
        ("post", ADDRESSES, False),
        ("patch", "detail", True),
        ("delete", "detail", True),
        ("post", "default", True),
    ],
)
def test_session_writes_without_a_csrf_token_are_refused(user, method, path, needs_address):
    address = AddressFactory(user=user)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)  # a session cookie, as a browser would have
    url = {"detail": detail(address), "default": make_default(address)}.get(path, path)

    response = getattr(client, method)(url, {"name": "x", "recipient": "x"}, format="json")

    assert_error(response, 403, "csrf_failed")
    assert Address.objects.filter(pk=address.pk, recipient="홍길동", is_default=False).exists()
    assert event_types() == []


def test_session_write_with_the_csrf_token_passes(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # the storefront sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.patch(ME, {"name": "새이름"}, format="json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert response.json()["name"] == "새이름"


# --- Profile ------------------------------------------------------------------------------


def test_get_me_returns_the_profile(user_client, user):
    response = user_client.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "phone": "010-1234-5678",
        "marketing_opt_in": False,
        "grade": {
            "grade_code": "",
            "grade_name": "",
            "discount_rate": "0.0000",
            "point_rate": "0.0000",
        },
        "identity_verified": False,
        "is_adult": False,
    }


def test_get_me_shows_the_grade_and_a_verified_adult(user_client, user):
    from tests.accounts.factories import MemberGradeFactory, verify_identity

    MemberGradeFactory(code="silver", name="실버", position=0, discount_rate="0.01")
    verify_identity(user)

    body = user_client.get(ME).json()

    assert body["grade"]["grade_code"] == "silver"
    assert body["grade"]["discount_rate"] == "0.0100"
    assert body["identity_verified"] is True
    assert body["is_adult"] is True


def test_patch_me_changes_name_and_phone_and_records_old_and_new(user_client, user):
    old_name = user.name

    response = user_client.patch(ME, {"name": "새이름", "phone": "0212345678"}, format="json")

    assert response.status_code == 200
    assert response.json()["phone"] == "02-1234-5678"
    user.refresh_from_db()
    assert (user.name, user.phone) == ("새이름", "02-1234-5678")
    event = AuditEvent.objects.get(event_type="accounts.ProfileChanged")
    assert event.payload["changes"]["name"] == [old_name, "새이름"]
    assert (event.actor_kind, event.actor_id) == ("user", user.pk)


def test_patch_me_with_one_field_keeps_the_other(user_client, user):
    response = user_client.patch(ME, {"phone": ""}, format="json")

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.phone == ""
    assert user.name.startswith("사용자")


@pytest.mark.parametrize(
    "field", ["is_staff", "is_superuser", "email", "id", "password", "is_active", "groups"]
)
def test_patch_me_refuses_read_only_and_unknown_fields_by_name(user_client, user, field):
    response = user_client.patch(ME, {"name": "새이름", field: True}, format="json")

    assert_error(response, 400, "unknown_field", {field})
    user.refresh_from_db()
    assert not user.is_staff
    assert user.name != "새이름"
    assert event_types() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ["a list"]}, "name"),
        ({"name": {"an": "object"}}, "name"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"phone": 1234}, "phone"),
        ({"phone": "010-1234-567890"}, "phone"),
        ({"phone": True}, "phone"),
    ],
)
def test_patch_me_with_wrong_types_or_values_names_the_field(user_client, user, payload, field):
    response = user_client.patch(ME, payload, format="json")

    assert_error(response, 400, "invalid", {field})
    user.refresh_from_db()
    assert user.phone == "010-1234-5678"


def test_patch_me_with_malformed_json_is_a_400(user_client):
    response = user_client.generic("PATCH", ME, '{"name": "x",', content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_patch_me_with_a_list_body_is_a_400(user_client):
    response = user_client.patch(ME, ["name"], format="json")

    assert_error(response, 400, "invalid")


def test_patch_me_as_form_data_is_refused(user_client):
    response = user_client.patch(ME, "name=x", content_type="application/x-www-form-urlencoded")

    assert_error(response, 415, "unsupported_media_type")


# --- Address list and create ------------------------------------------------------------


def test_address_list_holds_only_the_members_addresses_in_cursor_pages(
    user_client, user, other_user
):
    mine = [AddressFactory(user=user, is_default=index == 0) for index in range(3)]
    AddressFactory(user=other_user, is_default=True)

    first = user_client.get(ADDRESSES, {"page_size": 2}).json()
    second = user_client.get(first["next"]).json()

    assert set(first) == {"next", "previous", "results"}
    listed = [item["id"] for item in first["results"] + second["results"]]
    assert listed == [address.pk for address in reversed(mine)]
    assert second["next"] is None
    assert first["results"][0]["is_default"] is False
    assert second["results"][0]["is_default"] is True


def test_address_list_runs_one_query_however_long(user_client, user, django_assert_num_queries):
    AddressFactory(user=user, is_default=True)
    with django_assert_num_queries(1):
        short = user_client.get(ADDRESSES)
    AddressFactory.create_batch(30, user=user)
    with django_assert_num_queries(1):
        long = user_client.get(ADDRESSES)

    assert len(short.json()["results"]) == 1
    assert len(long.json()["results"]) == 20


def test_address_list_with_a_session_adds_only_the_user_query(user, django_assert_num_queries):
    client = APIClient()
    client.force_login(user)
    AddressFactory.create_batch(5, user=user)
    client.get(ADDRESSES)  # the session is cached from here on

    with django_assert_num_queries(2):  # the user, the page of addresses
        response = client.get(ADDRESSES)

    assert len(response.json()["results"]) == 5


def test_address_list_with_a_garbage_cursor_is_a_404_body(user_client):
    assert_error(user_client.get(ADDRESSES, {"cursor": "bad"}), 404, "not_found")


def test_post_address_creates_the_first_one_as_default(user_client, user):
    response = user_client.post(ADDRESSES, NEW_ADDRESS, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["is_default"] is True
    assert body["phone"] == "010-3333-4444"
    address = Address.objects.get(user=user)
    assert body["id"] == address.pk
    assert event_types() == ["accounts.AddressAdded"]


def test_post_address_as_default_moves_the_default(user_client, user):
    old = AddressFactory(user=user, is_default=True)

    response = user_client.post(ADDRESSES, {**NEW_ADDRESS, "is_default": True}, format="json")

    assert response.json()["is_default"] is True
    old.refresh_from_db()
    assert not old.is_default


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"postcode": "1234"}, "postcode"),
        ({"postcode": "123456"}, "postcode"),
        ({"postcode": "12 34"}, "postcode"),
        ({"postcode": ["04524"]}, "postcode"),
        ({"phone": "phone"}, "phone"),
        ({"recipient": ""}, "recipient"),
        ({"road_address": None}, "road_address"),
        ({"is_default": "maybe"}, "is_default"),
        ({"label": "x" * 51}, "label"),
    ],
)
def test_post_address_with_bad_input_names_the_field(user_client, user, overrides, field):
    response = user_client.post(ADDRESSES, {**NEW_ADDRESS, **overrides}, format="json")

    assert_error(response, 400, "invalid", {field})
    assert not Address.objects.filter(user=user).exists()


def test_post_address_without_required_fields_names_each(user_client):
    response = user_client.post(ADDRESSES, {}, format="json")

    assert_error(response, 400, "invalid", {"recipient", "phone", "postcode", "road_address"})


@pytest.mark.parametrize("field", ["user", "user_id", "id", "created_at"])
def test_post_address_refuses_fields_it_does_not_take(user_client, user, other_user, field):
    response = user_client.post(ADDRESSES, {**NEW_ADDRESS, field: other_user.pk}, format="json")

    assert_error(response, 400, "unknown_field", {field})
    assert not Address.objects.exists()


def test_post_address_over_the_limit_is_a_400_with_its_code(user_client, user, monkeypatch):
    from accounts import services

    monkeypatch.setattr(services.members, "MAX_ADDRESSES_PER_MEMBER", 1)
    AddressFactory(user=user, is_default=True)

    response = user_client.post(ADDRESSES, NEW_ADDRESS, format="json")

    assert_error(response, 400, "too_many_addresses")


# --- One address ----------------------------------------------------------------------------


def test_get_one_address(user_client, user):
    address = AddressFactory(user=user, is_default=True)

    body = user_client.get(detail(address)).json()

    assert body["id"] == address.pk
    assert body["postcode"] == "06236"


def test_patch_address_changes_only_the_given_fields(user_client, user):
    address = AddressFactory(user=user, is_default=True)

    response = user_client.patch(detail(address), {"postcode": "04524"}, format="json")

    assert response.status_code == 200
    address.refresh_from_db()
    assert (address.postcode, address.recipient) == ("04524", "홍길동")
    event = AuditEvent.objects.get(event_type="accounts.AddressChanged")
    assert event.payload["changes"] == {"postcode": ["06236", "04524"]}


def test_patch_address_cannot_set_the_default(user_client, user):
    address = AddressFactory(user=user)

    response = user_client.patch(detail(address), {"is_default": True}, format="json")

    assert_error(response, 400, "unknown_field", {"is_default"})
    address.refresh_from_db()
    assert not address.is_default


def test_patch_address_with_a_bad_postcode_changes_nothing(user_client, user):
    address = AddressFactory(user=user)

    response = user_client.patch(detail(address), {"postcode": "999"}, format="json")

    assert_error(response, 400, "invalid", {"postcode"})
    address.refresh_from_db()
    assert address.postcode == "06236"


def test_delete_address_promotes_the_newest_remaining(user_client, user):
    older = AddressFactory(user=user)
    newer = AddressFactory(user=user)
    default = AddressFactory(user=user, is_default=True)

    response = user_client.delete(detail(default))

    assert response.status_code == 204
    assert list(Address.objects.filter(user=user, is_default=True)) == [newer]
    assert Address.objects.filter(pk=older.pk, is_default=False).exists()


def test_post_default_makes_exactly_one_default(user_client, user):
    old = AddressFactory(user=user, is_default=True)
    new = AddressFactory(user=user)

    response = user_client.post(make_default(new))

    assert response.status_code == 200
    assert response.json()["is_default"] is True
    assert list(Address.objects.filter(user=user, is_default=True)) == [new]
    old.refresh_from_db()
    assert not old.is_default


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"recipient": "도둑"}),
        ("delete", "", None),
        ("post", "default/", None),
    ],
)
def test_another_members_address_is_a_404_body_and_stays_unchanged(
    user_client, other_user, method, suffix, payload
):
    theirs = AddressFactory(user=other_user)
    their_default = AddressFactory(user=other_user, is_default=True)

    response = getattr(user_client, method)(f"{detail(theirs)}{suffix}", payload, format="json")

    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert (theirs.recipient, theirs.is_default) == ("홍길동", False)
    their_default.refresh_from_db()
    assert their_default.is_default
    assert event_types() == []


@pytest.mark.parametrize("address_id", ["999999", str(2**70)])
def test_missing_address_ids_are_a_404_body(user_client, address_id):
    assert_error(user_client.get(f"{ADDRESSES}{address_id}/"), 404, "not_found")


# --- Schema -----------------------------------------------------------------------------


def test_schema_documents_the_account_endpoints_with_the_error_body(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/v1/me/",
        "/api/v1/me/addresses/",
        "/api/v1/me/addresses/{address_id}/",
        "/api/v1/me/addresses/{address_id}/default/",
    ]:
        assert path in paths, path
    not_found = paths["/api/v1/me/addresses/{address_id}/"]["patch"]["responses"]["404"]
    assert not_found["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    me_patch = paths["/api/v1/me/"]["patch"]["requestBody"]["content"]["application/json"]
    patch_schema = me_patch["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][patch_schema]["properties"]) == {"name", "phone"}


def test_user_fields_the_api_must_never_accept_are_not_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    inputs = [
        component
        for name, component in schema["components"]["schemas"].items()
        if name.endswith("Request")
    ]
    accepted = {field for component in inputs for field in component.get("properties", {})}
    assert not accepted & {"is_staff", "is_superuser", "email", "password", "user"}
    assert User.objects.count() == 0
