"""The plugin as a Django app: everything it adds, registered through the public API."""

from django.apps import AppConfig


class TossPaymentsConfig(AppConfig):
    name = "shop_tosspayments"
    label = "shop_tosspayments"
    verbose_name = "Toss Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from payments.extend import register_provider
        from shop.extend import register_slot, register_urls
        from shop_tosspayments import conf, listeners  # noqa: F401  (listeners register themselves)
        from shop_tosspayments.provider import TossPayments

        if not conf.configured():
            return  # a live shop without its own keys: installed, not offered
        register_provider(TossPayments)
        register_urls("tosspayments", "shop_tosspayments.urls")
        register_urls("tosspayments", "shop_tosspayments.emulator", sandbox=True)
        register_slot("checkout_extras", "shop_tosspayments/checkout_extras.html")
