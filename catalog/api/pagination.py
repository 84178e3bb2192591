"""Keyset pages of the product list in whichever order the shopper sorted it."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from catalog.filters import DEFAULT_SORT, SORT_ORDERINGS
from shop.api import CursorPagination


class ProductCursorPagination(CursorPagination):
    """Cursor pages over the ``sort`` the filter applies (newest, price, popularity).

    Every ordering ends with the primary key, so a cursor names one place in the list
    and the next page is a keyset query, however deep the client pages.
    """

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        sort = request.query_params.get("sort") or DEFAULT_SORT
        return SORT_ORDERINGS.get(sort, SORT_ORDERINGS[DEFAULT_SORT])
