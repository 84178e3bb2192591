"""Structured logging: every record carries the id of the request that caused it."""

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("shop_request_id", default="-")


class RequestContextFilter(logging.Filter):
    """Add ``request_id`` to every record so plain and JSON formats can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True
