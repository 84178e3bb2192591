"""Storefront reads on a read replica, everything that must see the latest data on the primary.

Active only when ``DATABASE_REPLICA_URL`` is set (see shop/settings/base.py); without it
there is one database, no router and no middleware.

A streaming replica lags the primary by a little (milliseconds, seconds under load), so
a read may go to it only when a slightly old answer is harmless and cannot be written
back:

- only inside a request the middleware opened for replica reads: a GET, HEAD or OPTIONS
  outside the staff and payment paths (``DATABASE_REPLICA_PRIMARY_PATHS``). Celery tasks,
  management commands and the shell read the primary: background work usually reads
  what it has just written, and a replica is there to carry the shoppers' browsing;
- never inside ``transaction.atomic()`` on the primary: the services read what they
  lock and change there, and that must be the current row;
- never after this request wrote anything: from its first write on, the request reads
  the primary, so it sees its own write;
- never for a few seconds (``DATABASE_REPLICA_PIN_SECONDS``) after a request of the
  same client wrote: a signed cookie pins it to the primary, so a shopper who just put
  something in the cart or placed an order sees it on the next page despite the lag.

Writes always go to the primary. Migrations run on the primary only: a real replica
receives the schema through replication (it is read-only anyway).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
PIN_COOKIE = "shop_primary"
PIN_SALT = "shop.db_router.pin"


@dataclass
class Reads:
    """Where one request (or a stretch of work) reads, and whether it wrote yet.

    Mutable, so that a write anywhere in the request (a context copied into a thread by
    ``sync_to_async`` included) pins the whole request to the primary.
    """

    replica_allowed: bool
    wrote: bool = False


# None (outside any request: tasks, commands, the shell) reads the primary.
_reads: ContextVar[Reads | None] = ContextVar("shop_db_reads", default=None)


@contextmanager
def reads(*, replica_allowed: bool) -> Iterator[Reads]:
    """Route the reads inside to the replica (if allowed) until the first write."""
    outer = _reads.get()
    state = Reads(replica_allowed=replica_allowed)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)
        if state.wrote and outer is not None:
            outer.wrote = True  # a write inside still pins the enclosing request


@contextmanager
def primary_reads() -> Iterator[None]:
    """Read the primary inside, e.g. a task run in the web process, or a cache refill."""
    with reads(replica_allowed=False):
        yield


def read_alias() -> str:
    state = _reads.get()
    if state is None or not state.replica_allowed or state.wrote:
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class PrimaryReplicaRouter:
    """Django's database router over the two aliases; the rules are in the module's note."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Django asks before every save, update, delete and select_for_update().
        state = _reads.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a row read from either may point at one
        # read from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
