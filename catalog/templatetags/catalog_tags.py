"""Template helpers of the storefront's catalog pages: ``{% load catalog_tags %}``."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from operator import attrgetter

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from catalog.selectors.storefront import ProductCard
from shop.money import format_krw

register = template.Library()

CARDS_TEMPLATE = "catalog/_cards.html"
CARD_GRIDS_KEPT = 256  # rendered grids per process, least recently used out
_card_values = attrgetter(*(item.name for item in fields(ProductCard)))
_grids: OrderedDict[tuple, SafeString] = OrderedDict()
_grids_lock = threading.Lock()


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


@register.simple_tag
def product_cards(cards: Sequence[ProductCard]) -> SafeString:
    """Render the grid of ``cards`` (``catalog/_cards.html``, which sees nothing else).

    The HTML depends only on the cards' values and the language, so the last grids are
    kept in the process under exactly those: a card that changes in any way is another
    key, never a stale grid. Rendering 24 cards was a millisecond of a listing page.
    Not kept with DEBUG on, where templates are edited while the server runs.
    """
    if settings.DEBUG:
        return render_to_string(CARDS_TEMPLATE, {"cards": cards})
    key = (get_language(), tuple(map(_card_values, cards)))
    with _grids_lock:
        html = _grids.get(key)
        if html is not None:
            _grids.move_to_end(key)
            return html
    html = render_to_string(CARDS_TEMPLATE, {"cards": cards})
    with _grids_lock:
        _grids[key] = html
        while len(_grids) > CARD_GRIDS_KEPT:
            _grids.popitem(last=False)
    return html
