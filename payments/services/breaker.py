"""A circuit breaker per provider, in front of checkout's first call to it.

When a provider keeps failing (not reached, or no answer within the timeout), every
buyer who picks it would wait the whole timeout only to be told to try again. After
``PAYMENTS_BREAKER_FAILURES`` failures in a row the breaker opens: checkout answers at
once that the provider is unavailable, and the buyer picks another method. After
``PAYMENTS_BREAKER_OPEN_SECONDS`` one attempt goes through again (half-open): a success
closes the breaker, a failure opens it again at once.

Only the first call (where the buyer goes to pay) is guarded. Nothing is charged before
it, so skipping it is safe. Confirming, refunding and reconciling always ask, because
their outcome matters even when the provider is slow.

The counts live in the cache, which every web process shares. If the cache is down the
breaker stays closed, and each attempt is still bounded by the HTTP timeout.

Written here rather than with pybreaker: its shared state needs a Redis client and a
storage object of its own per breaker, while these few lines sit on the Django cache the
web processes already share, and let calls through when it is down.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

PREFIX = "payments:breaker"
# The failures-in-a-row count is forgotten after this long without another failure.
FAILURE_MEMORY_SECONDS = 10 * 60


def _keys(provider_code: str) -> tuple[str, str, str]:
    base = f"{PREFIX}:{provider_code}"
    return f"{base}:failures", f"{base}:open", f"{base}:tripped"


def is_open(provider_code: str) -> bool:
    """Whether checkout should not call the provider now."""
    _failures, open_key, _tripped = _keys(provider_code)
    return bool(cache.get(open_key))


def record_failure(provider_code: str) -> None:
    """Count a failed call; open the breaker at the threshold, or at once when half-open."""
    failures_key, open_key, tripped_key = _keys(provider_code)
    cache.add(failures_key, 0, FAILURE_MEMORY_SECONDS)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # the key expired between add and incr
        failures = 1
    if not isinstance(failures, int):  # the cache is down and ignored its error: stay closed
        return
    half_open = bool(cache.get(tripped_key))
    if half_open or failures >= settings.PAYMENTS_BREAKER_FAILURES:
        open_seconds = settings.PAYMENTS_BREAKER_OPEN_SECONDS
        cache.set(open_key, True, open_seconds)
        # Remembered longer than the open period, so that the trial call afterwards knows
        # it is the half-open one.
        cache.set(tripped_key, True, open_seconds + FAILURE_MEMORY_SECONDS)
        cache.delete(failures_key)


def record_success(provider_code: str) -> None:
    """The provider answered: close the breaker and forget the failures."""
    cache.delete_many(list(_keys(provider_code)))
