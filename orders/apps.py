"""The orders app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from orders import listeners  # noqa: F401  (registers the event listeners)
        from orders.receivers import merge_guest_cart
        from shop import dlp

        # Sign-in moves the guest cart of the session into the member's cart.
        user_logged_in.connect(merge_guest_cart, dispatch_uid="orders.merge_guest_cart")
        # A card or resident number typed into a memo or a reason is stored masked (PRIV-07).
        order_text = ("delivery_memo", "detail_address", "depositor_name", "cancel_reason")
        dlp.mask_free_text_on(self.get_model("Order"), *order_text)
        dlp.mask_free_text_on(self.get_model("Claim"), "reason")
        dlp.mask_free_text_on(self.get_model("Refund"), "reason")
