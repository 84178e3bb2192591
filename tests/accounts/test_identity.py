"""Identity verification (본인인증) over HTTP against the PortOne emulator, and the 19+ rule."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts import identity, selectors
from accounts.identity import VerificationStatus
from accounts.models import IdentityVerification
from accounts.selectors import is_adult_birth_date
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.identity_fixtures import verify_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member_client():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return user, client


def adult_birth() -> str:
    return f"{timezone.localdate().year - 30}-05-17"


def test_a_member_verifies_and_only_hashes_of_ci_and_di_are_kept(portone, member_client):
    user, client = member_client

    done = verify_member(
        client, portone, name="김성인", birth_date=adult_birth(), phone="01012345678"
    )

    assert done.status_code == 302
    assert done["Location"] == "/my/"
    record = IdentityVerification.objects.get(user=user)
    assert (record.name, record.phone, record.provider) == ("김성인", "010-1234-5678", "portone")
    assert len(record.ci_hash) == 64
    assert len(record.di_hash) == 64
    # The emulator's CI is base64 of 64 bytes; what we keep is an HMAC of it, not it.
    from accounts.emulators.portone import person_ci

    ci, di = person_ci("김성인", adult_birth(), "01012345678")
    assert record.ci_hash not in (ci, di)
    assert ci not in str(record.__dict__)
    assert selectors.is_adult(user)
    assert selectors.identity_of(user).name == "김성인"
    [event] = AuditEvent.objects.filter(event_type="accounts.IdentityVerified")
    assert "김성인" not in str(event.payload)
    assert event.payload["provider"] == "portone"


def test_a_member_under_19_is_verified_but_not_adult(portone, member_client):
    user, client = member_client
    birth = f"{timezone.localdate().year - 18}-01-01"

    verify_member(client, portone, name="김청소", birth_date=birth, phone="01022223333")

    assert selectors.identity_of(user) is not None
    assert not selectors.is_adult(user)


def test_adulthood_counts_by_year_as_the_juvenile_protection_act_says():
    today = date(2026, 1, 1)
    assert is_adult_birth_date(date(2007, 12, 31), today)  # turns 19 this year
    assert not is_adult_birth_date(date(2008, 1, 1), today)
    assert not selectors.is_adult(None)


def test_five_wrong_codes_fail_the_verification_and_nothing_is_stored(portone, member_client):
    user, client = member_client
    start = client.post("/my/identity/")
    window = start["Location"]
    portone.send(window, name="김성인", birth_date=adult_birth(), phone="01012345678")

    for _attempt in range(4):
        assert portone.confirm(window, "000000x").status_code == 200
    last = portone.confirm(window, "000000x")

    assert last.status_code == 302
    back = urlsplit(last.headers["Location"])
    assert "TOO_MANY_ATTEMPTS" in back.query
    response = client.get(f"{back.path}?{back.query}", follow=True)
    assert (
        "본인인증에 실패했습니다" in response.content.decode()
        or "failed" in response.content.decode()
    )
    assert not IdentityVerification.objects.filter(user=user).exists()


def test_the_fail_button_stores_nothing(portone, member_client):
    user, client = member_client
    start = client.post("/my/identity/")

    back = urlsplit(portone.fail(start["Location"]))
    client.get(f"{back.path}?{back.query}")

    assert not IdentityVerification.objects.filter(user=user).exists()


def test_a_verification_id_this_session_did_not_start_is_refused(portone, member_client):
    victim = UserFactory()
    victim_client = Client()
    victim_client.force_login(victim)
    start = victim_client.post("/my/identity/")
    back = portone.verify(
        start["Location"], name="남의이름", birth_date=adult_birth(), phone="01099998888"
    )
    attacker, client = member_client

    client.get(back)  # the attacker replays the victim's return URL

    assert not IdentityVerification.objects.filter(user=attacker).exists()


def test_an_account_verified_as_one_person_cannot_become_another(portone, member_client):
    user, client = member_client
    verify_member(client, portone, name="김성인", birth_date=adult_birth(), phone="01012345678")

    response = verify_member(
        client, portone, name="박다른", birth_date=adult_birth(), phone="01055556666"
    )

    assert response.status_code == 302
    assert IdentityVerification.objects.get(user=user).name == "김성인"


def test_the_provider_is_asked_server_to_server_and_unknown_ids_fail(portone):
    result = identity.get_provider("portone").fetch(verification_id="iv-unknown")
    assert result.status == VerificationStatus.FAILED


def test_a_wrong_api_secret_is_refused_by_the_emulator(portone, settings):
    import httpx

    answer = httpx.get(
        f"{settings.SITE_URL}/sandbox/portone/identity-verifications/iv-x",
        headers={"Authorization": "PortOne wrong"},
    )
    assert answer.status_code == 401
    assert answer.json()["type"] == "UNAUTHORIZED"


def test_starting_verifications_is_rate_limited(portone, member_client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "identity_verification": "3/h/user",
    }
    _user, client = member_client

    codes = [client.post("/my/identity/").status_code for _ in range(4)]

    assert codes == [302, 302, 302, 429]


def test_an_unreachable_provider_is_a_clear_error_not_a_500(settings):
    from accounts import services
    from accounts.exceptions import AccountError

    settings.ACCOUNTS_PORTONE_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    user = UserFactory()

    with pytest.raises(AccountError) as refused:
        services.complete_identity_verification(
            user_id=user.pk, provider_code="portone", verification_id="iv-1"
        )

    assert refused.value.code == "identity_unavailable"
    assert not IdentityVerification.objects.exists()


def test_a_plugin_registers_its_own_provider():
    class Pass(identity.IdentityProvider):
        code, name = "test-pass", "PASS (test)"

        def begin(self, *, verification_id, return_url):
            return identity.VerificationStart(verification_id, return_url)

        def fetch(self, *, verification_id):
            return identity.VerificationResult(verification_id, VerificationStatus.PENDING)

    identity.register(Pass)
    try:
        assert isinstance(identity.get_provider("test-pass"), Pass)
        assert next(iter(identity.providers())) == "portone"  # the settings' come first
    finally:
        identity._registered.pop("test-pass")


def test_portone_answers_are_read_with_their_field_names():
    from accounts.identity.portone import parse

    result = parse(
        "iv-9",
        {
            "status": "VERIFIED",
            "id": "iv-9",
            "verifiedCustomer": {
                "name": "홍길동",
                "phoneNumber": "01012345678",
                "birthDate": "1990-01-02",
                "operator": "KT",
                "ci": "C" * 88,
                "di": "D" * 64,
                "isForeigner": False,
            },
        },
    )

    assert result.status == VerificationStatus.VERIFIED
    assert (result.person.name, result.person.birth_date) == ("홍길동", date(1990, 1, 2))
    failed = parse("iv-9", {"status": "FAILED", "id": "iv-9", "failure": {"reason": "X"}})
    assert failed.failure_reason == "X"
    with pytest.raises(identity.IdentityError):
        parse("iv-9", {"status": "VERIFIED", "id": "iv-other"})


def test_a_live_shop_with_portone_keys_but_no_hash_key_refuses_to_start(settings):
    from accounts.checks import identity_hash_key

    settings.SHOP_SANDBOX = False
    settings.ACCOUNTS_PORTONE_API_SECRET = "live-secret"
    settings.ACCOUNTS_IDENTITY_HASH_KEY = "sandbox-identity-hash-key-not-for-production"
    assert [error.id for error in identity_hash_key()] == ["accounts.E001"]

    settings.ACCOUNTS_IDENTITY_HASH_KEY = "k" * 40
    assert identity_hash_key() == []
    settings.ACCOUNTS_PORTONE_API_SECRET = ""  # not offered without keys: nothing to check
    settings.ACCOUNTS_IDENTITY_HASH_KEY = ""
    assert identity_hash_key() == []


def test_without_portone_keys_the_member_is_told_it_is_unavailable(settings, member_client):
    settings.ACCOUNTS_PORTONE_API_SECRET = ""
    _user, client = member_client

    response = client.post("/my/identity/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/my/identity/")
    assert not IdentityVerification.objects.exists()
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
