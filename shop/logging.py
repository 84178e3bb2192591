"""Structured logging: every record carries the id of the request that caused it.

The same filter masks what a log line must never carry (passwords, provider tokens,
billing keys, phone numbers, card and resident registration numbers; PRIV-05): it is on
every handler of ``LOGGING``, so the console and the messenger alerts see masked text.
"""

import logging
from contextvars import ContextVar

from shop.dlp import mask_log_text

request_id_var: ContextVar[str] = ContextVar("shop_request_id", default="-")
_traceback_formatter = logging.Formatter()


class RequestContextFilter(logging.Filter):
    """Add ``request_id`` to every record and mask secrets in its message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        mask_record(record)
        return True


def mask_record(record: logging.LogRecord) -> None:
    """Replace the record's message (and traceback) by its masked text, once."""
    if getattr(record, "masked", False):
        return
    message = record.getMessage()
    masked = mask_log_text(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text when it is set, so the traceback goes out masked too.
        record.exc_text = _traceback_formatter.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_log_text(record.exc_text)
    record.masked = True
