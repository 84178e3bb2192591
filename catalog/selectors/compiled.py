"""Storefront queries compiled once per process and run again as SQL.

Building a queryset and compiling it (filters, joins, the category EXISTS, the cover
subquery) costs more Python than running it: 0.8 ms against 0.4 for a listing page,
and about 0.4 ms for each of the product page's reads. A storefront page asks the same
few queries over and over, differing in a product id at most, so each is compiled
once per name and database and then run as it is. Django has no such cache (a queryset
is rebuilt and recompiled on every use), hence this module.

What Django does with the rows is repeated here: the column names of
``ValuesIterable`` and the converters of ``SQLCompiler.results_iter``, so the rows are
the dicts ``list(queryset.values(...))`` returns, fresh from the database every time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import QuerySet
from django.dispatch import receiver

KEPT = 512  # compiled queries per process, least recently used out
# Built into a query where its argument goes, then replaced by the real value in the
# compiled parameters: an id no row has, so a stand-in left in place finds nothing.
STAND_IN = -918_273_645
_NO_ARGUMENT = object()
Compiled = tuple[str, tuple[Any, ...], tuple[int, ...], list[str], list[Any]]
_compiled: OrderedDict[Hashable, Compiled] = OrderedDict()
_lock = threading.Lock()


def fetch_values(
    build: Callable[..., QuerySet[Any]],
    key: Hashable,
    alias: str,
    argument: Any = _NO_ARGUMENT,
) -> list[dict[str, Any]]:
    """Return the rows of ``build()`` (a ``values()`` queryset) as dicts, on ``alias``.

    ``key`` names the query exactly in this process: the same key, the same SQL. With an
    ``argument`` the query is built once as ``build(STAND_IN)`` and runs with the
    argument wherever the stand-in went (a product id, say); then ``key`` need not name
    the argument.
    """
    key = (alias, key)
    with _lock:
        compiled = _compiled.get(key)
        if compiled is not None:
            _compiled.move_to_end(key)
    if compiled is None:
        compiled = _compile(build() if argument is _NO_ARGUMENT else build(STAND_IN), alias)
        if compiled is None:
            return []
        if argument is not _NO_ARGUMENT and not compiled[2]:
            raise ValueError(f"{key!r}: the query does not use its argument")
        with _lock:
            _compiled[key] = compiled
            while len(_compiled) > KEPT:
                _compiled.popitem(last=False)
    sql, params, slots, names, converters = compiled
    if slots:
        params = tuple(argument if at in slots else value for at, value in enumerate(params))
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    found = []
    for row in fetched:
        if converters:
            row = list(row)
            for pos, (functions, expression) in converters:
                value = row[pos]
                for function in functions:
                    value = function(value, expression, connection)
                row[pos] = value
        found.append(dict(zip(names, row, strict=True)))
    return found


def _compile(queryset: QuerySet[Any], alias: str) -> Compiled | None:
    """Return the SQL, parameters, stand-in positions, names and converters (None: no rows)."""
    query = queryset.query
    compiler = query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if query.selected:
        names = list(query.selected)
    else:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    slots = tuple(at for at, value in enumerate(params) if type(value) is int and value == STAND_IN)
    return sql, tuple(params), slots, names, list(compiler.get_converters(fields).items())


@receiver(setting_changed)
def _forget_compiled(**kwargs: Any) -> None:
    with _lock:
        _compiled.clear()  # a database or its options changed (tests)
