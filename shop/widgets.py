"""Form widgets of the kernel, for pages where Django's own ones cost too much."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

Options = Callable[[], Iterable[tuple[Any, Any]]]


class CachedOptionsSelect(forms.Select):
    """A ``<select>`` of a long fixed list (every country), its options built once per language.

    Django renders each option through two templates (``select_option.html`` and
    ``attrs.html``): for the 249 countries of the checkout that took about 9 ms of CPU,
    a third of the page. This widget writes the same HTML in Python the first time a
    language asks for it and keeps it for the process; each request only marks the
    selected option. ``options`` must therefore depend on the active language alone (a
    fixed list with translated labels), never on the request or the database. The field
    keeps its own ``choices`` for validation.
    """

    def __init__(self, options: Options, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options = options

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(item) for item in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        parts = rendered_options(self.options, get_language())
        # Each part was escaped by format_html when it was built.
        options = mark_safe(  # nosec B308 B703  # format_html built each part
            "".join(chosen if key in selected else plain for key, plain, chosen in parts)
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, html_attrs(final_attrs), options
        )


def html_attrs(attrs: dict[str, Any]) -> SafeString:
    """Write ``attrs`` as Django's ``attrs.html`` does: in order, ``True`` bare, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


@functools.lru_cache(maxsize=16)
def rendered_options(options: Options, language: str | None) -> tuple[tuple[str, str, str], ...]:
    """Return ``(value, option, option selected)`` HTML for each of ``options()`` in ``language``."""
    return tuple(
        (
            str(value),
            format_html('<option value="{}">{}</option>', value, label),
            format_html('<option value="{}" selected>{}</option>', value, label),
        )
        for value, label in options()
    )
