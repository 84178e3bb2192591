"""Facts the notifications app announces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class NotificationTemplateChanged(Event):
    """Staff edited a template; ``changes`` is ``{field: [old, new]}``."""

    subject_model = "notifications.NotificationTemplate"
    subject_field = "template_id"

    template_id: int
    code: str
    changes: dict[str, list[Any]]
