"""Cache keys of the storefront's reads and how catalog events invalidate them.

Two generations, each a short token kept in the cache, are part of every key:

- the *catalog* generation changes when categories change (or an admin edit we cannot
  tie to one product): every cached catalog read is dropped;
- the *listing* generation changes when any product changes (price, status, stock,
  media): the home page and the category facets are rebuilt, product pages are not.

A product page is cached under its product id and deleted when that product changes.
Changing a token instead of deleting keys by pattern works on every cache backend.

``settings.CATALOG_CACHE_READS = False`` turns every read into a fresh build (no cache
round trip at all): ``make bench`` measures the pages that way as well as cached.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

CATALOG_GENERATION = "catalog:gen"
LISTING_GENERATION = "catalog:gen:listing"
TIMEOUT = 60 * 60  # an hour: invalidation is by event, the timeout only bounds memory
_MISSING = object()
_OFF = ("off", "off")


def enabled() -> bool:
    return getattr(settings, "CATALOG_CACHE_READS", True)


def _generations(*, live: bool = False) -> tuple[str, str]:
    if not live and not enabled():  # keys are never read: skip the cache round trip
        return _OFF
    found = cache.get_many([CATALOG_GENERATION, LISTING_GENERATION])
    catalog_gen = found.get(CATALOG_GENERATION) or _reset(CATALOG_GENERATION)
    listing_gen = found.get(LISTING_GENERATION) or _reset(LISTING_GENERATION)
    return catalog_gen, listing_gen


def _reset(key: str) -> str:
    token = uuid.uuid4().hex[:12]
    cache.set(key, token, timeout=None)
    return token


def product_key(product_id: int, *, live: bool = False) -> str:
    catalog_gen, _listing = _generations(live=live)
    return f"catalog:{catalog_gen}:product:{product_id}"


def listing_key(name: str) -> str:
    catalog_gen, listing_gen = _generations()
    return f"catalog:{catalog_gen}:{listing_gen}:{name}"


def catalog_key(name: str) -> str:
    catalog_gen, _listing = _generations()
    return f"catalog:{catalog_gen}:{name}"


def cached(key: str, build: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """Return the value under ``key``, building and storing it on a miss."""
    if not enabled():
        return build()
    value: Any = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, timeout)
    return value


def forget_product(product_id: int) -> None:
    """Drop what shows ``product_id``: its page and every listing-level read."""
    # The real key even when this process reads uncached: other processes may cache.
    cache.delete(product_key(product_id, live=True))
    _reset(LISTING_GENERATION)


def forget_listings() -> None:
    _reset(LISTING_GENERATION)


def forget_catalog() -> None:
    """Drop every cached catalog read (a category moved, or an edit of unknown reach)."""
    _reset(CATALOG_GENERATION)
