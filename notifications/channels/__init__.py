"""The channel interface and its registry by code.

A channel turns a template and the caller's values into a draft (``compose``), says who
it reaches (``address``) and sends one logged message (``send``). Channels of the same
``medium`` stand in for one another: for a phone number the first enabled channel that
has a body wins (알림톡 before SMS), and a channel naming a ``fallback`` hands a failed
message to that one. A plugin adds its own channel with ``register(MyChannel())`` in its
``AppConfig.ready`` and lists its code in ``NOTIFICATIONS_CHANNELS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings

if TYPE_CHECKING:
    from notifications.models import Message, NotificationTemplate


@dataclass(frozen=True)
class Draft:
    """What one channel would send: rendered, ready to be logged as a ``Message``."""

    body: str
    subject: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sent:
    """The provider's answer to a send."""

    provider_id: str = ""
    failover: bool = False  # the provider re-sent it on its own fallback channel


class Channel:
    code: ClassVar[str]
    medium: ClassVar[str]  # "email" or "phone"
    # Kakao allows only informational messages as 알림톡; advertising goes elsewhere.
    allows_marketing: ClassVar[bool] = True
    fallback: ClassVar[str] = ""  # the channel code that takes over a failed message

    def address(self, *, email: str, phone: str) -> str:
        return email if self.medium == "email" else phone

    def compose(
        self, template: NotificationTemplate, context: dict[str, Any], *, marketing: bool
    ) -> Draft | None:
        """Return the draft, or None when the template has nothing for this channel."""
        raise NotImplementedError

    def send(self, message: Message) -> Sent:
        """Send one logged message; raise ``DeliveryError`` when the provider refuses."""
        raise NotImplementedError


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _registry[channel.code] = channel


def get(code: str) -> Channel:
    try:
        return _registry[code]
    except KeyError:
        raise ValueError(f"unknown notification channel {code!r}") from None


def enabled() -> list[Channel]:
    """The channels ``NOTIFICATIONS_CHANNELS`` turns on, in its order of preference."""
    return [_registry[code] for code in settings.NOTIFICATIONS_CHANNELS if code in _registry]


def register_builtin() -> None:
    from notifications.channels.alimtalk import AlimTalkChannel
    from notifications.channels.email import EmailChannel
    from notifications.channels.sms import SmsChannel

    for channel in (EmailChannel(), AlimTalkChannel(), SmsChannel()):
        register(channel)
