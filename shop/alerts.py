"""Error alerts to a messenger: one short message per distinct error per dedupe window.

Two kinds of log records become alerts (LOGGING wires the handler to both loggers):
unhandled exceptions, logged by ``django.request`` with ``exc_info``, and anything
logged on ``shop.alerts.task_failures`` (a Celery task that failed for good, an event
that could not be delivered). The handler formats the record without personal data
(no body, no cookies, no query string) and hands it to the ``shop.tasks.send_alert``
task, which POSTs it to ``SHOP_ALERT_WEBHOOK_URL`` as Slack's ``{"text"}`` or
Discord's ``{"content"}``. The same error (logger, exception type, message template,
code location) is sent at most once per ``ALERT_DEDUPE_SECONDS``, counted with an
atomic ``cache.add`` so the window holds across processes when the cache is Redis.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import traceback
from typing import Any
from urllib.parse import urlsplit

import httpx
from celery.signals import task_failure
from django.conf import settings
from django.core.cache import cache

from shop.dlp import mask_log_text
from shop.http import tls_context

TASK_FAILURE_LOGGER = "shop.alerts.task_failures"
SEND_ALERT_TASK = "shop.tasks.send_alert"
# Discord refuses content over 2,000 characters; Slack's limit is far higher.
MAX_TEXT_LENGTH = 1900
MAX_EXCEPTION_MESSAGE_LENGTH = 300

task_failures = logging.getLogger(TASK_FAILURE_LOGGER)
logger = logging.getLogger(__name__)
_local = threading.local()
# Used only while the shared cache does not answer, so an outage of Redis does not
# turn every error into a message.
_fallback_seen: dict[str, float] = {}
_fallback_lock = threading.Lock()


class TransientAlertError(Exception):
    """The messenger could not be reached or asked us to come back later."""


class MessengerAlertHandler(logging.Handler):
    """Queue an alert for each new unhandled error or task failure."""

    def emit(self, record: logging.LogRecord) -> None:
        # Whatever the alert path itself logs (a broker error while queueing, say)
        # must not come back here and alert about the alert.
        if getattr(_local, "emitting", False) or not is_alertable(record):
            return
        _local.emitting = True
        try:
            queue_alert(record)
        except Exception:
            self.handleError(record)
        finally:
            _local.emitting = False


def is_alertable(record: logging.LogRecord) -> bool:
    """Tell whether a record is an unhandled exception or a task failure."""
    has_exception = bool(record.exc_info) and record.exc_info[0] is not None
    return has_exception or record.name == TASK_FAILURE_LOGGER


def queue_alert(record: logging.LogRecord) -> bool:
    """Hand the record's alert to the messenger task unless it was sent recently."""
    if not settings.ALERT_WEBHOOK_URL or not _first_in_window(fingerprint(record)):
        return False
    from shop.tasks import send_alert  # shop.tasks imports this module

    send_alert.delay(text=format_alert(record))
    return True


def fingerprint(record: logging.LogRecord) -> str:
    """Identify "the same error": logger, exception type, message template and code location."""
    exception_type = ""
    location = f"{record.pathname}:{record.lineno}"
    if record.exc_info and record.exc_info[0] is not None:
        exception_type = _qualified_name(record.exc_info[0])
        frames = traceback.extract_tb(record.exc_info[2])
        if frames:
            location = f"{frames[-1].filename}:{frames[-1].lineno}"
    group = getattr(record, "alert_group", "")
    parts = (record.name, exception_type, str(record.msg), location, group)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _first_in_window(key: str) -> bool:
    added = cache.add(f"shop:alert:{key}", 1, timeout=settings.ALERT_DEDUPE_SECONDS)
    if added is not None:
        return bool(added)
    # django-redis with IGNORE_EXCEPTIONS answers None when Redis is down.
    now = time.monotonic()
    with _fallback_lock:
        if _fallback_seen.get(key, 0.0) > now:
            return False
        for stale in [seen for seen, until in _fallback_seen.items() if until <= now]:
            del _fallback_seen[stale]
        _fallback_seen[key] = now + settings.ALERT_DEDUPE_SECONDS
        return True


def format_alert(record: logging.LogRecord) -> str:
    """Write the alert text: what failed, where, in which request; never personal data."""
    lines = [f"[{record.levelname}] {settings.SITE_URL}", _safe_message(record)]
    request = getattr(record, "request", None)
    if request is not None:
        request_id = getattr(request, "request_id", getattr(record, "request_id", "-"))
        # The path only: a query string may carry tokens or e-mail addresses.
        lines.append(f"Request: {request.method} {request.path} (request id {request_id})")
    elif getattr(record, "request_id", "-") != "-":
        lines.append(f"Request id: {record.request_id}")
    if record.exc_info and record.exc_info[1] is not None:
        lines.append(f"Exception: {describe_exception(record.exc_info[1])}")
        frames = traceback.extract_tb(record.exc_info[2])
        if frames:
            last = frames[-1]
            lines.append(f"Where: {last.filename}:{last.lineno} in {last.name}")
    lines.append(f"Logger: {record.name}")
    # The exception's own message is not masked by the log filter: mask the whole text.
    text = mask_log_text("\n".join(lines))
    return text if len(text) <= MAX_TEXT_LENGTH else text[: MAX_TEXT_LENGTH - 1] + "…"


def describe_exception(exc: BaseException) -> str:
    """Return ``Type: message`` with the message cut short."""
    message = str(exc)
    if len(message) > MAX_EXCEPTION_MESSAGE_LENGTH:
        message = message[: MAX_EXCEPTION_MESSAGE_LENGTH - 1] + "…"
    return f"{_qualified_name(type(exc))}: {message}" if message else _qualified_name(type(exc))


def _safe_message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a bad format string must not lose the alert
        return str(record.msg)


def _qualified_name(cls: type) -> str:
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def payload_for(text: str, *, url: str, kind: str) -> dict[str, str]:
    """Shape the body for the messenger: Discord wants ``content``, Slack ``text``."""
    if kind == "auto":
        kind = "discord" if "discord" in (urlsplit(url).hostname or "") else "slack"
    return {"content": text} if kind == "discord" else {"text": text}


def post_alert(text: str) -> None:
    """POST one alert to the messenger webhook.

    Raises TransientAlertError when trying again later may help (network error,
    429, 5xx); a 4xx is a configuration mistake and is only logged.
    """
    url = settings.ALERT_WEBHOOK_URL
    if not url:
        return
    body = payload_for(text, url=url, kind=settings.ALERT_WEBHOOK_KIND)
    try:
        response = httpx.post(
            url, json=body, timeout=settings.ALERT_TIMEOUT_SECONDS, verify=tls_context()
        )
    except httpx.TransportError as exc:
        raise TransientAlertError(describe_exception(exc)) from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientAlertError(f"messenger answered {response.status_code}")
    if response.status_code >= 400:
        logger.warning("The messenger refused an alert with status %s", response.status_code)


@task_failure.connect(dispatch_uid="shop.alerts.alert_task_failure")
def alert_task_failure(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    einfo: Any = None,
    **kwargs: Any,
) -> None:
    """Log a task that failed for good (retries raise Retry, which is no failure)."""
    name = getattr(sender, "name", str(sender))
    if name == SEND_ALERT_TASK or exception is None:
        return
    exc_info = getattr(einfo, "exc_info", None) or (
        type(exception),
        exception,
        exception.__traceback__,
    )
    task_failures.error(
        "Task %s (id %s) failed for good: %s",
        name,
        task_id,
        describe_exception(exception),
        exc_info=exc_info,
        extra={"alert_group": name},
    )
