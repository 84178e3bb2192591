"""The payments app."""

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from payments import checks, listeners  # noqa: F401  (registers them)
        from payments.checkout import register_methods

        register_methods(settings.PAYMENTS_PROVIDERS)
