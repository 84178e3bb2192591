"""Domain events: facts one app announces and other apps react to.

``publish()`` writes one ``AuditEvent`` row in the caller's transaction. That row is
the audit entry (who did what to which object) and the outbox entry at once: after
the transaction commits, a Celery task hands it to every background listener and to
webhook subscribers (see ``shop.outbox``); a periodic task re-delivers what was never
delivered. A rolled-back transaction leaves no row, so it delivers nothing.

This is our own small mechanism rather than Django signals: signals fire inside the
transaction, carry untyped ``**kwargs`` and are invisible at the call site.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, TypeVar

from django.db import models, transaction

from shop.audit import Actor, current_actor

logger = logging.getLogger(__name__)

E = TypeVar("E", bound="Event")


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event. Fields hold JSON values only: ids, text, numbers.

    Money travels as text (``str(Decimal)``) so it never becomes a float on the way.
    An event's name is ``<app>.<ClassName>``, e.g. ``orders.OrderPlaced``.
    """

    name: ClassVar[str]
    # The model an event is about by default, e.g. "accounts.User", and the field of
    # the event holding its id; ``publish(subject=...)`` overrides both.
    subject_model: ClassVar[str] = ""
    subject_field: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A field with one of these names would silently replace the class attribute.
        reserved = {"name", "subject_model", "subject_field"} & set(inspect.get_annotations(cls))
        if reserved:
            raise TypeError(f"{cls.__name__}: event fields may not be named {sorted(reserved)}")
        cls.name = f"{cls.__module__.split('.')[0]}.{cls.__name__}"
        _event_types[cls.name] = cls

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Listener:
    """One registered reaction to an event type."""

    func: Callable[[Any], None]
    path: str
    in_process: bool


_event_types: dict[str, type[Event]] = {}
_listeners: dict[str, list[Listener]] = defaultdict(list)


def listen(
    event_type: type[E], *, in_process: bool = False
) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Call the decorated function with every published ``event_type``.

    By default it runs in a Celery worker through the outbox: at least once, and never
    again once it succeeded for that event. ``in_process=True`` runs it in the
    publishing process right after commit, untracked: only for cheap, repeatable
    work such as dropping a cache key.
    """

    def register(func: Callable[[E], None]) -> Callable[[E], None]:
        path = f"{func.__module__}.{func.__qualname__}"
        if not any(existing.path == path for existing in _listeners[event_type.name]):
            _listeners[event_type.name].append(Listener(func, path, in_process))
        return func

    return register


def listeners_for(event_name: str, *, in_process: bool) -> list[Listener]:
    return [item for item in _listeners[event_name] if item.in_process == in_process]


def registered_listeners() -> list[tuple[str, Listener]]:
    """Return ``(event name, listener)`` of every registration (``manage.py shop_plugins``)."""
    return [(name, item) for name, items in sorted(_listeners.items()) for item in items]


def event_type(name: str) -> type[Event] | None:
    return _event_types.get(name)


def event_types() -> dict[str, type[Event]]:
    """Return every known event type by name (the event catalogue)."""
    return dict(sorted(_event_types.items()))


def publish(
    event: Event,
    *,
    actor: Actor | None = None,
    subject: models.Model | None = None,
) -> Any:
    """Record ``event`` in the audit log and outbox; deliver it once the transaction commits.

    Call it inside the transaction of the change the event describes. Returns the
    ``AuditEvent`` row.
    """
    from shop.models import AuditEvent  # the kernel's models load after this module

    payload = event.to_payload()
    json.dumps(payload)  # fail here, in the caller, if a field cannot cross the broker
    actor = actor or current_actor()
    subject_type, subject_id, subject_label = _subject_of(event, subject)
    # Inside the caller's transaction no savepoint: the row is part of the change, and a
    # failure here fails the whole change anyway. Two statements fewer per event (an
    # order placement is one of them).
    with transaction.atomic(savepoint=False):
        record = AuditEvent.objects.create(
            event_type=event.name,
            payload=payload,
            actor_kind=actor.kind,
            actor_id=actor.user_id,
            actor_label=actor.label[:255],
            actor_vendor_id=actor.vendor_id,
            ip_address=actor.ip_address,
            request_id=actor.request_id[:64],
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label[:255],
        )
        transaction.on_commit(_hand_to_outbox(record.pk), robust=True)
        for listener in listeners_for(event.name, in_process=True):
            transaction.on_commit(_run_in_process(listener, event), robust=True)
    return record


def _subject_of(event: Event, subject: models.Model | None) -> tuple[str, str, str]:
    if subject is not None:
        return subject._meta.label, str(subject.pk), str(subject)
    if event.subject_model and event.subject_field:
        return event.subject_model, str(getattr(event, event.subject_field)), ""
    return "", "", ""


def _hand_to_outbox(event_id: int) -> Callable[[], None]:
    def hand_to_outbox() -> None:
        from shop.tasks import deliver_event

        try:
            deliver_event.delay(event_id)
        except Exception:  # broker down: the row stays pending for redeliver_events
            logger.warning("Event %s not queued; it will be re-delivered", event_id, exc_info=True)

    # Django's robust on_commit logs the callback's __qualname__ on failure.
    hand_to_outbox.__qualname__ = f"hand event {event_id} to the outbox"
    return hand_to_outbox


def _run_in_process(listener: Listener, event: Event) -> Callable[[], None]:
    def run() -> None:
        listener.func(event)

    run.__qualname__ = f"run {listener.path} for {event.name}"
    return run


# --- The kernel's own events ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AdminObjectAdded(Event):
    """Staff created an object in the admin; ``changes`` holds the values entered."""

    model: str
    object_id: str
    object_repr: str
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class AdminObjectChanged(Event):
    """Staff changed an object in the admin; ``changes`` is ``{field: [old, new]}``."""

    model: str
    object_id: str
    object_repr: str
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class AdminObjectDeleted(Event):
    """Staff deleted an object in the admin."""

    model: str
    object_id: str
    object_repr: str
