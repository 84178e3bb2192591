"""Who is acting: the actor recorded with every event, taken from the request or set explicitly.

The request is kept in a context variable by ``RequestContextMiddleware``; the actor is
worked out only when an event is published, so pages that publish nothing pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("shop_request", default=None)
_current_actor: ContextVar[Actor | None] = ContextVar("shop_actor", default=None)

REDACTED = "[redacted]"
# Field names whose values never enter the audit log, only the fact that they changed.
SENSITIVE_FIELD_PARTS = ("password", "secret", "token", "key", "account_number")


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who did something: a shopper, staff, vendor staff, the system, or an anonymous visitor."""

    kind: str
    user_id: int | None = None
    label: str = ""
    vendor_id: int | None = None
    ip_address: str | None = None
    request_id: str = ""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", label=label)

    @classmethod
    def for_user(cls, user: Any, **context: Any) -> Actor:
        """Return the actor for ``user``: staff when the user is staff, else a shopper."""
        if user is None or not user.is_authenticated:
            return cls(kind="anonymous", **context)
        kind = "staff" if user.is_staff else "user"
        return cls(kind=kind, user_id=user.pk, label=str(user), **context)


def current_actor() -> Actor:
    """Return the actor set by ``acting_as``, else the one behind the current request."""
    actor = _current_actor.get()
    if actor is not None:
        return actor
    request = _current_request.get()
    if request is None:
        return Actor.system()
    return actor_for_request(request)


def actor_for_request(request: HttpRequest) -> Actor:
    context = {
        "ip_address": getattr(request, "client_ip", None),
        "request_id": getattr(request, "request_id", ""),
    }
    actor = Actor.for_user(getattr(request, "user", None), **context)
    # The seller center marks requests made on behalf of a vendor.
    vendor_id = getattr(request, "audit_vendor_id", None)
    if vendor_id is not None:
        actor = Actor(**{**actor.__dict__, "kind": "vendor", "vendor_id": vendor_id})
    return actor


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Record every event published inside the block as done by ``actor``."""
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def is_sensitive(field_name: str) -> bool:
    return any(part in field_name.lower() for part in SENSITIVE_FIELD_PARTS)


def jsonable(value: Any) -> Any:
    """Turn a field value into what the audit payload can hold (ids, text, numbers)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "name") and hasattr(value, "url"):  # a stored file
        return value.name or None
    return str(value)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every field whose value differs, secrets redacted."""
    diff: dict[str, list[Any]] = {}
    for field in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(field)), jsonable(after.get(field))
        if old == new:
            continue
        diff[field] = [REDACTED, REDACTED] if is_sensitive(field) else [old, new]
    return diff


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """Return the current values of ``fields`` of ``instance`` (foreign keys as ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname)
    return values
