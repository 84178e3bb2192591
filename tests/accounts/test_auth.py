"""Signup, login, logout, password change and reset through allauth, and their defences.

Covers: pages render inside the storefront layout, signup stores name and phone and
is an audit event, failed logins per account are limited (a right password does not
get through the block), the session key rotates at login, reset mail reveals nothing
about unknown addresses and links only to the canonical host.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password
NEW_PASSWORD = "another-horse-staple-42"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=f"accounts.{name}").order_by("id"))


def login(client: Client, email: str, password: str, **extra: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def form_error_codes(response) -> set[str]:
    form = response.context["form"]
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def without_csrf_tokens(html: str) -> str:
    """Return ``html`` with the CSRF tokens blanked: they are masked afresh on every page."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def reset_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body)
    assert match, message.body
    return match.group(0)


# --- Pages render inside the storefront layout ------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["account_signup", "account_login", "account_reset_password"],
)
def test_entrance_pages_render_inside_the_storefront_layout(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]
    assert 'id="content"' in response.content.decode()


@pytest.mark.parametrize("url_name", ["account_change_password", "account_logout"])
def test_signed_in_account_pages_render_inside_the_storefront_layout(client, user, url_name):
    client.force_login(user)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]


def test_password_change_page_needs_a_signed_in_member(client):
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Signup -------------------------------------------------------------------------------


def test_signup_page_asks_for_name_and_phone(client):
    html = client.get(reverse("account_signup")).content.decode()

    assert 'name="name"' in html
    assert 'name="phone"' in html
    assert 'type="tel"' in html


def test_signup_creates_the_member_with_name_and_phone_and_records_it(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Member@Example.com",
            "name": "새회원",
            "phone": "010 2222 3333",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agree_terms": "on",
            "agree_privacy": "on",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.com")
    assert (user.name, user.phone) == ("새회원", "010-2222-3333")
    assert user.terms_agreed_at
    assert user.privacy_agreed_at
    assert not user.marketing_opt_in
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_user_id(client) == user.pk
    [event] = events("UserSignedUp")
    assert event.payload == {"user_id": user.pk, "email": "new.member@example.com"}
    assert (event.actor_kind, event.actor_id) == ("user", user.pk)
    assert event.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "+82 10 1234 5678x"),
        ("phone", ""),
        ("name", ""),
        ("agree_terms", ""),
        ("agree_privacy", ""),
    ],
)
def test_signup_refuses_a_bad_name_or_phone_or_missing_consent_and_creates_nobody(
    client, field, value
):
    data = {
        "email": "someone@example.com",
        "name": "새회원",
        "phone": "010-2222-3333",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "agree_terms": "on",
        "agree_privacy": "on",
        field: value,
    }

    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="someone@example.com").exists()
    assert events("UserSignedUp") == []


# --- Login, logout, session -------------------------------------------------------------


def test_login_rotates_the_session_key(client, user):
    session = client.session
    session["seen_banner"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    anonymous_key = session.session_key

    response = login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == user.pk
    assert client.session.session_key != anonymous_key
    assert client.session["seen_banner"] is True  # kept, under the new key


def test_logout_needs_a_post_and_then_forgets_the_session(client, user):
    login(client, user.email, PASSWORD)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.get(reverse("account_logout"))
    assert signed_in_user_id(client) == user.pk  # GET only shows the confirmation page

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    replay = Client(HTTP_ACCEPT_LANGUAGE="en")
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert replay.get(reverse("accounts:profile")).status_code == 302  # to the login page


def test_repeated_failed_logins_block_the_account_even_with_the_right_password(client, user):
    for attempt in range(5):
        response = login(client, user.email, "wrong-password", REMOTE_ADDR=f"10.0.0.{attempt}")
        assert form_error_codes(response) == {"email_password_mismatch"}

    response = login(client, user.email, PASSWORD, REMOTE_ADDR="10.0.0.99")

    assert response.status_code == 200
    assert form_error_codes(response) == {"too_many_login_attempts"}
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_the_login_block_is_per_account(client, user, other_user):
    for _attempt in range(5):
        login(client, user.email, "wrong-password")

    response = login(client, other_user.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == other_user.pk


def test_a_successful_login_does_not_reset_the_failure_count(client, user):
    for _attempt in range(4):
        login(client, user.email, "wrong-password")
    assert login(Client(), user.email, PASSWORD).status_code == 302  # the owner signs in

    login(client, user.email, "wrong-password")
    response = login(client, user.email, PASSWORD)

    assert form_error_codes(response) == {"too_many_login_attempts"}


def test_login_refuses_an_offsite_next_url(client, user):
    response = client.post(
        reverse("account_login") + "?next=//evil.example/",
        {"login": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# --- Password change ----------------------------------------------------------------------


def test_password_change_sets_the_new_password_and_records_no_value(client, user):
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [event] = events("PasswordChanged")
    assert event.payload == {"user_id": user.pk, "method": "change"}
    assert (event.actor_kind, event.actor_id) == ("user", user.pk)
    assert signed_in_user_id(client) == user.pk  # this session stays signed in


def test_password_change_with_a_wrong_current_password_changes_nothing(client, user):
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert events("PasswordChanged") == []


# --- E-mail change -------------------------------------------------------------------------


def test_changing_the_primary_email_is_recorded_as_a_profile_change(client, user):
    old_email = user.email
    EmailAddress.objects.create(user=user, email=old_email, primary=True, verified=False)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # AUTH-06
    client.post(reverse("account_email"), {"email": "moved@example.com", "action_add": ""})

    response = client.post(
        reverse("account_email"), {"email": "moved@example.com", "action_primary": ""}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "moved@example.com"
    [event] = events("ProfileChanged")
    assert event.payload["changes"] == {"email": [old_email, "moved@example.com"]}
    assert (event.actor_kind, event.actor_id) == ("user", user.pk)


# --- Password reset ----------------------------------------------------------------------


def test_password_reset_mails_a_link_on_the_canonical_host_that_sets_a_new_password(client, user):
    response = client.post(
        reverse("account_reset_password"), {"email": user.email}, HTTP_HOST="localhost"
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    link = reset_link(message)
    assert link.startswith(settings.SITE_URL + "/")  # not http://localhost/...
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [event] = events("PasswordChanged")
    assert event.payload == {"user_id": user.pk, "method": "reset"}
    assert (event.actor_kind, event.actor_id) == ("user", user.pk)


def test_password_reset_for_an_unknown_address_answers_exactly_like_a_known_one(client, user):
    known = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    unknown = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True
    )

    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    unknown_page = unknown.content.decode().replace("nobody@example.com", user.email)
    assert without_csrf_tokens(unknown_page) == without_csrf_tokens(known.content.decode())
    to_unknown = [message for message in mail.outbox if message.to == ["nobody@example.com"]]
    assert all("/password/reset/key/" not in message.body for message in to_unknown)


def test_password_reset_with_a_foreign_host_header_is_refused_and_mails_nothing(client, user):
    response = client.post(
        reverse("account_reset_password"), {"email": user.email}, HTTP_HOST="attacker.example"
    )

    assert response.status_code == 400
    assert mail.outbox == []


def test_a_used_reset_link_does_not_work_twice(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    path = reset_link(mail.outbox[0]).removeprefix(settings.SITE_URL)
    set_password_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(path, follow=True)

    assert again.status_code == 200
    assert again.context["token_fail"] is True
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_does_not_leak_to_a_case_colliding_address(client):
    UserFactory(email="victim@example.com")

    client.post(reverse("account_reset_password"), {"email": "VİCTİM@example.com"})

    assert all(message.to != ["victim@example.com"] for message in mail.outbox)


def test_login_page_offers_kakao_and_naver(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "/accounts/kakao/login/" in html
    assert "/accounts/naver/login/" in html
