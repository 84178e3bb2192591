"""Probe the web process from inside its container: ``python deploy/healthcheck.py /livez``.

Exits 0 when the path answers 200. The request names the shop's own host (the first of
DJANGO_ALLOWED_HOSTS): Django refuses any other Host header with a 400, so a probe of
``http://127.0.0.1:8000/livez`` as such would always fail. Standard library only, so it
costs a few milliseconds and imports nothing of the shop.
"""

from __future__ import annotations

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    """Return a host name Django accepts: the first allowed one, without a leading dot."""
    first = allowed_hosts.split(",")[0].strip().lstrip(".")
    return first if first and first != "*" else "localhost"


def main(path: str) -> int:
    port = int(os.environ.get("PORT", "8000"))
    host = probe_host(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"{path}: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"{path}: HTTP {status}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/livez"))
