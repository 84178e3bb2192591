"""Kakao and Naver login over real HTTP against the emulators (allauth.socialaccount)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = "/accounts/3rdparty/signup/"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def finish_signup(browser, **overrides: str):
    page = browser.get(SIGNUP)
    assert page.status_code == 200, page.text
    data = {"name": "카카오친구", "agree_terms": "on", "agree_privacy": "on", **overrides}
    return browser.post(SIGNUP, data)


def test_a_new_member_signs_up_with_kakao_agreeing_to_the_terms(browser):
    consent = browser.start_login("kakao")
    assert "/sandbox/kakao/kauth/oauth/authorize?" in consent
    query = dict(parse_qsl(urlsplit(consent).query))
    assert query["client_id"] == "sandbox-kakao-rest-key"
    assert query["state"]

    callback = browser.consent(consent, email="newbie@example.com", nickname="새친구")
    assert browser.get(path_of(callback)).headers["Location"].startswith(SIGNUP)
    refused = finish_signup(browser, email="newbie@example.com", agree_terms="")
    assert refused.status_code == 200
    assert not browser.signed_in()
    done = finish_signup(browser, email="newbie@example.com", agree_marketing="on")

    assert done.status_code == 302, done.text
    assert browser.signed_in()
    user = User.objects.get(email="newbie@example.com")
    assert user.terms_agreed_at
    assert user.privacy_agreed_at
    assert user.marketing_opt_in
    assert SocialAccount.objects.get(user=user).provider == "kakao"
    linked = AuditEvent.objects.get(event_type="accounts.SocialAccountConnected")
    assert linked.payload["how"] == "signup"
    assert AuditEvent.objects.filter(event_type="accounts.ConsentChanged").count() == 3


def test_kakao_with_a_verified_email_of_an_existing_member_signs_in_and_links(browser):
    member = UserFactory(email="member@example.com")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    callback = browser.consent(browser.start_login("kakao"), email="member@example.com")
    answer = browser.get(path_of(callback))

    assert answer.status_code == 302
    assert not answer.headers["Location"].startswith(SIGNUP)
    assert browser.signed_in()
    assert SocialAccount.objects.get(provider="kakao").user == member
    member.refresh_from_db()
    assert member.has_usable_password()  # the member's own address was verified
    linked = AuditEvent.objects.get(event_type="accounts.SocialAccountConnected")
    assert linked.payload["how"] == "email"


def test_an_unverified_kakao_email_never_signs_in_to_the_account_that_has_it(browser):
    member = UserFactory(email="victim@example.com")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    callback = browser.consent(
        browser.start_login("kakao"), email="victim@example.com", email_verified=""
    )
    answer = browser.get(path_of(callback))

    assert answer.headers["Location"].startswith(SIGNUP)
    assert not browser.signed_in()
    assert not SocialAccount.objects.exists()


def test_a_member_links_kakao_from_my_page(browser):
    member = UserFactory(email="linker@example.com")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    login = browser.post(
        "/accounts/login/", {"login": "linker@example.com", "password": "correct-horse-battery"}
    )
    assert login.status_code == 302

    callback = browser.consent(
        browser.start_login("kakao", process="connect"), email="other-kakao@example.com"
    )
    browser.get(path_of(callback))

    assert SocialAccount.objects.get(provider="kakao").user == member
    assert AuditEvent.objects.get(event_type="accounts.SocialAccountConnected").payload["how"] == (
        "connect"
    )


def test_a_new_member_signs_up_with_naver(browser):
    consent = browser.start_login("naver")
    assert "/sandbox/naver/nid/oauth2.0/authorize?" in consent

    callback = browser.consent(consent, email="naver-new@example.com", name="네이버회원")
    assert browser.get(path_of(callback)).headers["Location"].startswith(SIGNUP)
    done = finish_signup(browser, email="naver-new@example.com", name="네이버회원")

    assert done.status_code == 302, done.text
    user = User.objects.get(email="naver-new@example.com")
    assert user.name == "네이버회원"
    assert SocialAccount.objects.get(user=user).provider == "naver"
    assert browser.signed_in()


def test_naver_never_links_by_email_alone(browser):
    member = UserFactory(email="naver-victim@example.com")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)

    callback = browser.consent(browser.start_login("naver"), email="naver-victim@example.com")

    assert browser.get(path_of(callback)).headers["Location"].startswith(SIGNUP)
    assert not browser.signed_in()


@pytest.mark.parametrize("forged", ["forged-state", None])
def test_a_forged_or_missing_state_is_refused_and_nobody_signs_in(browser, forged):
    callback = browser.consent(browser.start_login("kakao"), email="state@example.com")
    query = dict(parse_qsl(urlsplit(callback).query))
    if forged is None:
        del query["state"]
    else:
        query["state"] = forged

    answer = browser.get(f"/accounts/kakao/login/callback/?{urlencode(query)}")

    assert answer.status_code == 401
    assert 'data-testid="social-login-error"' in answer.text
    assert not browser.signed_in()
    assert not User.objects.filter(email="state@example.com").exists()


def test_denied_consent_signs_nobody_in(browser):
    callback = browser.consent(browser.start_login("kakao"), action="deny")
    assert "error=access_denied" in callback

    answer = browser.get(path_of(callback))

    assert answer.status_code in (200, 302)
    assert not browser.signed_in()
    assert not SocialAccount.objects.exists()


def test_the_emulator_refuses_a_code_twice_with_kakao_s_error_body(browser, settings):
    import httpx

    callback = browser.consent(browser.start_login("kakao"), email="twice@example.com")
    code = dict(parse_qsl(urlsplit(callback).query))["code"]
    data = {
        "grant_type": "authorization_code",
        "client_id": settings.SOCIAL_KAKAO_CLIENT_ID,
        "client_secret": settings.SOCIAL_KAKAO_CLIENT_SECRET,
        "code": code,
    }
    url = f"{settings.SITE_URL}/sandbox/kakao/kauth/oauth/token"

    first, second = httpx.post(url, data=data), httpx.post(url, data=data)

    assert first.status_code == 200
    assert first.json()["token_type"] == "bearer"
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert second.json()["error_code"] == "KOE320"
    me = httpx.get(
        f"{settings.SITE_URL}/sandbox/kakao/kapi/v2/user/me",
        headers={"Authorization": f"Bearer {first.json()['access_token']}"},
    )
    assert me.json()["kakao_account"]["email"] == "twice@example.com"
    assert isinstance(me.json()["id"], int)


def test_the_emulator_sends_codes_only_to_this_shop(browser, settings):
    import httpx

    query = urlencode(
        {
            "client_id": settings.SOCIAL_KAKAO_CLIENT_ID,
            "redirect_uri": "https://evil.example/callback",
            "response_type": "code",
            "state": "x",
        }
    )
    url = f"{settings.SITE_URL}/sandbox/kakao/kauth/oauth/authorize?{query}"

    assert httpx.get(url).status_code == 400
    answer = httpx.post(url, data={"action": "approve", "email": "a@example.com"})
    assert answer.status_code == 400
    assert "evil.example" not in answer.headers.get("Location", "")
