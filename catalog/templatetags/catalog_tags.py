"""Template helpers of the storefront's catalog pages: ``{% load catalog_tags %}``."""

from __future__ import annotations

from decimal import Decimal

from django import template

from shop.money import format_krw

register = template.Library()


@register.filter
def krw(value: Decimal | int | str | None) -> str:
    """``{{ price|krw }}`` → ``12,000원`` (whole won, never through a float)."""
    return "" if value is None or value == "" else format_krw(value)


@register.simple_tag
def query_with(query: str, **changes: object) -> str:
    """Return ``query`` (a urlencoded string) with the given parameters set or removed."""
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    for name, value in changes.items():
        params.pop(name, None)
        if value not in (None, ""):
            params[name] = str(value)
    return params.urlencode()
