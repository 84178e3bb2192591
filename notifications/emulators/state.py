"""What the SENS emulator remembers: sent messages (its inbox), faults, KakaoTalk users.

Kept in the Django cache, shared by the web processes like the payment emulators' state:
throwaway sandbox data with no tables in a production database.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

PREFIX = "sandbox:sens"
TIMEOUT = 24 * 3600
INBOX_SIZE = 200
FAULTS = ("template_not_approved", "server_error")


def _key(*parts: str) -> str:
    return ":".join((PREFIX, *parts))


def _lock(name: str) -> None:
    deadline = time.monotonic() + 5
    while not cache.add(_key("lock", name), 1, 5):
        if time.monotonic() > deadline:
            raise TimeoutError(name)
        time.sleep(0.005)


def _unlock(name: str) -> None:
    cache.delete(_key("lock", name))


def record(entry: dict[str, Any]) -> None:
    """Keep ``entry`` (one delivered SMS or 알림톡) in the inbox, newest first."""
    _lock("inbox")
    try:
        inbox = cache.get(_key("inbox")) or []
        cache.set(_key("inbox"), [entry, *inbox][:INBOX_SIZE], TIMEOUT)
    finally:
        _unlock("inbox")
    if entry.get("messageId"):
        cache.set(_key("message", entry["messageId"]), entry, TIMEOUT)


def inbox() -> list[dict[str, Any]]:
    return cache.get(_key("inbox")) or []


def message(message_id: str) -> dict[str, Any] | None:
    return cache.get(_key("message", message_id))


def set_fault(fault: str, *, times: int = 1) -> None:
    """Make the next ``times`` 알림톡 sends misbehave with ``fault`` (see ``FAULTS``)."""
    if fault not in FAULTS:
        raise ValueError(fault)
    cache.set(_key("fault"), {"fault": fault, "times": times}, TIMEOUT)


def take_fault() -> str:
    _lock("fault")
    try:
        armed = cache.get(_key("fault"))
        if not armed:
            return ""
        if armed["times"] <= 1:
            cache.delete(_key("fault"))
        else:
            cache.set(_key("fault"), {**armed, "times": armed["times"] - 1}, TIMEOUT)
        return armed["fault"]
    finally:
        _unlock("fault")


def set_not_kakao_user(phone: str) -> None:
    """Pretend ``phone`` has no KakaoTalk: its 알림톡 fails and SENS fails over to SMS."""
    numbers = set(cache.get(_key("not_kakao")) or ())
    numbers.add(digits(phone))
    cache.set(_key("not_kakao"), numbers, TIMEOUT)


def is_kakao_user(phone: str) -> bool:
    # 010-0000-xxxx stands for a phone without KakaoTalk in the demo, too.
    number = digits(phone)
    return not number.startswith("0100000") and number not in (cache.get(_key("not_kakao")) or ())


def digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def reset() -> None:
    for name in ("inbox", "fault", "not_kakao"):
        cache.delete(_key(name))
