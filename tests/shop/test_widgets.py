"""The select that keeps its rendered options: the same HTML as Django's, per language."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation

from orders.forms import country_choices
from shop.widgets import CachedOptionsSelect

ATTRS = {"id": "id_country", "autocomplete": "country", "hx-vals": '{"action": "recalculate"}'}


def django_select(value: str | None) -> str:
    """Django's own rendering, with the whitespace between its option templates removed."""
    html = forms.Select(choices=country_choices()).render("country", value, attrs=ATTRS)
    return re.sub(r">\s+<", "><", html)


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("value", ["KR", "US", None, "ZZ"])
def test_it_renders_what_django_renders(language, value):
    with translation.override(language):
        ours = CachedOptionsSelect(country_choices).render("country", value, attrs=ATTRS)
        assert ours == django_select(value)


def test_each_language_gets_its_own_labels():
    widget = CachedOptionsSelect(country_choices)
    with translation.override("en"):
        english = widget.render("country", "KR")
    with translation.override("ko"):
        korean = widget.render("country", "KR")
    with translation.override("en"):
        assert widget.render("country", "KR") == english  # the cache is per language
    assert '<option value="US">United States of America</option>' in english
    assert "United States" not in korean


def test_only_the_value_given_is_selected():
    html = CachedOptionsSelect(country_choices).render("country", "JP")
    assert re.findall(r'<option value="(\w+)" selected>', html) == ["JP"]
    assert CachedOptionsSelect(country_choices).render("country", "").count(" selected") == 0


def test_labels_and_attributes_are_escaped():
    def options():
        return [("a&b", "<b>bold</b>")]

    html = CachedOptionsSelect(options).render('x"y', "a&b", attrs={"data-x": '"><script>'})
    assert "<script>" not in html
    assert "<b>" not in html
    assert 'name="x&quot;y"' in html
    assert '<option value="a&amp;b" selected>&lt;b&gt;bold&lt;/b&gt;</option>' in html
