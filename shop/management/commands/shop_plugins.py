"""``manage.py shop_plugins``: the installed plugins and what each one adds to the shop."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.admin.sites import all_sites
from django.core.management.base import BaseCommand

from shop import plugins
from shop.events import registered_listeners


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a listing: works even on a broken URL conf
    help = "List the installed plugins (entry points 'shop.plugins') and what each registers."

    def handle(self, *args: Any, **options: Any) -> None:
        installed = plugins.installed_plugins()
        if not installed:
            self.stdout.write("No plugins installed.")
            return
        self.stdout.write(f"Extension API {plugins.API_VERSION}")
        for dist, version, app_module in installed:
            self.stdout.write(self.style.SUCCESS(f"{dist} {version} ({app_module})"))
            for kind, name in what_it_adds(app_module):
                self.stdout.write(f"  {kind}: {name}")


def what_it_adds(app_module: str) -> list[tuple[str, str]]:
    """Return ``(kind, name)`` of every model, admin page, listener and registration."""
    found: list[tuple[str, str]] = []
    config = next((c for c in apps.get_app_configs() if c.name == app_module), None)
    if config is not None:
        found += [("model", model._meta.label) for model in config.get_models()]
    # The admin and the seller center (and any other admin site): what the plugin put there.
    found += [
        (f"admin page ({site.name})", model._meta.label)
        for site in sorted(all_sites, key=lambda site: site.name)
        for model, model_admin in site._registry.items()
        if plugins.within(type(model_admin).__module__, app_module)
    ]
    found += [
        ("listener", f"{listener.path} <- {event_name}")
        for event_name, listener in registered_listeners()
        if plugins.within(listener.path, app_module)
    ]
    found += [(item.kind, item.name) for item in plugins.registrations(app_module)]
    return found
