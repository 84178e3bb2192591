"""docs/extending.md stays true: its events, its tutorial's files and its snippets are tested."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from shop.events import publish
from shop.management.commands.shop_events import shop_events
from tests.orders.helpers import guest_cart, place, variant_of
from tests.shop.factories import WebhookSubscriptionFactory
from tests.shop.test_webhooks import ParcelDispatched, receiver  # noqa: F401  (fixture)

GUIDE = settings.BASE_DIR / "docs" / "extending.md"
TUTORIAL_PLUGIN = settings.BASE_DIR / "examples" / "shop-kakaowork"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def snippet(name: str) -> str:
    """The fenced code block right after ``<!-- snippet: name -->``."""
    found = re.search(rf"<!-- snippet: {name} -->\n```\w+\n(.*?)```", guide(), re.DOTALL)
    assert found, f"docs/extending.md has no snippet {name}"
    return found.group(1)


# --- The event catalogue ----------------------------------------------------------------


def test_the_guide_lists_every_event_with_its_fields() -> None:
    page = guide()
    missing = []
    for name, cls in shop_events().items():
        entry = re.search(rf"^- \*\*`{re.escape(name)}`\*\*.*\n  Fields: (.*)$", page, re.MULTILINE)
        fields = [field.name for field in dataclasses.fields(cls)]
        if entry is None or not all(f"`{field}:" in entry.group(1) for field in fields):
            missing.append(name)
    assert not missing, (
        f"docs/extending.md misses {missing}: run "
        "python manage.py shop_events --write docs/extending.md"
    )


def test_every_event_says_when_it_fires() -> None:
    undocumented = [name for name, cls in shop_events().items() if not (cls.__doc__ or "").strip()]
    assert not undocumented, f"give these events a docstring saying when they fire: {undocumented}"


# --- The tutorial ---------------------------------------------------------------------------


def test_the_tutorial_shows_the_example_plugins_files_unchanged() -> None:
    shown = dict(re.findall(r"<!-- file: (\S+) -->\n```\w+\n(.*?)```", guide(), re.DOTALL))
    files = {
        str(path.relative_to(settings.BASE_DIR)): path
        for path in TUTORIAL_PLUGIN.rglob("*")
        if path.suffix in {".py", ".toml"}
        and "egg-info" not in str(path)
        and "build" not in path.parts
    }
    assert set(shown) == set(files), "every file of the tutorial's plugin is on the page, once"
    for name, path in files.items():
        assert shown[name] == path.read_text(encoding="utf-8"), f"{name} differs from the guide"


# --- Webhook signatures ----------------------------------------------------------------------


@pytest.fixture
def signed_delivery(db, receiver, settings, django_capture_on_commit_callbacks):  # noqa: F811
    """A real delivery of the shop to a local receiver: (secret, signature header, raw body)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    subscription = WebhookSubscriptionFactory(
        target_url=receiver.url, event_types=["tests.ParcelDispatched"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(ParcelDispatched(parcel_id=5, carrier="CJ대한통운"))
    request = receiver.requests[0]
    return subscription.secret, request.headers["X-Shop-Signature"], request.body


def test_the_python_snippet_verifies_a_real_signed_delivery(signed_delivery) -> None:
    secret, header, body = signed_delivery
    namespace: dict = {}
    exec(snippet("verify-python"), namespace)  # noqa: S102  (our own documentation's code)
    verify = namespace["verify"]

    assert verify(secret, header, body)
    assert not verify(secret, header, body.replace(b"5", b"6", 1))  # a tampered body
    assert not verify("another-secret", header, body)
    assert not verify(secret, header.replace("t=", "t=1", 1), body)  # a stale timestamp


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")
def test_the_javascript_snippet_verifies_a_real_signed_delivery(signed_delivery, tmp_path) -> None:
    secret, header, body = signed_delivery
    (tmp_path / "verify.js").write_text(snippet("verify-js"), encoding="utf-8")
    (tmp_path / "check.js").write_text(
        'const fs = require("node:fs");\n'
        'const { verifyShopWebhook } = require("./verify.js");\n'
        "const [secret, header, file] = process.argv.slice(2);\n"
        "console.log(verifyShopWebhook(secret, header, fs.readFileSync(file)));\n",
        encoding="utf-8",
    )

    def node(secret: str, header: str, raw: bytes) -> str:
        (tmp_path / "body.json").write_bytes(raw)
        command = [shutil.which("node"), "check.js", secret, header, "body.json"]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=30)  # noqa: S603
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert node(secret, header, body) == "true"
    assert node(secret, header, body.replace(b"5", b"6", 1)) == "false"
    assert node("another-secret", header, body) == "false"


# --- The API --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_api_example_signs_in_with_a_token_and_lists_the_members_orders(
    live_server, user, monkeypatch
) -> None:
    cart = guest_cart("api-example")
    from orders import services as order_services

    order_services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    order = place(cart, user=user).order
    token = Token.objects.create(user=user)
    monkeypatch.setenv("SHOP_URL", live_server.url)
    monkeypatch.setenv("SHOP_API_TOKEN", token.key)

    output = io.StringIO()
    with redirect_stdout(output):
        exec(snippet("api-python"), {})  # noqa: S102  (our own documentation's code)

    assert f"signed in as {user.email}" in output.getvalue()
    assert f"{order.number} {order.status} {order.total_amount}" in output.getvalue()
    refused = httpx.get(f"{live_server.url}/api/v1/me/", headers={"Authorization": "Bearer wrong"})
    anonymous = httpx.get(f"{live_server.url}/api/v1/me/")
    # As the guide says: 403 with the error body, naming what is wrong.
    assert (refused.status_code, refused.json()["code"]) == (403, "authentication_failed")
    assert (anonymous.status_code, anonymous.json()["code"]) == (403, "not_authenticated")


def test_the_guide_is_linked_from_the_changelog_and_names_the_api_version() -> None:
    from shop.plugins import API_VERSION

    assert f"now **{API_VERSION}**" in guide()
    assert Path(settings.BASE_DIR / "CHANGELOG.md").exists()
