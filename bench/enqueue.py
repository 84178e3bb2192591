"""Measure what enqueueing a Celery task costs the web process, against the real Redis broker.

A request that publishes a domain event pays for one message to the broker (the outbox
hands the event to ``deliver_event`` after commit). This times that hand-off alone:
``apply_async`` of ``deliver_event`` through the process's producer pool, warm (as in a
running web process), on loopback Redis. The messages go to a queue of their own that no
worker reads, and the queue is deleted afterwards, so nothing is delivered.

Usage: ``.venv/bin/python bench/enqueue.py`` (BENCH_REDIS_URL, BENCH_ENQUEUES). Results go to
``artifacts/bench/enqueue.json`` for ``bench/summary.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
COUNT = int(os.environ.get("BENCH_ENQUEUES", "2000"))
QUEUE = "bench-enqueue"  # read by no worker


def main() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shop.settings.local",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from shop.celery import app
    from shop.tasks import deliver_event

    if app.conf.task_always_eager:
        sys.exit("the broker is not in use (tasks run eagerly): set BENCH_REDIS_URL")
    for _ in range(50):  # warm: the first call opens the connection and declares the queue
        deliver_event.apply_async((0,), queue=QUEUE)
    costs = []
    for _ in range(COUNT):
        started = time.perf_counter_ns()
        deliver_event.apply_async((0,), queue=QUEUE)
        costs.append((time.perf_counter_ns() - started) / 1000)
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(QUEUE)
    cuts = statistics.quantiles(costs, n=100)
    figures = {
        "enqueues": COUNT,
        "enqueue_p50_us": round(cuts[49]),
        "enqueue_p95_us": round(cuts[94]),
        "enqueue_p99_us": round(cuts[98]),
        "enqueue_mean_us": round(statistics.fmean(costs)),
    }
    print(f"\nEnqueue benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, broker {REDIS_URL}")
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "enqueue.json").write_text(json.dumps(figures, indent=2))
    print(f"\nJSON: {out / 'enqueue.json'}")


if __name__ == "__main__":
    main()
