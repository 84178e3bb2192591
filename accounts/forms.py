"""Storefront forms of accounts (completed in this change)."""

from django import forms


class SignupForm(forms.Form):
    def signup(self, request: object, user: object) -> None:
        return
