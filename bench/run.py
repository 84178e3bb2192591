"""``make bench``: measure the shop on this machine and print one table (and JSON).

Runs the real stack: PostgreSQL, Redis, gunicorn (2 sync workers) and a Celery
worker, all on loopback. Figures:

* pages: requests/s and p50/p95/p99 latency under ``wrk`` (8 connections, closed
  loop, so the generator shares the two cores with the server), SQL queries per
  request (counted in-process, deterministic), and each page's rate as a share of
  a trivial view on the same server (the stack's ceiling);
* events: publish-to-delivered latency (p50/p95/p99) through the outbox and a real
  worker at a paced rate, and delivery throughput in a burst.

Results go to ``artifacts/bench/latest.json`` and a timestamped copy, so two runs
can be compared. Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SECONDS,
BENCH_EVENTS.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PORT = 8771
BASE = f"http://127.0.0.1:{PORT}"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "300"))
EVENT_PACED = int(os.environ.get("BENCH_PACED_EVENTS", "100"))
EVENT_RATE = float(os.environ.get("BENCH_PACED_RATE", "20"))
BIN = Path(sys.executable).parent

ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "shop.settings.base",  # embedded defaults, DEBUG off
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DJANGO_CONN_MAX_AGE": "600",
    "SHOP_LOG_LEVEL": "WARNING",
    "SHOP_API_ANON_RATE": "1000000/min",
    "SHOP_API_USER_RATE": "1000000/min",
}

# wrk prints its own percentiles; this script adds p95 and a machine-readable line.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %f %f %f %f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk (make bench does this)")
    os.environ.update(ENV)
    prepare_database()
    token = create_bench_user()
    import django

    sys.path.insert(0, str(ROOT))  # run as a script, so the project is not on the path yet
    django.setup()
    processes = [start_gunicorn(), start_worker()]
    try:
        wait_until_up()
        pages = bench_pages(token)
        events = bench_events()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    report({"pages": pages, "events": events})


def manage(*args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[-1]
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],  # noqa: S607
        capture_output=True,
        check=False,
    )
    manage("migrate", "--noinput")


def create_bench_user() -> str:
    code = (
        "from accounts.models import User; from rest_framework.authtoken.models import Token;"
        "u, _ = User.objects.get_or_create(email='bench@example.com', defaults={'name': 'Bench'});"
        "print(Token.objects.get_or_create(user=u)[0].key)"
    )
    return manage("shell", "-c", code).strip().splitlines()[-1]


def start_gunicorn() -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "shop.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "celery"),
            "-A",
            "shop",
            "worker",
            "-Q",
            "default,media",
            "-c",
            "2",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )


def wait_until_up(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{BASE}/livez", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not start")


PAGES = [
    ("trivial view (ceiling)", "/livez", False),
    ("storefront home", "/", False),
    ("health check", "/healthz", False),
    ("API: me", "/api/v1/me/", True),
    ("API: my addresses", "/api/v1/me/addresses/", True),
]


def bench_pages(token: str) -> list[dict]:
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    for label, path, authenticated in PAGES:
        headers = ["-H", f"Authorization: Bearer {token}"] if authenticated else []
        headers += ["-H", "Accept-Language: ko"]
        out = subprocess.run(  # noqa: S603
            ["wrk", "-t1", "-c8", f"-d{SECONDS}s", "-s", script.name, *headers, BASE + path],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(row for row in out.splitlines() if row.startswith("BENCH "))
        requests, errors, duration, p50, p95, p99 = (float(x) for x in line.split()[1:])
        results.append(
            {
                "page": label,
                "path": path,
                "rps": round(requests / duration, 1),
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "p99_ms": round(p99, 2),
                "errors": int(errors),
                "queries": count_queries(path, token if authenticated else None),
            }
        )
    ceiling = results[0]["rps"] or 1
    for row in results:
        row["share_of_ceiling"] = round(row["rps"] / ceiling, 2)
    return results


def count_queries(path: str, token: str | None) -> int:
    """Return the SQL queries of one warm request, counted in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ko", **headers)
    client.get(path)  # warm caches and the connection, as a running server would be
    with CaptureQueriesContext(connection) as context:
        client.get(path)
    return len(context.captured_queries)


def bench_events() -> dict:
    """Time the outbox through the real worker: latency when paced, throughput in a burst.

    Paced: events published at EVENT_RATE per second, well below capacity, so the
    latency is the path itself (commit, broker, worker, listeners), not a queue.
    Burst: EVENTS published as fast as one process can; delivered/s is the capacity.
    """
    paced = _publish_and_wait(count=EVENT_PACED, interval=1 / EVENT_RATE)
    burst = _publish_and_wait(count=EVENTS, interval=0)
    return {
        "paced_events": EVENT_PACED,
        "paced_rate_per_s": EVENT_RATE,
        "delivery_p50_ms": paced["p50"],
        "delivery_p95_ms": paced["p95"],
        "delivery_p99_ms": paced["p99"],
        "burst_events": EVENTS,
        "published_per_s": burst["published_per_s"],
        "delivered_per_s": burst["delivered_per_s"],
        "undelivered": paced["undelivered"] + burst["undelivered"],
    }


def _publish_and_wait(*, count: int, interval: float) -> dict:
    from django.db import transaction

    from shop.events import AdminObjectChanged, publish
    from shop.models import AuditEvent

    ids = []
    start = time.perf_counter()
    for n in range(count):
        with transaction.atomic():
            event = AdminObjectChanged(
                model="bench.Ping", object_id=str(n), object_repr="ping", changes={}
            )
            ids.append(publish(event).pk)
        if interval:
            time.sleep(interval)
    publish_seconds = time.perf_counter() - start
    rows = AuditEvent.objects.filter(pk__in=ids)
    deadline = time.monotonic() + 120
    while rows.filter(delivered_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    times = list(rows.values_list("created_at", "delivered_at"))
    latencies = sorted((done - created).total_seconds() * 1000 for created, done in times if done)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    delivered = [done for _, done in times if done]
    span = (
        (max(delivered) - min(created for created, _ in times)).total_seconds() if delivered else 0
    )
    return {
        "p50": round(cuts[49], 1),
        "p95": round(cuts[94], 1),
        "p99": round(cuts[98], 1),
        "published_per_s": round(count / publish_seconds, 1),
        "delivered_per_s": round(len(delivered) / span, 1) if span else 0,
        "undelivered": count - len(delivered),
    }


def report(results: dict) -> None:
    print(f"\nShop benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(f"wrk -t1 -c8 -d{SECONDS}s against gunicorn -w 2 on loopback; PostgreSQL, Redis\n")
    header = f"{'page':26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'SQL':>4} {'ceiling':>8} {'errors':>6}"
    print(header)
    print("-" * len(header))
    for row in results["pages"]:
        print(
            f"{row['page']:26} {row['rps']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['p99_ms']:>8} {row['queries']:>4} {row['share_of_ceiling']:>8} {row['errors']:>6}"
        )
    events = results["events"]
    print(
        f"\nevents, paced ({events['paced_events']} at {events['paced_rate_per_s']}/s): "
        f"publish→delivered p50 {events['delivery_p50_ms']} ms, p95 {events['delivery_p95_ms']} ms, "
        f"p99 {events['delivery_p99_ms']} ms"
    )
    print(
        f"events, burst ({events['burst_events']}, one transaction each): published "
        f"{events['published_per_s']}/s, delivered {events['delivered_per_s']}/s; "
        f"undelivered {events['undelivered']}"
    )
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps({"when": stamp, **results}, indent=2, ensure_ascii=False)
    (out / f"{stamp}.json").write_text(text)
    (out / "latest.json").write_text(text)
    print(f"\nJSON: {out / 'latest.json'}")


if __name__ == "__main__":
    main()
