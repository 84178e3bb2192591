"""Storefront URLs of cart, checkout and my orders, mounted at the site root."""

from django.urls import path  # noqa: F401 (filled in by the storefront views)

app_name = "orders"
urlpatterns: list = []
