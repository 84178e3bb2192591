"""Webhook signatures: the reference implementation subscribers copy (docs/webhooks.md)."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``X-Shop-Signature`` value for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    tolerance: int = 300,
    now: float | datetime | None = None,
) -> bool:
    """Return True when ``header`` signs these exact ``body`` bytes with ``secret``, recently.

    A timestamp more than ``tolerance`` seconds from ``now`` is refused, so a captured
    request cannot be replayed later. Comparison is constant-time.
    """
    timestamp, signatures = _parse_signature(header)
    if timestamp is None or not signatures:
        return False
    if isinstance(now, datetime):
        now = now.timestamp()
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = _digest(secret, timestamp, body).encode()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures)


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _parse_signature(header: str) -> tuple[int | None, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    return timestamp, signatures
