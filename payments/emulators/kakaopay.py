"""Emulator of the kakaopay API (filled in by its provider's work)."""

urlpatterns: list = []
