"""Production settings pass Django's deploy check, refuse to start without secrets,
and show nothing of an error but a generic page; Sentry starts only with a DSN.

Each case runs in a subprocess: settings are read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

BASE_DIR = Path(__file__).resolve().parents[2]
LEAKED_DETAIL = "SECRET-DETAIL-ledger-42"


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(LEAKED_DETAIL)


# Used by the production probe below, never mounted by the project.
urlpatterns = [
    path("crash/", crash),
    path("api/crash/", crash),
    path("", include("shop.urls")),
]
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """Every variable production requires, and nothing else from this process."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shop.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "shop.example.kr",
        "SHOP_SITE_URL": "https://shop.example.kr",
        "SHOP_MEDIA_URL": "https://media.example-usercontent.kr/",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "REDIS_URL": django_settings.TEST_REDIS_URL,
        "EMAIL_URL": "smtp://mailer:password@mail.example.kr:587",
        "SHOP_METRICS_TOKEN": secrets.token_urlsafe(32),
        "SHOP_PAYMENTS_TOKEN_KEY": secrets.token_urlsafe(32),
        # A shop taking bank transfers only; a provider offered without keys is refused.
        "SHOP_PAYMENTS_PROVIDERS": "",
        # Notices by e-mail only; SMS and 알림톡 offered without SENS keys are refused.
        "SHOP_NOTIFICATIONS_CHANNELS": "email",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "SHOP_SITE_URL",
        "SHOP_MEDIA_URL",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "SHOP_METRICS_TOKEN",
        "SHOP_PAYMENTS_TOKEN_KEY",
    ],
)
def test_production_refuses_to_start_without_a_required_variable(tmp_path, missing):
    result = run(["manage.py", "check"], production_env(tmp_path, **{missing: None}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_refuses_a_provider_offered_without_its_keys(tmp_path):
    env = production_env(tmp_path, SHOP_PAYMENTS_PROVIDERS="payments.providers.kakaopay.KakaoPay")
    refused = run(["manage.py", "check"], env)
    assert refused.returncode != 0
    assert "payments.E001" in refused.stderr
    assert "SHOP_KAKAOPAY_SECRET_KEY" in refused.stderr

    env["SHOP_KAKAOPAY_SECRET_KEY"] = secrets.token_hex(20)
    assert run(["manage.py", "check"], env).returncode == 0


@pytest.mark.parametrize(
    "media_url", ["/media/", "https://shop.example.kr/media/", "//shop.example.kr/media/"]
)
def test_production_refuses_media_served_from_the_shops_origin(tmp_path, media_url):
    refused = run(["manage.py", "check"], production_env(tmp_path, SHOP_MEDIA_URL=media_url))

    assert refused.returncode != 0
    assert "shop.E001" in refused.stderr


@pytest.mark.parametrize(
    "reused", ["SHOP_PAYMENTS_TOKEN_KEY", "SHOP_METRICS_TOKEN", "SHOP_ACCOUNTS_IDENTITY_HASH_KEY"]
)
def test_production_refuses_the_secret_key_reused_for_another_purpose(tmp_path, reused):
    env = production_env(tmp_path)
    env[reused] = env["DJANGO_SECRET_KEY"]

    refused = run(["manage.py", "check"], env)

    assert refused.returncode != 0
    assert "shop.E002" in refused.stderr
    assert env["DJANGO_SECRET_KEY"] not in refused.stderr  # names the settings, not the key


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

report = {
    "debug": settings.DEBUG,
    "sandbox": settings.SHOP_SANDBOX,
    "log_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "metrics_token_set": bool(settings.METRICS_TOKEN),
    "pages": {},
    "plain_http": {},
}
with override_settings(ROOT_URLCONF="tests.shop.test_settings"):
    client = Client(raise_request_exception=False, HTTP_HOST="shop.example.kr")
    for path in ["/no-such-page/", "/api/v1/no-such-thing", "/crash/", "/api/crash/", "/metrics"]:
        response = client.get(path, secure=True)
        report["pages"][path] = {
            "status": response.status_code,
            "type": response["Content-Type"],
            "body": response.content.decode(),
        }
    for path in ["/healthz", "/livez", "/no-such-page/"]:
        report["plain_http"][path] = client.get(path).status_code
print("REPORT " + json.dumps(report))
"""


@pytest.fixture(scope="module")
def production_report(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("production")
    env = production_env(tmp_path)
    # The storefront pages use {% static %}, which production resolves through the
    # collectstatic manifest, as a real deployment does.
    static_root = tmp_path / "static"
    collect = run(
        [
            "-c",
            "import django; django.setup();"
            "from django.core.management import call_command;"
            "from django.test.utils import override_settings;"
            f"override_settings(STATIC_ROOT={str(static_root)!r}).enable();"
            "call_command('collectstatic', '--noinput', verbosity=0)",
        ],
        env,
    )
    assert collect.returncode == 0, collect.stderr[-3000:]
    probe = "from django.test.utils import override_settings\n"
    probe += f"override_settings(STATIC_ROOT={str(static_root)!r}).enable()\n"
    result = run(
        ["-c", PRODUCTION_PROBE.replace("django.setup()", "django.setup()\n" + probe)], env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def test_production_runs_without_debug_sandbox_or_public_metrics(production_report):
    assert production_report["debug"] is False
    assert production_report["sandbox"] is False
    assert production_report["log_formatter"] == "json"
    assert production_report["metrics_token_set"] is True
    assert production_report["pages"]["/metrics"]["status"] == 403


def test_production_redirects_plain_http_except_the_probes(production_report):
    plain = production_report["plain_http"]

    assert plain["/no-such-page/"] == 301
    assert plain["/livez"] == 200
    assert plain["/healthz"] in {200, 503}  # answered, whatever Redis is doing


def test_production_404_is_the_generic_page(production_report):
    page = production_report["pages"]["/no-such-page/"]

    assert page["status"] == 404
    assert page["type"].startswith("text/html")
    assert 'class="site-footer"' in page["body"]  # the shop's own page, not Django's
    for debug_marker in ("URLconf", "Request Method", "Raised by", "DEBUG = True"):
        assert debug_marker not in page["body"]


def test_production_500_shows_no_detail_of_the_error(production_report):
    for url in ("/crash/", "/api/crash/"):
        page = production_report["pages"][url]
        assert page["status"] == 500
        assert LEAKED_DETAIL not in page["body"]
        assert "Traceback" not in page["body"]
        assert "RuntimeError" not in page["body"]
        assert "SECRET_KEY" not in page["body"]
    page = production_report["pages"]["/crash/"]
    assert page["type"].startswith("text/html")
    assert "site-footer" not in page["body"]  # standalone: no base template, no context
    assert "<code>" in page["body"]  # the request id to quote to support
    assert json.loads(production_report["pages"]["/api/crash/"]["body"])["code"] == "server_error"


def test_production_api_404_is_json(production_report):
    page = production_report["pages"]["/api/v1/no-such-thing"]

    assert page["status"] == 404
    assert json.loads(page["body"])["code"] == "not_found"


SENTRY_PROBE = """
import json, django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
print("REPORT " + json.dumps({
    "active": client.is_active(),
    "pii": client.options.get("send_default_pii"),
    "traces": client.options.get("traces_sample_rate"),
    "integrations": sorted(client.integrations) if client.is_active() else [],
}))
"""


def sentry_report(tmp_path: Path, **env: str) -> dict:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
    }
    result = run(["-c", SENTRY_PROBE], {**base, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def test_sentry_stays_off_without_a_dsn(tmp_path):
    assert sentry_report(tmp_path)["active"] is False


def test_sentry_starts_with_a_dsn_without_personal_data(tmp_path):
    # Nothing is sent: the probe raises no error, and the DSN's port is closed.
    report = sentry_report(
        tmp_path, SENTRY_DSN="http://key@127.0.0.1:9/1", SENTRY_TRACES_SAMPLE_RATE="0.25"
    )

    assert report["active"] is True
    assert report["pii"] is False
    assert report["traces"] == 0.25
    assert {"django", "celery"} <= set(report["integrations"])


def test_sentry_traces_nothing_by_default(tmp_path):
    report = sentry_report(tmp_path, SENTRY_DSN="http://key@127.0.0.1:9/1")

    assert report["traces"] == 0.0


def test_env_example_documents_every_variable_the_settings_read():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for module in (root / "shop" / "settings").glob("*.py"):
        read |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', module.read_text()))
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (root / ".env.example").read_text(), re.M))

    assert len(read) > 40  # the pattern still finds the settings' reads
    assert sorted(read - documented - {"CI"}) == []
