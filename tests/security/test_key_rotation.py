"""Rotating SECRET_KEY (docs/operations.md): values signed with the old key keep working
while it is listed in SECRET_KEY_FALLBACKS, and stop working once it is removed."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from payments import crypto
from payments.models import StoredPaymentMethod
from tests.accounts.factories import UserFactory
from tests.shop.test_settings import production_env, run

OLD_KEY = "old-key-" + "o" * 50
NEW_KEY = "new-key-" + "n" * 50

before_rotation = override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[])
during_rotation = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
after_rotation = override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[])


@pytest.mark.django_db
def test_a_session_survives_the_rotation_until_the_old_key_is_dropped(client):
    member = UserFactory()
    idle = Client()
    with before_rotation:
        client.force_login(member)
        idle.force_login(member)
        assert client.get("/my/").status_code == 200

    with during_rotation:
        # Accepted through the fallback, and Django re-signs it with the new key.
        assert client.get("/my/").status_code == 200

    with after_rotation:
        assert client.get("/my/").status_code == 200
        # A session still on the old key alone is refused: signed out, sent to log in.
        signed_out = idle.get("/my/")
    assert signed_out.status_code == 302
    assert "/accounts/login/" in signed_out["Location"]


@pytest.mark.django_db
def test_a_password_reset_link_follows_the_same_rotation():
    member = UserFactory()
    with before_rotation:
        token = default_token_generator.make_token(member)

    with during_rotation:
        assert default_token_generator.check_token(member, token) is True
    with after_rotation:
        assert default_token_generator.check_token(member, token) is False


def test_a_signed_value_follows_the_same_rotation():
    with before_rotation:
        value = signing.dumps({"order": "A-1"}, salt="shop.test")

    with during_rotation:
        assert signing.loads(value, salt="shop.test") == {"order": "A-1"}
        renewed = signing.dumps({"order": "A-1"}, salt="shop.test")
    with after_rotation:
        with pytest.raises(signing.BadSignature):
            signing.loads(value, salt="shop.test")
        assert signing.loads(renewed, salt="shop.test") == {"order": "A-1"}  # new key signs


def test_production_reads_the_fallbacks_from_the_environment(tmp_path):
    probe = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print('REPORT ' + json.dumps(settings.SECRET_KEY_FALLBACKS))"
    )
    env = production_env(tmp_path, DJANGO_SECRET_KEY_FALLBACKS=f"{OLD_KEY},older-key")

    result = run(["-c", probe], env)

    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    assert json.loads(line.removeprefix("REPORT ")) == [OLD_KEY, "older-key"]


OLD_TOKEN_KEY = Fernet.generate_key().decode()
NEW_TOKEN_KEY = Fernet.generate_key().decode()


def saved_method() -> StoredPaymentMethod:
    return StoredPaymentMethod.objects.create(
        user=UserFactory(),
        provider="kakaopay",
        token_ciphertext=crypto.encrypt("SID-rotation-1"),
        label="KakaoPay",
        buyer_key="buyer-1",
    )


@pytest.mark.django_db
def test_saved_payment_tokens_move_to_the_new_key_so_the_old_one_can_go(settings):
    settings.PAYMENTS_TOKEN_KEY = OLD_TOKEN_KEY
    method = saved_method()

    settings.PAYMENTS_TOKEN_KEY = f"{NEW_TOKEN_KEY},{OLD_TOKEN_KEY}"
    assert crypto.decrypt(method.token_ciphertext) == "SID-rotation-1"  # read with either
    out = io.StringIO()
    call_command("reencrypt_payment_tokens", stdout=out)

    settings.PAYMENTS_TOKEN_KEY = NEW_TOKEN_KEY
    method.refresh_from_db()
    assert crypto.decrypt(method.token_ciphertext) == "SID-rotation-1"
    assert out.getvalue().startswith("1 saved payment tokens")


@pytest.mark.django_db
def test_a_token_key_dropped_before_reencrypting_leaves_the_tokens_unreadable(settings):
    settings.PAYMENTS_TOKEN_KEY = OLD_TOKEN_KEY
    method = saved_method()

    settings.PAYMENTS_TOKEN_KEY = NEW_TOKEN_KEY
    with pytest.raises(ValueError, match="cannot be decrypted"):
        crypto.decrypt(method.token_ciphertext)
    with pytest.raises(CommandError, match="put the key they were saved with back"):
        call_command("reencrypt_payment_tokens", stdout=io.StringIO())
