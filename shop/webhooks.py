"""Outgoing webhooks (placeholder until the webhook models land in this change)."""

from typing import Any


def queue_deliveries(*, event_record: Any) -> None:
    """Create one delivery per subscription interested in this event."""
