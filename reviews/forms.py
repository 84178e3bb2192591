"""Storefront forms of reviews and questions. They only shape input: the rules are in
``reviews.services``, whose field errors are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.exceptions import ShopError

RATING_CHOICES = [(5, "★★★★★"), (4, "★★★★☆"), (3, "★★★☆☆"), (2, "★★☆☆☆"), (1, "★☆☆☆☆")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name; whether each is an image the service checks."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(item, initial) for item in files if item]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Review"),
        max_length=settings.REVIEWS_MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    photos = MultipleImageField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("JPEG, PNG, WebP or GIF; a review with photos earns more points."),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"),
        max_length=settings.REVIEWS_MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_secret = forms.BooleanField(
        label=_("Secret question (only you and the seller see it)"), required=False
    )


def add_service_errors(form: forms.Form, error: ShopError) -> None:
    """Put the service's field errors on the form's fields (others on the form itself)."""
    if not error.fields:
        form.add_error(None, error.message)
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
