"""The upload form of the import page: refuses a too-large or wrong kind of file before reading it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.importexport import formats


def clean_table_upload(upload: Any) -> Any:
    """Refuse a file of the wrong kind or too large, from its name and size alone.

    Shared by every CSV/Excel upload page (products here, tracking numbers in orders).
    """
    try:
        formats.format_of(upload.name)
    except formats.FileRefusedError as refused:
        raise forms.ValidationError(refused.message) from None
    if upload.size > formats.max_bytes():
        # Checked from the upload's size, before a byte of it is read into memory.
        raise forms.ValidationError(formats.too_big_message(upload.name))
    return upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Product file"),
        help_text=_("CSV (UTF-8 or Korean Excel's CP949) or Excel (.xlsx), one row per variant."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        return clean_table_upload(self.cleaned_data["file"])
