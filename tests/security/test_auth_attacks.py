"""Account takeover attempts (security.md 5.6): guessing, stolen cookies, forged redirects.

Each test plays the attacker against the real allauth views, sessions in PostgreSQL and
the rate limiter's cache; the expected outcome is the row's: throttled, signed out, or
sent only to a page on this site.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import int_to_base36

from orders import services as order_services
from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS, guest_cart, place, variant_of

PASSWORD = "correct-horse-battery"  # the factories' password
NEW_PASSWORD = "another-horse-staple-42"
PROFILE = "accounts:profile"


def english_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def login(client: Client, email: str, password: str, **extra: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def form_error_codes(response) -> set[str]:
    if response.status_code != 200:
        return set()
    form = response.context["form"]
    return {error.code for errors in form.errors.as_data().values() for error in errors}


def signed_in(client: Client) -> bool:
    """Whether the client's cookie still opens a member page (not sent to the login)."""
    return client.get(reverse(PROFILE)).status_code == 200


def signed_in_client(user) -> Client:
    client = english_client()
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


# --- AUTH-07: throttling of guesses ---------------------------------------------------------


@pytest.mark.django_db
def test_failed_logins_from_one_address_are_throttled_across_accounts(user):
    for number in range(10):  # SHOP_LOGIN_FAILED_RATE_LIMIT allows 10 a minute per IP
        login(english_client(), f"guess{number}@example.com", "wrong", REMOTE_ADDR="10.9.9.9")

    response = login(english_client(), user.email, PASSWORD, REMOTE_ADDR="10.9.9.9")

    assert form_error_codes(response) == {"too_many_login_attempts"}
    assert login(english_client(), user.email, PASSWORD, REMOTE_ADDR="10.9.9.8").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_burst_of_guesses_gets_no_more_tries_than_the_limit():
    """20 guesses at one account at once, from 20 addresses: the per-account limit holds."""
    victim = UserFactory()
    barrier = threading.Barrier(20)

    def guess(number: int) -> str:
        client = english_client()
        barrier.wait(timeout=10)
        try:
            page = login(client, victim.email, "wrong", REMOTE_ADDR=f"10.8.0.{number}")
        finally:
            connection.close()  # each thread's own connection, or teardown cannot drop the db
        text = page.content.decode()
        if "Too many failed login attempts" in text:
            return "throttled"
        return "checked" if "are not correct" in text else f"{page.status_code}: {text[:200]}"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = sorted(pool.map(guess, range(20)))

    # "5/5m/key": the password was compared five times, no more; nobody got a 500
    assert outcomes == ["checked"] * 5 + ["throttled"] * 15


@pytest.mark.django_db
def test_password_reset_requests_for_one_address_are_throttled(user):
    for _attempt in range(5):  # "5/m/key"
        english_client().post(reverse("account_reset_password"), {"email": user.email})
    sent = len(mail.outbox)

    response = english_client().post(reverse("account_reset_password"), {"email": user.email})

    assert sent == 5
    assert response.status_code == 429
    assert len(mail.outbox) == sent


# --- AUTH-08 / AUTH-02: sessions end when credentials change ---------------------------------


@pytest.mark.django_db
def test_a_session_cookie_planted_before_login_is_not_the_signed_in_session(user):
    client = english_client()
    client.get(reverse("account_login"))
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    login(client, user.email, PASSWORD)

    attacker = english_client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert signed_in(client)
    assert not signed_in(attacker)


@pytest.mark.django_db
def test_a_password_change_signs_out_every_other_session(user):
    stolen = signed_in_client(user)
    owner = signed_in_client(user)

    response = owner.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert signed_in(owner)  # the one who changed it stays in
    assert not signed_in(stolen)


@pytest.mark.django_db
def test_a_password_reset_signs_out_every_session(user):
    stolen = signed_in_client(user)
    owner = english_client()
    owner.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    set_password_url = owner.get(link.group(0).removeprefix(settings.SITE_URL), follow=True)
    form_url = set_password_url.redirect_chain[-1][0]

    owner.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert not signed_in(stolen)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_reset_key_with_another_members_uid_is_refused(user, other_user):
    english_client().post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"/accounts/password/reset/key/(\w+)-(\S+)/", mail.outbox[0].body)
    forged = f"/accounts/password/reset/key/{int_to_base36(other_user.pk)}-{link.group(2)}/"

    page = english_client().get(forged, follow=True)

    assert page.context["token_fail"] is True
    other_user.refresh_from_db()
    assert other_user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_disabled_member_is_signed_out_on_the_next_request(user):
    client = signed_in_client(user)

    user.is_active = False
    user.save(update_fields=["is_active"])

    assert not signed_in(client)


# --- AUTH-14: redirects go only to this site ---------------------------------------------------

OFFSITE_TARGETS = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example/",
]


def lands_on_this_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE_TARGETS)
def test_login_never_redirects_to_a_foreign_or_script_target(user, target):
    response = english_client().post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert lands_on_this_site(response["Location"]), response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFFSITE_TARGETS)
def test_logout_never_redirects_to_a_foreign_or_script_target(user, target):
    client = signed_in_client(user)

    response = client.post(reverse("account_logout"), {"next": target})

    assert response.status_code == 302
    assert lands_on_this_site(response["Location"]), response["Location"]


@pytest.mark.django_db
def test_login_follows_a_next_on_this_site(user):
    response = english_client().post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": "/my/"}
    )

    assert response["Location"] == "/my/"


# --- AUTH-06: e-mail change ---------------------------------------------------------------------


@pytest.mark.django_db
def test_another_members_confirmation_link_verifies_nothing_for_them(user, other_user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    owner = signed_in_client(user)
    reauthenticate(owner, PASSWORD)
    owner.post(reverse("account_email"), {"email": "new-home@example.com", "action_add": ""})
    [confirmation] = [m for m in mail.outbox if m.to == ["new-home@example.com"]]
    path = re.search(r"/accounts/confirm-email/\S+/", confirmation.body).group(0)

    signed_in_client(other_user).post(path)

    assert not EmailAddress.objects.filter(user=other_user, email="new-home@example.com").exists()
    other_user.refresh_from_db()
    assert other_user.email != "new-home@example.com"


# --- AUTH-01 / AUTH-03: reset links and their recipients ------------------------------------


@pytest.mark.django_db
def test_a_forwarded_host_header_never_changes_the_reset_link(user):
    english_client().post(
        reverse("account_reset_password"),
        {"email": user.email},
        HTTP_X_FORWARDED_HOST="attacker.example",
        HTTP_X_FORWARDED_PROTO="http",
    )

    [message] = mail.outbox
    assert "attacker.example" not in message.body
    assert f"{settings.SITE_URL}/accounts/password/reset/key/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("mike@example.com", "m\u0131ke@example.com"),  # a dotless i upper-cases to I
        ("strasse@example.com", "straße@example.com"),  # ß folds to ss
        ("admin@example.com", "\uff41\uff44\uff4d\uff49\uff4e@example.com"),  # full-width
        ("kim@example.com", "kim@example.com\u200b"),  # a zero-width space
    ],
)
def test_a_reset_for_a_lookalike_address_mails_nobody_but_the_typed_one(stored, typed):
    UserFactory(email=stored)

    english_client().post(reverse("account_reset_password"), {"email": typed})

    assert [m for m in mail.outbox if stored in m.to] == []
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)


# --- AUTH-05: a squatter on an unverified address ----------------------------------------------


@pytest.mark.django_db
def test_an_account_squatting_a_guests_address_never_sees_the_guests_order():

    squatter = UserFactory(email=DETAILS["orderer_email"])  # registered first, never verified
    EmailAddress.objects.create(user=squatter, email=squatter.email, primary=True, verified=False)
    cart = guest_cart("victim-session")
    order_services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    order = place(cart).order  # the real owner of the address checks out as a guest
    client = signed_in_client(squatter)

    listed = client.get("/api/v1/orders/")
    detail = client.get(f"/api/v1/orders/{order.number}/")
    page = client.get(f"/my/orders/{order.number}/")

    assert listed.status_code == 200
    assert listed.json()["results"] == []
    assert detail.status_code == 404
    assert page.status_code == 404
    assert order.user_id is None


# --- AUTH-12: password storage and policy ---------------------------------------------------


def test_production_hashes_passwords_with_a_slow_one_way_hasher():
    from shop.settings import base

    hashers = getattr(base, "PASSWORD_HASHERS", None)
    if hashers is None:  # Django's default list, PBKDF2 first
        from django.conf import global_settings

        hashers = global_settings.PASSWORD_HASHERS
    assert hashers[0].rsplit(".", 1)[-1] in {
        "Argon2PasswordHasher",
        "PBKDF2PasswordHasher",
        "ScryptPasswordHasher",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "allowed"),
    [
        ("short1!", False),  # under 8
        ("password123", False),  # on the common list
        ("1234567890123", False),  # digits only
        ("x" * 7 + "Q9", True),
        ("a long passphrase of sixty-four characters is welcome here ok!!", True),
    ],
)
def test_signup_applies_the_password_policy(password, allowed):
    try:
        validate_password(password)
        accepted = True
    except ValidationError:
        accepted = False

    assert accepted is allowed


def reauthenticate(client: Client, password: str):
    return client.post(reverse("account_reauthenticate"), {"password": password})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "email"),
    [
        ("action_add", "third@example.com"),
        ("action_primary", "second@example.com"),
        ("action_remove", "second@example.com"),
    ],
)
def test_changing_the_sign_in_address_asks_for_the_password_again(user, action, email):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    EmailAddress.objects.create(user=user, email="second@example.com", verified=True)
    client = signed_in_client(user)  # a session left open, or a stolen cookie

    response = client.post(reverse("account_email"), {"email": email, action: ""})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    user.refresh_from_db()
    assert set(user.emailaddress_set.values_list("email", "primary")) == {
        (user.email, True),
        ("second@example.com", False),
    }


@pytest.mark.django_db
def test_a_wrong_password_at_reauthentication_adds_no_address(user):
    client = signed_in_client(user)

    reauthenticate(client, "wrong-password")
    response = client.post(
        reverse("account_email"), {"email": "thief@example.com", "action_add": ""}
    )

    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="thief@example.com").exists()
    assert [m for m in mail.outbox if "thief@example.com" in m.to] == []


@pytest.mark.django_db
def test_after_the_password_a_new_address_is_added_unverified_and_confirmed_by_mail(user):
    client = signed_in_client(user)

    assert reauthenticate(client, PASSWORD).status_code == 302
    response = client.post(reverse("account_email"), {"email": "new@example.com", "action_add": ""})

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified is False
    assert [m.to for m in mail.outbox if "/accounts/confirm-email/" in m.body] == [
        ["new@example.com"]
    ]


@pytest.mark.django_db
def test_switching_the_sign_in_address_tells_the_old_address(user):
    old = user.email
    EmailAddress.objects.create(user=user, email=old, primary=True, verified=True)
    EmailAddress.objects.create(user=user, email="second@example.com", verified=True)
    client = signed_in_client(user)
    reauthenticate(client, PASSWORD)
    mail.outbox.clear()

    client.post(reverse("account_email"), {"email": "second@example.com", "action_primary": ""})

    user.refresh_from_db()
    assert user.email == "second@example.com"
    assert [m.to for m in mail.outbox] == [[old]]  # a takeover does not go unseen


# --- AUTH-04: probing which addresses have an account ------------------------------------------


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.mark.django_db
def test_a_wrong_password_and_an_unknown_address_get_the_same_login_answer(user):
    known = login(english_client(), user.email, "wrong-password", REMOTE_ADDR="10.7.0.1")
    unknown = login(
        english_client(), "nobody@example.com", "wrong-password", REMOTE_ADDR="10.7.0.2"
    )

    assert known.status_code == unknown.status_code == 200
    assert form_error_codes(known) == form_error_codes(unknown) == {"email_password_mismatch"}
    unknown_page = unknown.content.decode().replace("nobody@example.com", user.email)
    assert without_tokens(unknown_page) == without_tokens(known.content.decode())


# --- AC-11 / AUTH-07: the login limiter behind the proxy -----------------------------------------

PROXY = "10.0.0.2"  # nginx in front of the app: every request arrives from it


@pytest.mark.django_db
def test_behind_the_proxy_one_guessers_failures_do_not_lock_out_other_shoppers(settings, user):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(12):
        login(
            english_client(),
            f"guess{attempt}@example.com",
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    someone_else = login(
        english_client(),
        user.email,
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    the_guesser = login(
        english_client(),
        user.email,
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert someone_else.status_code == 302  # signed in: the guesser's counter is not theirs
    assert form_error_codes(the_guesser) == {"too_many_login_attempts"}


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_give_a_guesser_fresh_tries(settings, user):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        # The client writes any address it likes; nginx appends the real one last.
        login(
            english_client(),
            f"guess{attempt}@example.com",
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
        )

    response = login(
        english_client(),
        user.email,
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.7",
    )

    assert form_error_codes(response) == {"too_many_login_attempts"}
