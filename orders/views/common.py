"""Shared helpers of the orders pages: service errors shown as form errors and messages."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django import forms
from django.http import Http404

from shop.exceptions import NotFoundError, ShopError


def error_texts(error: ShopError) -> list[str]:
    """Return the error's message followed by its field messages, each once."""
    texts: list[str] = [error.message]
    for messages in error.fields.values():
        texts.extend(str(message) for message in messages)
    return list(dict.fromkeys(texts))


def add_service_errors(
    form: forms.Form, error: ShopError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's field errors on the form's fields (unknown fields on the form itself)."""
    shown: set[str] = set()
    for field, messages in error.fields.items():
        name = (aliases or {}).get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, str(message))
            shown.add(str(message))
    if error.message not in shown:
        form.add_error(None, error.message)


def line_errors(error: ShopError, prefix: str = "lines.") -> dict[int, list[str]]:
    """Return ``{line id: messages}`` from fields named ``lines.<id>``."""
    found: dict[int, list[str]] = {}
    for field, messages in error.fields.items():
        if field.startswith(prefix) and field[len(prefix) :].isdigit():
            found[int(field[len(prefix) :])] = [str(message) for message in messages]
    return found


@contextmanager
def not_found_as_404() -> Iterator[None]:
    try:
        yield
    except NotFoundError as error:
        raise Http404(error.message) from error


def addon_totals(view: Any) -> dict[str, Any]:
    """Split the cart view's items amount into base prices and add-on items for display."""
    if view is None:
        return {}
    addons = sum((line.addons_amount for line in view.lines), Decimal(0))
    return {"addons_amount": addons, "base_amount": view.items_amount - addons}
