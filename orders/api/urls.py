"""Cart, checkout and order API URLs, mounted at /api/v1/."""

from django.urls import path  # noqa: F401 (filled in by the API views)

urlpatterns: list = []
