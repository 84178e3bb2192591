"""Storefront forms of accounts: signup extras, profile and address book.

The forms only check and tidy input; the views hand the cleaned values to services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import phone_validator, postcode_validator
from accounts.validators import normalize_phone


class PhoneField(forms.CharField):
    """A Korean phone number, stored as ``010-1234-5678`` however it was typed."""

    default_validators = [phone_validator]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalize_phone(super().to_python(value))


class PostcodeField(forms.CharField):
    """A Korean postcode (우편번호): five digits."""

    default_validators = [postcode_validator]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "pattern": "[0-9]{5}"}
            ),
        )
        super().__init__(**kwargs)


def name_field(**kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        **kwargs,
    )


class SignupForm(forms.Form):
    """The fields allauth's signup forms (e-mail and Kakao/Naver) gain: name, phone, consents.

    The terms and the privacy policy must be agreed to; marketing messages are optional
    (개인정보 보호법 제22조: optional consents are asked for separately, never bundled).
    """

    name = name_field()
    phone = PhoneField(label=_("Phone"))
    agree_terms = forms.BooleanField(label=_("I agree to the terms of use (required)"))
    agree_privacy = forms.BooleanField(
        label=_("I agree to the collection and use of my personal data (required)")
    )
    agree_marketing = forms.BooleanField(
        label=_("Send me offers and news by e-mail and SMS (optional)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(self, "sociallogin", None) is not None:
            # Kakao and Naver do not always share a phone number; it can be added later.
            self.fields["phone"].required = False

    def signup(self, request: Any, user: Any) -> None:
        # allauth saved the user already and sends user_signed_up with this same
        # instance next; accounts.listeners hands these values to the services.
        user.name = self.cleaned_data["name"]
        user.phone = self.cleaned_data["phone"]
        user.marketing_opt_in = self.cleaned_data["agree_marketing"]


class MarketingConsentForm(forms.Form):
    agree_marketing = forms.BooleanField(
        label=_("Send me offers and news by e-mail and SMS"), required=False
    )


class ProfileForm(forms.Form):
    """The member's own name and phone number."""

    name = name_field()
    phone = PhoneField(label=_("Phone"), required=False)


class AddressForm(forms.Form):
    """A Korean delivery address (``with_default`` adds "make this my default address")."""

    label = forms.CharField(
        label=_("Label"), max_length=50, required=False, help_text=_("e.g. Home, Office")
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=100)
    phone = PhoneField(label=_("Recipient's phone"))
    postcode = PostcodeField(label=_("Postcode"))
    road_address = forms.CharField(label=_("Road address"), max_length=255)
    detail_address = forms.CharField(
        label=_("Detail address"),
        max_length=255,
        required=False,
        help_text=_("Building, floor, unit"),
    )
    is_default = forms.BooleanField(label=_("Make this my default address"), required=False)

    def __init__(self, *args: Any, with_default: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_default:
            del self.fields["is_default"]


class DeleteAccountForm(forms.Form):
    """Deleting the account asks for the password again (or a fresh sign-in without one)."""

    password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, required=False, strip=False
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted."),
        required=True,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"].required = True
        else:
            del self.fields["password"]  # a social login only: a recent sign-in is asked

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
