"""Security headers on representative pages, under the production settings a shop runs.

One subprocess (settings are read once per process) starts the production settings on a
fresh SQLite database, signs a member in through the real login form and walks the
storefront, cart, checkout, my page, a payment return, the admin and seller logins and
the API, recording each response's headers and cookies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.shop.test_settings import production_env, run

MEDIA_ORIGIN = "https://media.example-usercontent.kr"
PASSWORD = "correct-Horse-battery-9"

HEADER_PROBE = """
import json, uuid, django
django.setup()
from django.core.management import call_command
from django.test.utils import override_settings
override_settings(STATIC_ROOT=STATIC_ROOT).enable()
call_command("collectstatic", "--noinput", verbosity=0)
call_command("migrate", "--noinput", verbosity=0)
from django.conf import settings
from django.test import Client
from django.urls import get_resolver
from accounts.models import User

User.objects.create_user(email="member@example.kr", password=PASSWORD)
client = Client(raise_request_exception=False, HTTP_HOST="shop.example.kr")

def record(response):
    return {
        "status": response.status_code,
        "headers": {name.lower(): value for name, value in response.headers.items()},
        "cookies": {
            name: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                "path": morsel["path"],
                "domain": morsel["domain"],
            }
            for name, morsel in response.cookies.items()
        },
    }

report = {"public": {}, "private": {}}
for path in PUBLIC:
    report["public"][path] = record(client.get(path, secure=True))
login = client.post(
    "/accounts/login/", {"login": "member@example.kr", "password": PASSWORD}, secure=True
)
report["login"] = record(login)
return_url = f"/payments/{uuid.uuid4()}/return/?pg_token=secret-pg-token"
for path in PRIVATE + [return_url]:
    report["private"][path] = record(client.get(path, secure=True))
routes = []
def walk(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            routes.append(prefix + str(pattern.pattern))
walk(get_resolver().url_patterns)
report["routes"] = routes
report["installed_apps"] = list(settings.INSTALLED_APPS)
print("REPORT " + json.dumps(report))
"""
PUBLIC = ["/", "/search/?q=shirt", "/accounts/login/", "/admin/login/", "/seller/login/"]
PUBLIC += ["/api/v1/products/", "/api/docs/"]
PRIVATE = ["/my/", "/my/orders/", "/cart/", "/checkout/", "/orders/lookup/", "/api/v1/me/"]
PRIVATE += ["/api/v1/cart/"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    tmp_path: Path = tmp_path_factory.mktemp("headers")
    env = production_env(tmp_path, SHOP_MEDIA_URL=f"{MEDIA_ORIGIN}/")
    source = HEADER_PROBE.replace("STATIC_ROOT=STATIC_ROOT", f"STATIC_ROOT={str(tmp_path)!r}")
    source = source.replace("password=PASSWORD", f"password={PASSWORD!r}")
    source = source.replace('"password": PASSWORD', f'"password": {PASSWORD!r}')
    source = source.replace("in PUBLIC:", f"in {PUBLIC!r}:")
    source = source.replace("in PRIVATE +", f"in {PRIVATE!r} +")
    result = run(["-c", source], env)
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def every_page(report: dict) -> dict[str, dict]:
    return {**report["public"], **report["private"]}


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_the_walk_reached_real_pages(report):
    statuses = {path: page["status"] for path, page in every_page(report).items()}
    for path in ("/", "/accounts/login/", "/api/v1/products/", "/my/", "/cart/"):
        assert statuses[path] == 200, statuses
    # The back-office logins send a visitor to the one login page (allauth's).
    assert statuses["/admin/login/"] in {200, 302}, statuses
    assert statuses["/api/v1/me/"] == 200, statuses  # signed in: the private pages are real
    assert report["login"]["status"] == 302


def test_every_page_has_a_strict_content_security_policy(report):
    for path, page in every_page(report).items():
        policy = directives(page["headers"]["content-security-policy"])
        assert policy["default-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["base-uri"] == ["'self'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["form-action"][0] == "'self'", path
        assert MEDIA_ORIGIN in policy["img-src"], path


def test_every_page_has_hsts_nosniff_framing_and_opener_headers(report):
    for path, page in every_page(report).items():
        headers = page["headers"]
        hsts = headers["strict-transport-security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 365 * 24 * 3600, path
        assert "includeSubDomains" in hsts, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["cross-origin-opener-policy"] == "same-origin", path
        assert headers["referrer-policy"] in {
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin",
        }, path


def test_private_pages_are_never_stored_and_their_url_stays_here(report):
    for path, page in report["private"].items():
        assert "no-store" in page["headers"]["cache-control"], path
        assert page["headers"]["referrer-policy"] in {"no-referrer", "same-origin"}, path
    [return_page] = [page for path, page in report["private"].items() if "pg_token" in path]
    assert return_page["headers"]["referrer-policy"] in {"no-referrer", "same-origin"}


def test_the_storefront_stays_cacheable(report):
    # The negative control: the rule above is not "no-store everywhere".
    assert "no-store" not in report["public"]["/"]["headers"].get("cache-control", "")


def test_session_and_csrf_cookies_are_host_only_secure_and_same_site(report):
    cookies = {**report["public"]["/accounts/login/"]["cookies"], **report["login"]["cookies"]}
    session = cookies["__Host-sessionid"]
    csrf = cookies["__Host-csrftoken"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"  # __Host-: no Domain, path /, Secure
        assert cookie["domain"] == ""
    assert session["httponly"] is True


def test_production_mounts_no_emulator_debug_or_test_route(report):
    routes = report["routes"]
    assert routes  # the walk found the URLconf
    assert not [route for route in routes if route.startswith("sandbox/")]
    assert not [route for route in routes if "__debug__" in route or "crash" in route]
    for debug_app in ("debug_toolbar", "django_extensions", "silk"):
        assert debug_app not in report["installed_apps"]


def test_the_media_location_sandboxes_whatever_it_serves():
    nginx = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    [media] = re.findall(r"location /media/ \{(.*?)\n        \}", nginx, re.S)
    [policy] = re.findall(r'add_header Content-Security-Policy "([^"]+)" always;', media)

    assert directives(policy)["default-src"] == ["'none'"]
    assert "sandbox" in directives(policy)
    assert "add_header X-Content-Type-Options nosniff always;" in media
