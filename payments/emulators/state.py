"""What the emulators remember between requests: payments, a call log and faults.

Kept in the Django cache (Redis when configured, so several web processes share it; the
local-memory cache on the embedded defaults), under one prefix per provider. Emulated
records are throwaway sandbox data, so a cache is the right home: no tables in a
production database, gone after a day.

Tests and the demo steer an emulator with ``set_fault`` (the next matching call
misbehaves once, or until cleared) and read ``calls`` to assert how often we called it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache

TIMEOUT = 24 * 3600
LOCK_SECONDS = 10


def _key(provider: str, *parts: str) -> str:
    return ":".join(("sandbox", provider, *parts))


def save(provider: str, kind: str, ident: str, record: dict[str, Any]) -> None:
    cache.set(_key(provider, kind, ident), record, TIMEOUT)


def load(provider: str, kind: str, ident: str) -> dict[str, Any] | None:
    return cache.get(_key(provider, kind, ident))


@contextmanager
def locked(provider: str, kind: str, ident: str) -> Iterator[None]:
    """Serialise read-modify-write of one record across threads and processes."""
    key = _key(provider, "lock", kind, ident)
    deadline = time.monotonic() + LOCK_SECONDS
    while not cache.add(key, 1, LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise TimeoutError(f"emulator record {kind}/{ident} stayed locked")
        time.sleep(0.005)
    try:
        yield
    finally:
        cache.delete(key)


def update(
    provider: str, kind: str, ident: str, change: Callable[[dict[str, Any]], None]
) -> dict[str, Any] | None:
    """Apply ``change`` to a stored record under its lock; return it (None if unknown)."""
    with locked(provider, kind, ident):
        record = load(provider, kind, ident)
        if record is None:
            return None
        change(record)
        save(provider, kind, ident, record)
        return record


def new_id(prefix: str, digits: int) -> str:
    """Return ``prefix`` followed by ``digits`` random decimal digits (e.g. a KakaoPay tid)."""
    return prefix + "".join(secrets.choice("0123456789") for _ in range(digits))


# --- Call log ---------------------------------------------------------------------------------


def _generation(provider: str) -> str:
    """Counts and faults live under a generation number that ``reset`` moves on."""
    key = _key(provider, "generation")
    cache.add(key, 1, None)
    return str(cache.get(key) or 1)


def count_call(provider: str, operation: str) -> int:
    """Count one call of ``operation``; return how many there have been."""
    key = _key(provider, _generation(provider), "calls", operation)
    cache.add(key, 0, TIMEOUT)
    return cache.incr(key)


def calls(provider: str, operation: str) -> int:
    """How many times ``operation`` was called since the last ``reset``."""
    return int(cache.get(_key(provider, _generation(provider), "calls", operation)) or 0)


# --- Faults -----------------------------------------------------------------------------------


def set_fault(provider: str, operation: str, fault: str, *, times: int = 1) -> None:
    """Make the next ``times`` calls of ``operation`` misbehave as ``fault`` says.

    Each emulator documents its faults, e.g. ``decline``, ``timeout_after_processing``,
    ``amount_mismatch``, ``server_error``.
    """
    key = _key(provider, _generation(provider), "fault", operation)
    cache.set(key, {"fault": fault, "left": times}, TIMEOUT)


def take_fault(provider: str, operation: str) -> str:
    """Return the fault armed for this call of ``operation`` ("" if none) and use it up."""
    key = _key(provider, _generation(provider), "fault", operation)
    with locked(provider, "fault", operation):
        armed = cache.get(key)
        if not armed:
            return ""
        armed["left"] -= 1
        if armed["left"] <= 0:
            cache.delete(key)
        else:
            cache.set(key, armed, TIMEOUT)
        return str(armed["fault"])


def reset(provider: str) -> None:
    """Forget the call counts and faults of ``provider`` (records stay until they expire)."""
    key = _key(provider, "generation")
    cache.add(key, 1, None)
    cache.incr(key)
