"""Facts the notifications app announces."""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class MessageResent(Event):
    """Staff sent a failed message again."""

    subject_model = "notifications.Message"
    subject_field = "message_id"

    message_id: int
    channel: str


@dataclass(frozen=True, kw_only=True)
class MarketingSent(Event):
    """A marketing template was sent to the ``recipients`` members who opted in."""

    template: str
    recipients: int
