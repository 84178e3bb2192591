"""Emulator of the naverpay API (filled in by its provider's work)."""

urlpatterns: list = []
