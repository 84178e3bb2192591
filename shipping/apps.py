"""The shipping app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self) -> None:
        from shipping import listeners  # noqa: F401  (drops kept pages when a policy changes)
