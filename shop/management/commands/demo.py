"""Fill the shop with demo data and print where to look and how to sign in.

``make run`` calls this before starting the server, so it must be safe to run again and
again: it never duplicates a row.

The protocol between this command and the apps is one function. An installed app that
wants demo data ships a ``demo`` module (``vendors/demo.py``) with::

    def load(stdout) -> list[tuple[str, str, str]]:
        # create this app's demo rows unless they exist; return the logins to print

- ``load`` is idempotent: it looks rows up by a natural key (an e-mail, a slug) before
  creating them, and leaves what a merchant has changed alone.
- ``stdout`` is the command's output wrapper; ``load`` may write a line about what it did.
- It returns ``(role, email, password)`` for each login a person can use, or an empty list.
- Apps load in ``INSTALLED_APPS`` order, which runs from the bottom layer up, so the catalog
  finds the vendors it needs. Each app's ``load`` runs in its own transaction.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

Login = tuple[str, str, str]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the storefront, admin and demo logins."

    def handle(self, *args: object, **options: object) -> None:
        refuse_outside_sandbox()
        configure_site()
        logins: list[Login] = []
        for module_name in demo_modules():
            module = importlib.import_module(module_name)
            if not callable(getattr(module, "load", None)):
                continue  # a third-party app's unrelated "demo" module
            self.stdout.write(f"Loading {module_name} ...")
            with transaction.atomic():
                logins.extend(_validated(module_name, module.load(self.stdout)))
        self.print_summary(_unique(logins))

    def print_summary(self, logins: list[Login]) -> None:
        self.stdout.write(self.style.SUCCESS("\nDemo data is ready.\n"))
        for label, url in site_urls():
            self.stdout.write(f"  {label + ':':<13}{url}")
        if not logins:
            self.stdout.write("\n  No demo logins: no installed app reported one.")
            return
        self.stdout.write("\n  Logins (role, e-mail, password):")
        role_width = max(len(role) for role, _, _ in logins) + 2
        email_width = max(len(email) for _, email, _ in logins) + 2
        for role, email, password in logins:
            self.stdout.write(f"    {role:<{role_width}}{email:<{email_width}}{password}")


def refuse_outside_sandbox() -> None:
    """Stop unless the shop runs on sandbox settings: demo logins must never reach a real shop."""
    production_module = (getattr(settings, "SETTINGS_MODULE", None) or "").endswith(".production")
    if not settings.SHOP_SANDBOX or production_module:
        raise CommandError(
            "Refusing to load demo data: these are production settings (SHOP_SANDBOX is off). "
            "Demo data creates well-known logins and passwords; run it only on a development "
            "or sandbox shop (DJANGO_SETTINGS_MODULE=shop.settings.local)."
        )


def demo_modules() -> list[str]:
    """Return the ``<app>.demo`` modules that exist, in INSTALLED_APPS order."""
    names = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        try:
            found = importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:  # the app is a single module, not a package
            found = False
        if found:
            names.append(module_name)
    return names


def configure_site() -> None:
    """Point the Sites framework at SITE_URL, so e-mails from allauth link to this shop."""
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    name = settings.SHOP_NAME or "Shop"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": name})


def site_urls() -> list[tuple[str, str]]:
    """Return the labelled absolute URLs worth opening after the demo loads."""
    base = settings.SITE_URL.rstrip("/")
    urls = []
    for label, name in (("Storefront", "home"), ("Admin", "admin:index"), ("API docs", "api-docs")):
        try:
            urls.append((label, base + reverse(name)))
        except NoReverseMatch:
            continue
    return urls


def _validated(module_name: str, logins: Iterable[Login] | None) -> list[Login]:
    checked = []
    for login in logins or []:
        if len(login) != 3 or not all(isinstance(part, str) for part in login):
            raise CommandError(
                f"{module_name}.load() must return (role, email, password) tuples, got {login!r}"
            )
        checked.append(tuple(login))
    return checked


def _unique(logins: list[Login]) -> list[Login]:
    """Keep the first login reported for each e-mail address."""
    seen: set[str] = set()
    unique = []
    for login in logins:
        if login[1] not in seen:
            seen.add(login[1])
            unique.append(login)
    return unique
