"""Outgoing HTTPS: one TLS context per process for every call to a provider or webhook.

``httpx.request()`` and every new ``httpx.Client()`` load the CA bundle again (certifi,
or ``SSL_CERT_FILE``), about 15 ms of CPU each: that was a third of the worker's time
per 알림톡 and the same in the web process per payment call. An ``ssl.SSLContext`` is
safe to share between threads and connections, so it is built once and handed to
every client as ``verify=``; certificates are still checked exactly as before.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """Return the process's verifying TLS context (httpx's defaults, built once)."""
    return httpx.create_ssl_context()
