"""Cache keys of the storefront's reads and how catalog events invalidate them.

Two generations, each a short token kept in the cache, are part of every key:

- the *catalog* generation changes when categories change (or an admin edit we cannot
  tie to one product): every cached catalog read is dropped;
- the *listing* generation changes when any product changes (price, status, stock,
  media): the home page and the category facets are rebuilt, product pages are not.

- each product has a token of its own too, which changes when that product changes: its
  page's data is cached under it (and the catalog generation), and so is its whole page.

Changing a token instead of deleting keys works on every cache backend, and leaves no
race: a copy built from rows read before a change is stored under the token read before
it, which the change has moved on, so no later request finds it.

``settings.CATALOG_CACHE_READS = False`` turns every read into a fresh build (no cache
round trip at all): ``make bench`` measures the pages that way as well as cached.
``settings.CATALOG_CACHE_PAGES`` (on by default, and only with the reads cached) keeps
the storefront's pages whole (``shop.pagecache``) under the tokens of ``page_versions``.

Two savings on the round trips of a page's reads:

- inside ``snapshot()`` the generations are read once, however many keys are made;
- a value under a key that names both generations never changes (a change makes a new
  key), so ``cached(..., local=True)`` keeps the last few such values in the process and
  skips the cache round trip and the unpickling.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from shop.db_router import primary_reads

T = TypeVar("T")

CATALOG_GENERATION = "catalog:gen"
LISTING_GENERATION = "catalog:gen:listing"
PRODUCT_GENERATION = "catalog:gen:product:{}"
TIMEOUT = 60 * 60  # an hour: invalidation is by event, the timeout only bounds memory
_MISSING = object()
_OFF = ("off", "off")
LOCAL_SIZE = 256  # values kept per process by cached(local=True), least recently used out
_local: OrderedDict[str, Any] = OrderedDict()
_local_lock = threading.Lock()
# The generations read by the innermost snapshot(): [] until its first key is made.
_snapshot: ContextVar[list[tuple[str, str]] | None] = ContextVar("catalog_snapshot", default=None)


def enabled() -> bool:
    return getattr(settings, "CATALOG_CACHE_READS", True)


def pages_enabled() -> bool:
    return enabled() and getattr(settings, "CATALOG_CACHE_PAGES", True)


def page_versions(*, product_id: int | None = None) -> list[str] | None:
    """Return the keys of the tokens a cached storefront page is kept under (None: off).

    A listing (home, category, search) shows any product: the catalog and listing
    generations. A product page shows its product and the category tree: the catalog
    generation and the product's own token, so a sale of another product keeps it.
    """
    if not pages_enabled():
        return None
    if product_id is None:
        return [CATALOG_GENERATION, LISTING_GENERATION]
    return [CATALOG_GENERATION, PRODUCT_GENERATION.format(int(product_id))]


@contextmanager
def snapshot() -> Iterator[None]:
    """Make every key inside from one read of the generations (one page's reads)."""
    token = _snapshot.set([])
    try:
        yield
    finally:
        _snapshot.reset(token)


def _generations() -> tuple[str, str]:
    if not enabled():  # keys are never read: skip the cache round trip
        return _OFF
    held = _snapshot.get()
    if held:
        return held[0]
    generations = _read_generations()
    if held is not None:
        held.append(generations)
    return generations


def _read_generations() -> tuple[str, str]:
    found = cache.get_many([CATALOG_GENERATION, LISTING_GENERATION])
    catalog_gen = found.get(CATALOG_GENERATION) or _reset(CATALOG_GENERATION)
    listing_gen = found.get(LISTING_GENERATION) or _reset(LISTING_GENERATION)
    return catalog_gen, listing_gen


def _reset(key: str) -> str:
    token = uuid.uuid4().hex[:12]
    cache.set(key, token, timeout=None)
    return token


def _start(key: str) -> str:
    """Return the token under ``key``, made now if there is none (never replacing one that
    a change has just moved: ``add``, not ``set``)."""
    cache.add(key, uuid.uuid4().hex[:12], timeout=None)
    return cache.get(key) or uuid.uuid4().hex[:12]  # no cache: a key nobody will read


def product_key(product_id: int) -> str:
    """Return the key of a product page's data: the catalog generation and its own token."""
    if not enabled():
        return f"catalog:off:product:{product_id}"
    own = PRODUCT_GENERATION.format(product_id)
    found = cache.get_many([CATALOG_GENERATION, own])
    catalog_gen = found.get(CATALOG_GENERATION) or _reset(CATALOG_GENERATION)
    product_gen = found.get(own) or _start(own)
    return f"catalog:{catalog_gen}:product:{product_id}:{product_gen}"


def listing_key(name: str) -> str:
    catalog_gen, listing_gen = _generations()
    return f"catalog:{catalog_gen}:{listing_gen}:{name}"


def catalog_key(name: str) -> str:
    catalog_gen, _listing = _generations()
    return f"catalog:{catalog_gen}:{name}"


def cached(key: str, build: Callable[[], T], timeout: int = TIMEOUT, *, local: bool = False) -> T:
    """Return the value under ``key``, building and storing it on a miss.

    ``local``: also keep it in this process, for a ``catalog_key`` or ``listing_key``
    only (their value never changes; see the module's note). Callers never mutate it.
    """
    if not enabled():
        return build()
    if local:
        with _local_lock:
            value: Any = _local.get(key, _MISSING)
            if value is not _MISSING:
                _local.move_to_end(key)
                return value
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        # Built on the primary: a lagging replica would hand back the value from before
        # the change that dropped this key, and it would be kept under the new token.
        with primary_reads():
            value = build()
        cache.set(key, value, timeout)
    if local:
        with _local_lock:
            _local[key] = value
            while len(_local) > LOCAL_SIZE:
                _local.popitem(last=False)
    return value


def forget_product(product_id: int) -> None:
    """Drop what shows ``product_id``: its page and every listing-level read.

    Done even when this process reads uncached: other processes may cache.
    """
    new = {PRODUCT_GENERATION.format(product_id): uuid.uuid4().hex[:12]}
    new[LISTING_GENERATION] = uuid.uuid4().hex[:12]
    cache.set_many(new, timeout=None)


def forget_product_page(product_id: int) -> None:
    """Drop the product's page only: what changed shows there and in no listing (reviews)."""
    cache.set(PRODUCT_GENERATION.format(int(product_id)), uuid.uuid4().hex[:12], timeout=None)


def forget_listings() -> None:
    _reset(LISTING_GENERATION)


def forget_catalog() -> None:
    """Drop every cached catalog read (a category moved, or an edit of unknown reach)."""
    _reset(CATALOG_GENERATION)
