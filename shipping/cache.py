"""The shipping generation: a token every change of a shipping policy moves on.

What is derived from policies and kept (the product page's fee summary, see
``shipping_tags``) is kept under the token read before the policies were, so a change
(``shipping.listeners``, after it commits) makes every kept copy unreachable on the
next request, in every process; no copy is ever deleted, so none can be half-updated.
It follows the storefront's read-cache switch (``CATALOG_CACHE_READS``): off, every
summary is read from the database.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache

GENERATION = "shipping:gen"
SUMMARIES_KEPT = 1024  # fee summaries per process, least recently used out


def enabled() -> bool:
    return getattr(settings, "CATALOG_CACHE_READS", True)


def generation() -> str:
    """Return the current token (a new one when the cache has none, e.g. after a restart)."""
    token = cache.get(GENERATION)
    if token is None:
        cache.add(GENERATION, uuid.uuid4().hex[:12], timeout=None)
        # No cache at all: a token nobody else holds, so nothing is kept stale.
        token = cache.get(GENERATION) or uuid.uuid4().hex
    return token


def forget() -> None:
    """Move the generation on: every kept summary is read again on its next use."""
    cache.set(GENERATION, uuid.uuid4().hex[:12], timeout=None)
