"""Admin and seller-center forms of shipping: each error names the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet

from shipping import services
from shipping.exceptions import ShippingError
from shipping.models import OverseasZone, RemoteArea, ShippingPolicy


class ShippingPolicyForm(forms.ModelForm):
    class Meta:
        model = ShippingPolicy
        fields = ["vendor", *ShippingPolicy.AUDITED_FIELDS]

    def _get_validation_exclusions(self) -> set[str]:
        # The one-default-per-vendor constraint is not an input error: the service makes
        # this policy the default and the former default stop being one, atomically.
        return {*super()._get_validation_exclusions(), "is_default"}


class RemoteAreaForm(forms.ModelForm):
    class Meta:
        model = RemoteArea
        fields = ["name", "kind", "postcode_from", "postcode_to"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("postcode_from"), cleaned.get("postcode_to")
        if start and end:
            try:
                services.check_remote_area_overlap(
                    postcode_from=start, postcode_to=end, exclude_id=self.instance.pk
                )
            except ShippingError as error:
                add_field_errors(self, error)
        return cleaned


class ZoneInlineFormSet(BaseInlineFormSet):
    """The zones of one policy: a country may be in one of them only."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data.get("countries") or []
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            services.check_zone_countries([[str(code) for code in codes] for codes in kept])
        except ShippingError as error:
            raise forms.ValidationError(error.fields["countries"]) from None


class OverseasZoneForm(forms.ModelForm):
    """A zone edited on its own page: its countries must not be in the policy's other zones."""

    class Meta:
        model = OverseasZone
        fields = ["policy", "name", "countries"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        policy, countries = cleaned.get("policy"), cleaned.get("countries")
        if policy is not None and countries:
            others = OverseasZone.objects.filter(policy=policy).exclude(pk=self.instance.pk)
            taken = [sorted(zone.country_codes) for zone in others]
            try:
                services.check_zone_countries([*taken, [str(code) for code in countries]])
            except ShippingError as error:
                add_field_errors(self, error)
        return cleaned


def add_field_errors(form: forms.BaseForm, error: ShippingError) -> None:
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
