"""gunicorn settings of the shop's web processes: ``gunicorn shop.wsgi -c deploy/gunicorn.conf.py``.

Why these values (docs/deploy.md has the whole picture):

- **sync workers.** The shop's views are CPU-bound Python (a storefront page is ~5 ms of
  CPU and ~0.5 ms of PostgreSQL). Measured on the 2-core box (shared/reference/performance.md
  §1.3), gthread workers were no faster than sync for such pages (the GIL) and had more
  latency variance, and ASGI workers running these sync views were 3-4x slower. A sync
  worker is defenceless against a slow client, so it always sits behind nginx, which
  buffers whole requests and responses (deploy/nginx.conf).
- **2 workers per core.** One core's worth of workers is enough for pure CPU work; the
  second half covers the time a worker waits on PostgreSQL, Redis, object storage or a
  payment provider (up to SHOP_PAYMENTS_HTTP_TIMEOUT_SECONDS). ``WEB_CONCURRENCY``
  overrides it.
- Cores are counted the way a container sees them: CPU affinity and the cgroup CPU quota
  (``docker run --cpus 2`` on a 32-core host must not start 64 workers).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max ..."


def available_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """Return the cores this process may use: its CPU affinity capped by the cgroup quota."""
    cores = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()[:2]
    except (OSError, ValueError):
        return cores
    if quota == "max":
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


wsgi_app = "shop.wsgi:application"
# PORT: the platform's (Heroku-style) port; nginx reaches this one, nothing else does.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * available_cores())

# The longest legitimate request is a staff upload of a video at CATALOG_MAX_VIDEO_BYTES
# (500 MiB), copied to object storage inside the request; a storefront page takes
# milliseconds, and provider calls time out after 15 s. A worker silent for longer than
# this is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)
# On SIGTERM (a rolling restart) a worker finishes the request it is serving first.
graceful_timeout = 30

# Each worker is replaced after about a thousand requests, at staggered counts so the
# workers never restart together: a slow leak (a library's cache, fragmentation after a
# large upload) cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# The heartbeat file lives in memory: on a container's overlay disk a slow fsync could
# make a healthy worker look dead. (gunicorn creates it there with mkstemp.)
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108  # nosec B108  # mkstemp names the file
worker_tmp_dir = str(SHARED_MEMORY) if SHARED_MEMORY.is_dir() else None

# Logs to standard output and error, where the container runtime collects them. The
# access line carries the request id the shop returns in X-Request-ID (the same id is
# on the application's log lines) and the client address as nginx saw it. The path is
# logged without its query string: return URLs carry one-time payment tokens.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
)
