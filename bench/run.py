"""``make bench``: measure the shop on this machine and print one table (and JSON).

Runs the real stack: PostgreSQL, Redis, gunicorn (2 sync workers) and a Celery
worker, all on loopback, against a generated catalog (``generate_catalog``: 10,000
products in 50 categories across 3 vendors, 3 variants each; built once, reused while
its shape is the same). Figures:

* pages: requests/s and p50/p95/p99 latency under ``wrk`` (8 connections, closed
  loop, so the generator shares the two cores with the server), CPU milliseconds per
  request of the gunicorn workers and of their PostgreSQL backends, with the rate the two
  cores could serve at that cost (robust when the machine is shared with other work,
  which req/s and latency are not), SQL queries per request (counted in-process, deterministic), and
  each page's rate as a share of a trivial view on the same server (the stack's ceiling).
  The catalog pages (home, category page 1 and 10, product, search, product API) run
  three times: as deployed, with the page cache (``CATALOG_CACHE_PAGES``: storefront
  pages kept whole under the version tokens every catalog event moves on, completed per
  visitor, see shop/pagecache.py; the figures the cached targets are checked on); with
  the read cache only (data and fragments cached under those tokens, every page
  rendered); and with no cache (``CATALOG_CACHE_READS = False``: every read from the
  database, every page rendered);
* events: publish-to-delivered latency (p50/p95/p99) through the outbox and a real
  worker at a paced rate, and delivery throughput in a burst.

Results go to ``artifacts/bench/latest.json`` and a timestamped copy, so two runs
can be compared (``pages``: no cache, ``pages_cached``: read cache on,
``pages_page_cached``: page cache on too). Environment: BENCH_DATABASE_URL,
BENCH_REDIS_URL, BENCH_SECONDS, BENCH_EVENTS, BENCH_PRODUCTS (catalog size), BENCH_SEARCH
(the search word), BENCH_CACHE (which catalog runs to make: ``all``, the default;
``both``: off and on; ``off``, ``reads`` or ``on``: one of them).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

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
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "10000"))
SEARCH = os.environ.get("BENCH_SEARCH", "데일리")  # an adjective and a brand: many matches
# (catalog read cache, page cache) of each run, and the key of its results.
CACHE_RUNS = {"off": (False, False), "reads": (True, False), "on": (True, True)}
RESULT_KEYS = {"off": "pages", "reads": "pages_cached", "on": "pages_page_cached"}
CACHE_MODES = {
    "all": ("off", "reads", "on"),
    "both": ("off", "on"),
    "off": ("off",),
    "reads": ("reads",),
    "on": ("on",),
}[os.environ.get("BENCH_CACHE", "all")]
CATEGORY_PAGE = 10  # the deep page: reached by following the keyset cursor
BIN = Path(sys.executable).parent
# The in-process query counts run without collectstatic: whitenoise's warning is noise here.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Targets of the catalog issue (req/s at least, p95 at most); SQL ≤ 10 on every page.
TARGETS = {
    "category page 1": {"rps": 250, "p95_ms": 50},
    f"category page {CATEGORY_PAGE}": {"rps": 250, "p95_ms": 50},
    "product detail": {"rps": 300},
    "API: product list": {"rps": 250},
}
MAX_STOREFRONT_QUERIES = 10

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
    catalog_line = build_catalog()
    token = create_bench_user()
    import django

    sys.path.insert(0, str(ROOT))  # run as a script, so the project is not on the path yet
    django.setup()
    analyze()
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: nothing cached from an older catalog
    settings_dir = Path(tempfile.mkdtemp(prefix="bench-settings-"))
    results: dict = {"catalog": {"generate_catalog": catalog_line}}
    worker = start_worker()
    try:
        for mode in CACHE_MODES:
            cache_reads, cache_pages = CACHE_RUNS[mode]
            server = start_gunicorn(settings_dir, cache_reads=cache_reads, cache_pages=cache_pages)
            try:
                wait_until_up()
                if "paths" not in results["catalog"]:
                    results["catalog"].update(catalog_paths())
                pages = (
                    catalog_pages(results["catalog"])
                    if cache_reads
                    else all_pages(results["catalog"])
                )
                results[RESULT_KEYS[mode]] = bench_pages(
                    pages, token, server, cache_reads=cache_reads, cache_pages=cache_pages
                )
            finally:
                stop(server)
        results["events"] = bench_events()
    finally:
        stop(worker)
        shutil.rmtree(settings_dir, ignore_errors=True)
    report(results)


def stop(process: subprocess.Popen) -> None:
    """Stop a server or worker: gracefully, then (a worker still finishing tasks) for good.

    A Celery worker's warm shutdown waits for the tasks it is running, which a slow machine
    may not finish in time; SIGQUIT is its cold shutdown, SIGKILL the last resort.
    """
    for sig, seconds in ((signal.SIGTERM, 30), (signal.SIGQUIT, 10), (signal.SIGKILL, 10)):
        process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
            return
        except subprocess.TimeoutExpired:
            print(f"  {Path(process.args[0]).name} did not stop on {sig.name}")


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


def build_catalog() -> str:
    """Generate the benchmark catalog unless one of the same shape is already there."""
    started = time.perf_counter()
    out = manage(
        "generate_catalog",
        "--products",
        str(PRODUCTS),
        "--categories",
        "50",
        "--vendors",
        "3",
        "--variants",
        "3",
        "--keep-if-same",
    ).strip()
    line = out.splitlines()[-1] if out else "generate_catalog: no output"
    print(f"{line} ({time.perf_counter() - started:.1f} s)", flush=True)
    return line


def analyze() -> None:
    """Vacuum and analyse every table, as autovacuum does on a live database after a load
    (this machine's PostgreSQL runs with autovacuum off).

    generate_catalog bulk-inserts and analyses the catalog's tables, but:

    * ``vendors_vendor`` (three rows) never reaches autovacuum's analyse threshold of 50
      changed rows; unanalysed, PostgreSQL guesses that one vendor in two hundred is
      approved and plans a category page as a scan of every product (15 ms) instead of a
      walk of the sort index (about 1 ms);
    * the trigram GIN indexes keep freshly inserted rows in their pending list until a
      vacuum, so until then a search scans the table (28 ms for a word nothing matches,
      0.05 ms after it).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def create_bench_user() -> str:
    code = (
        "from accounts.models import User; from rest_framework.authtoken.models import Token;"
        "u, _ = User.objects.get_or_create(email='bench@example.com', defaults={'name': 'Bench'});"
        "print(Token.objects.get_or_create(user=u)[0].key)"
    )
    return manage("shell", "-c", code).strip().splitlines()[-1]


def start_gunicorn(settings_dir: Path, *, cache_reads: bool, cache_pages: bool) -> subprocess.Popen:
    """Start gunicorn on the embedded settings, with the catalog's caches on or off."""
    module = f"bench_settings_{int(cache_reads)}{int(cache_pages)}"
    (settings_dir / f"{module}.py").write_text(
        "from shop.settings.base import *  # noqa: F403\n"
        f"CATALOG_CACHE_READS = {cache_reads}\nCATALOG_CACHE_PAGES = {cache_pages}\n"
    )
    return subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "shop.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--pythonpath",
            f"{ROOT},{settings_dir}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**ENV, "DJANGO_SETTINGS_MODULE": module},
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


def wait_until_up(timeout: float = 30.0, *, base: str = "") -> None:
    """Wait for the gunicorn at ``base`` (the bench's server by default) to answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base or BASE}/livez", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    sys.exit("gunicorn did not start")


TRIVIAL = ("trivial view (ceiling)", "/livez", False)
OTHER_PAGES = [
    ("health check", "/healthz", False),
    ("API: me", "/api/v1/me/", True),
    ("API: my addresses", "/api/v1/me/addresses/", True),
]


def catalog_paths() -> dict:
    """Find the benchmark's URLs in the generated catalog; page 10 by following the cursor."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from catalog.filters import SORT_ORDERINGS
    from catalog.management.commands.generate_catalog import CATEGORY_PREFIX, VENDOR_PREFIX
    from catalog.models import Category, Product
    from catalog.selectors import PAGE_SIZE, visible_products

    leaf = (
        Category.objects.filter(slug__startswith=CATEGORY_PREFIX, parent__isnull=False)
        .annotate(count=Count("products"))
        .order_by("-count", "pk")
        .first()
    )
    if leaf is None:
        sys.exit("no generated category: did generate_catalog run?")
    first = reverse("catalog:category", args=[leaf.slug])
    url = first
    for _ in range(CATEGORY_PAGE - 1):
        body = httpx.get(BASE + url, headers={"Accept-Language": "ko"}, timeout=10).text
        found = re.search(r'<link rel="next" href="([^"]+)"', body)
        if found is None:
            sys.exit(f"{url} has no next page: fewer than {CATEGORY_PAGE} pages in {leaf.slug}")
        url = html.unescape(found.group(1))
    product = (
        Product.objects.filter(vendor__slug__startswith=VENDOR_PREFIX)
        .annotate(variant_count=Count("variants", filter=Q(variants__is_active=True)))
        .filter(variant_count__gte=3)
        .order_by(*SORT_ORDERINGS["newest"])
        .first()
    )
    words = visible_products().filter(
        Q(name__icontains=SEARCH) | Q(brand__icontains=SEARCH) | Q(summary__icontains=SEARCH)
    )
    return {
        "products": PRODUCTS,
        "category": leaf.slug,
        "category_products": leaf.count,
        "page_size": PAGE_SIZE,
        "search": SEARCH,
        "search_matches": words.count(),
        "paths": {
            "category_1": first,
            "category_10": url,
            "product": reverse("catalog:product", args=[product.pk, product.slug]),
            "product_api": f"/api/v1/products/{product.pk}/",
            "search": f"/search/?q={quote(SEARCH)}",
            "api_list": f"/api/v1/products/?page_size={PAGE_SIZE}",
            "api_category": f"/api/v1/products/?category={leaf.slug}&page_size={PAGE_SIZE}",
        },
    }


def catalog_pages(catalog: dict) -> list[tuple[str, str, bool]]:
    paths = catalog["paths"]
    return [
        TRIVIAL,
        ("storefront home", "/", False),
        ("category page 1", paths["category_1"], False),
        (f"category page {CATEGORY_PAGE}", paths["category_10"], False),
        ("product detail", paths["product"], False),
        ("search", paths["search"], False),
        ("API: product list", paths["api_list"], False),
        ("API: list in category", paths["api_category"], False),
        ("API: product detail", paths["product_api"], False),
    ]


def all_pages(catalog: dict) -> list[tuple[str, str, bool]]:
    return catalog_pages(catalog) + OTHER_PAGES


def bench_pages(
    pages: list[tuple[str, str, bool]],
    token: str,
    server: subprocess.Popen,
    *,
    cache_reads: bool,
    cache_pages: bool,
) -> list[dict]:
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    mode = "page cached" if cache_pages else "cached" if cache_reads else "uncached"
    print(
        f"\npages, catalog read cache {'on' if cache_reads else 'off'}, "
        f"page cache {'on' if cache_pages else 'off'}:",
        flush=True,
    )
    for label, path, authenticated in pages:
        headers = ["-H", f"Authorization: Bearer {token}"] if authenticated else []
        headers += ["-H", "Accept-Language: ko"]
        status = httpx.get(BASE + path, headers=_header_dict(headers), timeout=10).status_code
        if status != 200:
            sys.exit(f"{label}: {path} answered {status}")
        before = cpu_seconds(server)
        out = subprocess.run(  # noqa: S603
            ["wrk", "-t1", "-c8", f"-d{SECONDS}s", "-s", script.name, *headers, BASE + path],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        after = cpu_seconds(server)
        line = next(row for row in out.splitlines() if row.startswith("BENCH "))
        requests, errors, duration, p50, p95, p99 = (float(x) for x in line.split()[1:])
        row = {
            "page": label,
            "path": path,
            "mode": mode,
            "rps": round(requests / duration, 1),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "p99_ms": round(p99, 2),
            "app_cpu_ms": round((after[0] - before[0]) * 1000 / max(requests, 1), 2),
            "db_cpu_ms": round((after[1] - before[1]) * 1000 / max(requests, 1), 2),
            "errors": int(errors),
            "queries": count_queries(
                path, token if authenticated else None, cache_reads, cache_pages
            ),
        }
        # What the cores could serve if they did nothing else: robust on a shared machine,
        # where req/s and latency depend on the neighbours (wrk's own cost left out).
        busy = row["app_cpu_ms"] + row["db_cpu_ms"]
        row["cpu_bound_rps"] = round((os.cpu_count() or 1) * 1000 / busy) if busy else None
        results.append(row)
        print(f"  {label:26} {row['rps']:>8} req/s  p95 {row['p95_ms']} ms", flush=True)
    os.unlink(script.name)
    ceiling = results[0]["rps"] or 1
    for row in results:
        row["share_of_ceiling"] = round(row["rps"] / ceiling, 2)
    return results


def _header_dict(headers: list[str]) -> dict[str, str]:
    pairs = (item.split(": ", 1) for item in headers[1::2])
    return dict(pairs)


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def cpu_seconds(server: subprocess.Popen) -> tuple[float, float]:
    """Return the CPU seconds so far of gunicorn's workers and of the bench database's backends."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    app = sum(_process_cpu(int(pid)) for pid in children)
    from django.db import connection

    name = DATABASE_URL.rsplit("/", 1)[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return app, sum(_process_cpu(pid) for pid in backends)


def count_queries(path: str, token: str | None, cache_reads: bool, cache_pages: bool) -> int:
    """Return the SQL queries of one warm request, counted in this process (a visitor
    without a session: with the page cache, a page served from it)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ko", **headers)
    with override_settings(CATALOG_CACHE_READS=cache_reads, CATALOG_CACHE_PAGES=cache_pages):
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
    catalog = results["catalog"]
    print(f"\nShop benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(f"wrk -t1 -c8 -d{SECONDS}s against gunicorn -w 2 (sync) on loopback; PostgreSQL, Redis")
    print(
        f"catalog: {catalog['generate_catalog']}\n"
        f"category {catalog['category']} ({catalog['category_products']} products, "
        f"{catalog['page_size']} a page); search {catalog['search']!r} matches "
        f"{catalog['search_matches']} products"
    )
    for key, title in RUN_TITLES.items():
        if key in results:
            print(f"\n{title}")
            _print_pages(results[key])
    checked = next((key for key in RUN_TITLES if key in results), None)
    if checked is not None:
        label = {"pages_page_cached": "page cache on", "pages_cached": "read cache on"}
        print(f"\ntargets ({label.get(checked, 'no cache')}):")
        for line in check_targets(results[checked]):
            print(f"  {line}")
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


RUN_TITLES = {
    "pages_page_cached": "page cache ON (as deployed: pages kept whole, completed per visitor)",
    "pages_cached": "catalog read cache ON, page cache OFF (every page rendered)",
    "pages": "no cache (every read from the database, every page rendered)",
}


def _print_pages(rows: list[dict]) -> None:
    header = (
        f"{'page':26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'app ms':>7} {'db ms':>6} {'cpu-bound/s':>11} {'SQL':>4} {'ceiling':>8} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['page']:26} {row['rps']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['p99_ms']:>8} {row['app_cpu_ms']:>7} {row['db_cpu_ms']:>6} "
            f"{row['cpu_bound_rps'] or '-':>11} {row['queries']:>4} "
            f"{row['share_of_ceiling']:>8} {row['errors']:>6}"
        )
    print(
        "app ms, db ms: CPU per request of the gunicorn workers and their PostgreSQL backends;"
        f" cpu-bound/s: {os.cpu_count()} cores / (app + db), the rate an otherwise idle"
        " machine could reach"
    )


def check_targets(rows: list[dict]) -> list[str]:
    """Return one line per target: met or missed, with the figure."""
    lines = []
    by_page = {row["page"]: row for row in rows}
    for page, target in TARGETS.items():
        row = by_page[page]
        parts = [f"{row['rps']} req/s (≥ {target['rps']})"]
        met = row["rps"] >= target["rps"]
        if "p95_ms" in target:
            parts.append(f"p95 {row['p95_ms']} ms (≤ {target['p95_ms']})")
            met = met and row["p95_ms"] <= target["p95_ms"]
        lines.append(f"{'met   ' if met else 'MISSED'} {page}: {', '.join(parts)}")
    storefront = [
        row for row in rows if not row["path"].startswith(("/api/", "/livez", "/healthz"))
    ]
    worst = max(storefront, key=lambda row: row["queries"])
    met = worst["queries"] <= MAX_STOREFRONT_QUERIES
    lines.append(
        f"{'met   ' if met else 'MISSED'} SQL per storefront page: at most {worst['queries']} "
        f"({worst['page']}; ≤ {MAX_STOREFRONT_QUERIES})"
    )
    return lines


if __name__ == "__main__":
    main()
