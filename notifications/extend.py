"""The public extension API of notifications: channels (docs/extending.md).

A channel subclasses ``Channel`` (``code``, ``medium`` "email" or "phone", ``compose``
and ``send``) and is registered with ``register_channel`` from a plugin's
``AppConfig.ready``; the shop's operator turns it on by listing its code in
``NOTIFICATIONS_CHANNELS``. Only the names in ``__all__`` are public.
"""

from __future__ import annotations

from notifications import channels
from notifications.channels import Channel, Draft, Sent
from shop import plugins

__all__ = ["Channel", "Draft", "Sent", "register_channel"]


def register_channel(channel: Channel) -> None:
    """Make ``channel`` available under its ``code`` (on once NOTIFICATIONS_CHANNELS lists it)."""
    channels.register(channel)
    plugins.note("notification channel", channel.code, channel)
