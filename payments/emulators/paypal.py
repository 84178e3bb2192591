"""Emulator of the paypal API (filled in by its provider's work)."""

urlpatterns: list = []
