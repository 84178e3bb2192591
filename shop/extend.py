"""The public extension API of the shop kernel (docs/extending.md).

Only the names in ``__all__`` are supported for plugins; a change to any of them is a
new extension API version in CHANGELOG.md, with ``deprecated`` warnings for one minor
version first.
"""

from shop.admin import AuditedModelAdmin
from shop.events import Event, event_types, listen, publish
from shop.plugins import (
    API_VERSION,
    SLOTS,
    deprecated,
    policy,
    register_slot,
    register_urls,
)

__all__ = [
    "API_VERSION",
    "SLOTS",
    "AuditedModelAdmin",
    "Event",
    "deprecated",
    "event_types",
    "listen",
    "policy",
    "publish",
    "register_slot",
    "register_urls",
]
