"""What the accounts emulators remember: throwaway records in the Django cache.

Redis when configured (several web processes share it), local memory otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

TIMEOUT = 3600


def _key(provider: str, kind: str, ident: str) -> str:
    return f"sandbox:{provider}:{kind}:{ident}"


def save(provider: str, kind: str, ident: str, record: dict[str, Any]) -> None:
    cache.set(_key(provider, kind, ident), record, TIMEOUT)


def load(provider: str, kind: str, ident: str) -> dict[str, Any] | None:
    return cache.get(_key(provider, kind, ident))


def pop(provider: str, kind: str, ident: str) -> dict[str, Any] | None:
    """Return and forget a one-time record (an authorization code)."""
    key = _key(provider, kind, ident)
    record = cache.get(key)
    if record is not None and not cache.delete(key):
        return None  # another request used it first
    return record
