"""The shared kernel as a Django app: it owns the audit log, the outbox and webhooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop platform")

    def ready(self) -> None:
        # Connects the task-failure alert; registers the system checks.
        from shop import alerts, checks  # noqa: F401
