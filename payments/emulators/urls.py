"""Emulator URLs, mounted at /sandbox/ by the root URLs only when SHOP_SANDBOX is on."""

from django.urls import include, path

app_name = "sandbox"
urlpatterns = [
    path("kakaopay/", include("payments.emulators.kakaopay")),
    path("naverpay/", include("payments.emulators.naverpay")),
    path("paypal/", include("payments.emulators.paypal")),
]
