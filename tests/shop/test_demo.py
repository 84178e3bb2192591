"""The ``demo`` command: idempotent demo data, printed logins, never on production settings."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import User
from shop.management.commands import demo

pytestmark = pytest.mark.django_db


def _run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_running_demo_twice_creates_no_duplicates() -> None:
    _run_demo()
    after_first = _row_counts()

    _run_demo()

    assert _row_counts() == after_first
    assert after_first["accounts.User"] > 0


def test_demo_prints_the_urls_and_the_admin_login() -> None:
    output = _run_demo()

    assert "Storefront:  http://127.0.0.1:8000/" in output
    assert "Admin:       http://127.0.0.1:8000/admin/" in output
    assert "admin@example.com" in output
    assert "shop-admin-1234" in output


def test_printed_admin_login_signs_in_to_the_admin() -> None:
    _run_demo()
    client = Client()

    assert client.login(email="admin@example.com", password="shop-admin-1234")
    assert client.get("/admin/").status_code == 200


def test_demo_points_the_site_at_site_url() -> None:
    _run_demo()

    assert Site.objects.get(pk=settings.SITE_ID).domain == "127.0.0.1:8000"


def test_demo_refuses_to_run_without_the_sandbox(settings) -> None:
    settings.SHOP_SANDBOX = False

    with pytest.raises(CommandError, match="production settings"):
        _run_demo()

    assert not User.objects.exists()


def test_demo_refuses_the_production_settings_module(settings) -> None:
    settings.SETTINGS_MODULE = "shop.settings.production"

    with pytest.raises(CommandError, match="production settings"):
        _run_demo()


def test_demo_modules_are_found_in_installed_apps_order() -> None:
    modules = demo.demo_modules()
    app_names = [config.name for config in apps.get_app_configs()]

    assert "accounts.demo" in modules
    positions = [app_names.index(module.removesuffix(".demo")) for module in modules]
    assert positions == sorted(positions)


def test_a_demo_module_returning_anything_but_login_triples_is_an_error() -> None:
    assert demo._validated("x.demo", None) == []
    assert demo._validated("x.demo", [("staff", "a@example.com", "pw")]) == [
        ("staff", "a@example.com", "pw")
    ]
    with pytest.raises(CommandError, match=r"x\.demo\.load\(\) must return"):
        demo._validated("x.demo", [("a@example.com", "pw")])
