"""Storefront URLs of payments, mounted at /payments/: start, provider returns, webhooks."""

from django.urls import path  # noqa: F401 (filled in by the payment views)

app_name = "payments"
urlpatterns: list = []
