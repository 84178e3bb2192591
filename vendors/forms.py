"""Forms of the vendors app: the application form and the write-only payout account field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.models import Vendor
from vendors.services.onboarding import APPLICATION_FIELDS
from vendors.validators import is_valid_business_number, normalise_business_number


class WriteOnlyTextInput(forms.TextInput):
    """A text box that never renders a value, not even the one just submitted."""

    def format_value(self, value: Any) -> None:
        return None


class PayoutAccountFormMixin:
    """Never send the stored account number back to the browser: show it masked, keep it
    when the field is left empty, replace it when a new one is typed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("payout_account_number")
        if field is None:
            return
        field.required = False
        field.widget = WriteOnlyTextInput(attrs={"autocomplete": "off"})
        self.initial["payout_account_number"] = ""
        masked = self.instance.masked_account if self.instance.pk else ""
        field.help_text = (
            _("Stored: %(masked)s. Leave empty to keep it.") % {"masked": masked}
            if masked
            else _("Digits and dashes only.")
        )

    def clean_payout_account_number(self) -> str:
        value = self.cleaned_data.get("payout_account_number", "").strip()
        if not value:
            return self.instance.payout_account_number if self.instance.pk else ""
        if not all(char.isdigit() or char == "-" for char in value):
            raise forms.ValidationError(_("Digits and dashes only."))
        return value


class BusinessNumberField(forms.CharField):
    """A business registration number: dashes accepted, checksum verified, 10 digits kept."""

    default_error_messages = {
        "invalid": _("Enter a valid 10-digit business registration number (사업자등록번호)."),
    }

    def to_python(self, value: Any) -> str:
        return normalise_business_number(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not is_valid_business_number(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class VendorApplicationForm(PayoutAccountFormMixin, forms.ModelForm):
    """What a would-be vendor tells the shop when applying (입점 신청)."""

    business_registration_number = BusinessNumberField(
        label=_("business registration number"), max_length=12
    )

    class Meta:
        model = Vendor
        fields = APPLICATION_FIELDS

    def clean_business_registration_number(self) -> str:
        number = self.cleaned_data["business_registration_number"]
        if Vendor.objects.filter(business_registration_number=number).exists():
            raise forms.ValidationError(
                _("A vendor with this business registration number already exists.")
            )
        return number
