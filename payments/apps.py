"""The payments app."""

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from payments import listeners  # noqa: F401  (refunds and expiry follow orders)
        from payments.checkout import register_methods

        register_methods(settings.PAYMENTS_PROVIDERS)
