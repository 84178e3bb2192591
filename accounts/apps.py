"""The accounts app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import checks, listeners  # noqa: F401  (registers them)
        from shop import dlp

        # A card or resident number typed into an address is stored masked (PRIV-07).
        dlp.mask_free_text_on(self.get_model("Address"), "recipient", "detail_address")
