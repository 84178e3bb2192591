"""The vendors app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Vendors")

    def ready(self) -> None:
        from vendors import listeners  # noqa: F401  (registers the ledger's listeners)
