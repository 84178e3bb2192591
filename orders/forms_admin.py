"""Forms of the orders pages in the platform admin and the seller center.

They only collect what a transition needs (a reason, a note, a carrier and waybill
number, a tracking file); the services check everything and refuse what is not allowed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from catalog.importexport.forms import clean_table_upload
from orders.models import Carrier


class ReasonActionForm(ActionForm):
    """The action bar of the order list, with the reason a cancellation needs."""

    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=200,
        help_text=_("For “cancel”: told to the buyer and kept with the order."),
    )


class NoteActionForm(ActionForm):
    """The action bar of the claim and refund lists, with the note some actions need."""

    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=200,
        help_text=_("Required to reject a return or exchange: the buyer is told why."),
    )


class ShipForm(forms.Form):
    """Carrier and waybill number of one parcel (발송처리, 송장 수정)."""

    carrier = forms.ChoiceField(label=_("carrier"), choices=[("", "---------"), *Carrier.choices])
    tracking_number = forms.CharField(
        label=_("tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class TrackingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tracking file"),
        help_text=_(
            "CSV (UTF-8 or Korean Excel's CP949) or Excel (.xlsx) with the columns "
            "shipment id or order number, carrier and tracking number."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        return clean_table_upload(self.cleaned_data["file"])
