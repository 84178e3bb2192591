"""``make bench``, checkout part: a rush on one variant, through HTTP and in-process.

Runs on the same stack as ``bench/run.py`` (whose helpers it imports): PostgreSQL, Redis,
gunicorn (2 sync workers, the catalog read cache on, as deployed) and a Celery worker
(the outbox delivers ``OrderPlaced``: its e-mail to a dummy mail backend, its 알림톡 over
HTTP to the SENS emulator on a gunicorn of its own, BENCH_CHECKOUT_PORT + 1), on a port of its own so that a ``run.py`` started beside it does not collide. It
builds its own vendor (with a shipping policy), product and single variant, and puts the
stock back before every round. Each measurement runs BENCH_CHECKOUT_ROUNDS times, after
an unrecorded warm-up round:

* **pages**: BENCH_SHOPPERS concurrent shoppers (threads, each with its own HTTP
  client, ``Browser``) buy one unit each of the same variant through the storefront, as
  a browser without JavaScript does: product page, POST add to cart (with the form's CSRF token),
  checkout page (the reviewed cart's token), POST place with bank transfer (무통장입금),
  order complete page. Every order is a new guest (an empty cookie jar: a new session
  and cart). A shopper stops at its first sold-out answer; the round ends when every
  shopper has stopped, so BENCH_CHECKOUT_STOCK units sell out.
* **api**: the same rush through ``/api/v1/``: product, cart (the CSRF cookie), add a
  line, check out with the cart's token.
* **placement**: ``orders.services.place_order`` alone, in this process: BENCH_PLACERS
  threads (one database connection each) place pre-filled one-unit carts of the same
  variant, BENCH_PLACEMENT_STOCK units and BENCH_PLACERS carts more than that. The
  threads share one interpreter lock, so the rate is bounded by the Python time of one
  placement;
* **placement-processes**: the same with BENCH_PLACEMENT_PROCESSES processes, as
  gunicorn's workers run it: both cores, and only the stock row's lock to share.

Per round: orders/s (orders over the time from the first request to the last order
placed), p50/p95 latency of an order's whole flow, sold-out answers (and where they
came), errors (any 5xx, any unexpected answer), CPU milliseconds per order of the
gunicorn workers, the PostgreSQL backends, the Celery worker and the load generator
(this process; for placement, the placing threads or processes), the rate the two cores
could reach at that cost, the CPU other programs used meanwhile (in cores), and the
oversell check: orders ≤ initial stock, stock never seen below zero (sampled every
20 ms; a CHECK constraint also forbids it), stock left + units ordered == initial
stock, and every order a shopper was answered exists once in the database. For
placement also how long an order held the stock row's lock (from its ``SELECT ... FOR
UPDATE`` returning to its commit), which bounds the rate on one variant.

Results go to ``artifacts/bench/checkout.json`` and a timestamped copy. Environment:
BENCH_CHECKOUT_DATABASE_URL (``shop_bench_checkout``, created and migrated if missing),
BENCH_CHECKOUT_REDIS_URL (local database 14: cache, sessions and broker), BENCH_SHOPPERS (8),
BENCH_CHECKOUT_STOCK (200), BENCH_PLACERS (8), BENCH_PLACEMENT_PROCESSES (4),
BENCH_PLACEMENT_STOCK (500), BENCH_CHECKOUT_ROUNDS (2), BENCH_CHECKOUT_FLOWS
(``pages,api,placement,placement-processes``), BENCH_CHECKOUT_PORT (8772),
BENCH_QUIET_SECONDS (0: how long to wait, before a round, for other programs to leave
the cores below 15 % busy).
"""

from __future__ import annotations

import gzip
import html
import http.client
import json
import multiprocessing
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.cookies import SimpleCookie
from json import dumps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import run as bench  # bench/run.py: the stack's start, stop and CPU helpers

SHOPPERS = int(os.environ.get("BENCH_SHOPPERS", "8"))
HTTP_STOCK = int(os.environ.get("BENCH_CHECKOUT_STOCK", "200"))
PLACERS = int(os.environ.get("BENCH_PLACERS", "8"))
PROCESSES = int(os.environ.get("BENCH_PLACEMENT_PROCESSES", "4"))
PLACEMENT_STOCK = int(os.environ.get("BENCH_PLACEMENT_STOCK", "500"))
ROUNDS = int(os.environ.get("BENCH_CHECKOUT_ROUNDS", "2"))
FLOWS = os.environ.get("BENCH_CHECKOUT_FLOWS", "pages,api,placement,placement-processes").split(",")
PORT = int(os.environ.get("BENCH_CHECKOUT_PORT", "8772"))
QUIET_SECONDS = float(os.environ.get("BENCH_QUIET_SECONDS", "0"))
ROUND_TIMEOUT = 120.0
WARM_UP = 3 * SHOPPERS  # units sold before the rounds: a worker's first requests are slow
# A database and broker of its own: the orders and sessions a rush leaves do not change
# what run.py measures, and the two can run side by side.
DATABASE_URL = os.environ.get(
    "BENCH_CHECKOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_checkout"
)
REDIS_URL = os.environ.get("BENCH_CHECKOUT_REDIS_URL", "redis://127.0.0.1:6379/14")
BASE = f"http://127.0.0.1:{PORT}"
# run.py's helpers read these module globals when called.
bench.PORT, bench.BASE, bench.DATABASE_URL = PORT, BASE, DATABASE_URL
# Each order also goes out as a 알림톡 through the SENS emulator, served by a gunicorn of
# its own: the worker makes the real HTTP call, and the provider's side is not the shop's
# CPU. Without it the calls were refused and their retries kept the worker busy.
EMULATOR_PORT = PORT + 1
bench.ENV.update(
    DATABASE_URL=DATABASE_URL,
    REDIS_URL=REDIS_URL,
    EMAIL_URL="dummymail://",  # the worker sends each order's e-mail to nowhere
    SHOP_SENS_BASE_URL=f"http://127.0.0.1:{EMULATOR_PORT}/sandbox/sens",
)
ROOT = bench.ROOT
CORES = os.cpu_count() or 1
# The targets, orders per second at least (the HTTP flow with 8 shoppers); the
# placement target is checked for the threads, as asked, and for the processes.
TARGETS = {"pages": 30, "placement": 100, "placement-processes": 100}
VENDOR_SLUG = "bench-checkout"
DETAILS = {
    "orderer_name": "김벤치",
    "orderer_email": "bench-buyer@example.com",
    "orderer_phone": "010-1234-5678",
    "recipient_name": "이수령",
    "recipient_phone": "010-8765-4321",
    "postcode": "06236",
    "road_address": "서울특별시 강남구 테헤란로 152",
    "detail_address": "12층",
    "delivery_memo": "문 앞에 놓아 주세요",
    "payment_method": "bank_transfer",
}
HEADERS = {"Accept-Language": "ko"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CART_TOKEN_INPUT = re.compile(r'name="cart_token" value="([^"]+)"')
COMPLETE_PATH = re.compile(r"^/orders/([^/]+)/complete/$")
TITLES = {
    "pages": "product page, add to cart, checkout page, place (bank transfer), complete page",
    "api": "API: product, cart, add line, checkout (bank transfer)",
    "placement": f"orders.services.place_order, {PLACERS} threads of this process",
    "placement-processes": f"orders.services.place_order, {PROCESSES} processes",
}


def main() -> None:
    os.environ.update(bench.ENV)
    bench.prepare_database()
    import django

    sys.path.insert(0, str(ROOT))  # run as a script, so the project is not on the path yet
    django.setup()
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: no task or session left by an older run
    fixture = build_fixture()
    bench.analyze()  # autovacuum is off here: fresh statistics for the tables earlier runs filled
    results: dict[str, Any] = {
        "shoppers": SHOPPERS,
        "http_stock": HTTP_STOCK,
        "placers": PLACERS,
        "placement_processes": PROCESSES,
        "placement_stock": PLACEMENT_STOCK,
        "rounds": [],
    }

    def record(row: dict) -> None:
        results["rounds"].append(row)
        print_progress(row)

    http_flows = [flow for flow in ("pages", "api") if flow in FLOWS]
    if http_flows:
        settings_dir = Path(tempfile.mkdtemp(prefix="bench-checkout-settings-"))
        worker = bench.start_worker()
        emulator = start_emulator()
        server = None
        try:  # the worker and emulator are stopped even when the server does not start
            server = start_server(settings_dir)
            bench.wait_until_up()
            bench.wait_until_up(base=f"http://127.0.0.1:{EMULATOR_PORT}")
            for flow in http_flows:
                http_round(flow, 0, fixture, server, worker, stock=WARM_UP)
                for number in range(1, ROUNDS + 1):
                    record(http_round(flow, number, fixture, server, worker))
        finally:
            if server is not None:
                bench.stop(server)
            bench.stop(worker)
            bench.stop(emulator)
            shutil.rmtree(settings_dir, ignore_errors=True)
        results["steps_in_process"] = {flow: step_costs(flow, fixture) for flow in http_flows}
    if "placement" in FLOWS:
        placement_round(0, fixture, stock=WARM_UP)
        for number in range(1, ROUNDS + 1):
            record(placement_round(number, fixture))
    if "placement-processes" in FLOWS:
        for number in range(1, ROUNDS + 1):
            record(placement_processes_round(number, fixture))
    report(results)


def start_server(settings_dir: Path) -> Any:
    """Start gunicorn as deployed: the catalog's read cache and page cache on."""
    return bench.start_gunicorn(settings_dir, cache_reads=True, cache_pages=True)


def start_emulator() -> Any:
    """Start the providers' emulators (SENS answers the 알림톡) on a gunicorn of their own."""
    return subprocess.Popen(  # noqa: S603
        [
            str(bench.BIN / "gunicorn"),
            "shop.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{EMULATOR_PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=bench.ENV,
    )


# --- The product everyone wants ----------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    product_id: int
    variant_id: int
    product_path: str


def build_fixture() -> Fixture:
    """Create (once) a vendor with a shipping policy and a product sold as one variant."""
    from django.urls import reverse

    from catalog.models import Category, Product, Variant
    from catalog.notices import NoticeType, notice_fields
    from shipping.models import ShippingPolicy
    from vendors.models import Vendor
    from vendors.validators import business_number_check_digit

    first_nine = "812345678"
    vendor, _ = Vendor.objects.update_or_create(
        slug=VENDOR_SLUG,
        defaults={
            "name": "벤치 판매자",
            "business_registration_number": first_nine
            + str(business_number_check_digit(first_nine)),
            "representative_name": "홍길동",
            "contact_email": "bench-vendor@example.com",
            "contact_phone": "02-0000-0000",
            "mail_order_report_number": "2026-서울중구-00001",
            "address": "서울특별시 중구 세종대로 110",
            "status": Vendor.Status.APPROVED,
        },
    )
    ShippingPolicy.objects.update_or_create(
        vendor=vendor,
        is_default=True,
        defaults={
            "name": "기본 배송",
            "fee_type": ShippingPolicy.FeeType.CONDITIONAL_FREE,
            "base_fee": Decimal(3000),
            "free_threshold": Decimal(50000),
            "jeju_surcharge": Decimal(3000),
            "island_surcharge": Decimal(5000),
            "return_fee": Decimal(3000),
            "exchange_fee": Decimal(6000),
        },
    )
    category, _ = Category.objects.get_or_create(slug=VENDOR_SLUG, defaults={"name": "벤치 한정판"})
    product, _ = Product.all_objects.update_or_create(
        vendor=vendor,
        slug="limited",
        defaults={
            "name": "벤치 한정판 텀블러",
            "summary": "한정 수량",
            "price": Decimal(19800),
            "status": Product.Status.ON_SALE,
            "deleted_at": None,
            "notice_type": NoticeType.ETC,
            "notice": dict.fromkeys(notice_fields(NoticeType.ETC), "상세페이지 참조"),
        },
    )
    product.categories.add(category)
    variant, _ = Variant.objects.update_or_create(
        product=product,
        option_key="",
        defaults={"sku": "BENCH-LIMITED", "stock": 0, "is_active": True},
    )
    return Fixture(
        product_id=product.pk,
        variant_id=variant.pk,
        product_path=reverse("catalog:product", args=[product.pk, product.slug]),
    )


def reset_stock(fixture: Fixture, stock: int) -> None:
    """Put ``stock`` units on sale again; drop the product's cached page and old carts."""
    from catalog.models import Product, Variant
    from catalog.selectors.caching import forget_product
    from orders.models import Cart

    Cart.objects.filter(lines__variant_id=fixture.variant_id).delete()
    Variant.objects.filter(pk=fixture.variant_id).update(stock=stock)
    Product.all_objects.filter(pk=fixture.product_id).update(status=Product.Status.ON_SALE)
    forget_product(fixture.product_id)


def stock_now(fixture: Fixture) -> int:
    from catalog.models import Variant

    return Variant.objects.values_list("stock", flat=True).get(pk=fixture.variant_id)


def units_ordered(fixture: Fixture) -> tuple[int, int]:
    """Return (orders, units) of the variant in the database, all rounds so far."""
    from django.db.models import Count, Sum

    from orders.models import OrderLine

    found = OrderLine.objects.filter(variant_id=fixture.variant_id).aggregate(
        orders=Count("order_id", distinct=True), units=Sum("quantity")
    )
    return found["orders"], found["units"] or 0


class StockWatch:
    """Sample the variant's stock every 20 ms in a thread of its own; keep the lowest."""

    def __init__(self, fixture: Fixture) -> None:
        self.fixture = fixture
        self.lowest: int | None = None
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> StockWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        from django.db import connection

        try:
            while not self._stop.is_set():
                stock = stock_now(self.fixture)
                self.samples += 1
                self.lowest = stock if self.lowest is None else min(self.lowest, stock)
                self._stop.wait(0.02)
        finally:
            connection.close()


# --- Outcomes ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the shoppers were answered, collected from every thread."""

    latencies: list[float] = field(default_factory=list)  # seconds, whole flow of an order
    steps: dict[str, list[float]] = field(default_factory=dict)
    sold_out: Counter = field(default_factory=Counter)  # where the sold-out answer came
    errors: Counter = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # the first few unexpected answers
    numbers: list[str] = field(default_factory=list)
    lock_holds: list[float] = field(default_factory=list)  # seconds, placement only
    last_order_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def placed(self, number: str, started: float, steps: dict[str, float]) -> None:
        now = time.perf_counter()
        with self.lock:
            self.numbers.append(number)
            self.latencies.append(now - started)
            self.last_order_at = max(self.last_order_at, now)
            for name, seconds in steps.items():
                self.steps.setdefault(name, []).append(seconds)

    def refused(self, where: str) -> None:
        with self.lock:
            self.sold_out[where] += 1

    def error(self, kind: str, detail: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind}: {detail[:300]}")

    def as_dict(self) -> dict:
        return {
            "latencies": self.latencies,
            "sold_out": dict(self.sold_out),
            "errors": dict(self.errors),
            "samples": self.samples,
            "numbers": self.numbers,
            "lock_holds": self.lock_holds,
            "last_order_at": self.last_order_at,
        }

    def merge(self, other: dict) -> None:
        self.latencies += other["latencies"]
        self.sold_out.update(other["sold_out"])
        self.errors.update(other["errors"])
        self.samples = (self.samples + other["samples"])[:5]
        self.numbers += other["numbers"]
        self.lock_holds += other["lock_holds"]
        self.last_order_at = max(self.last_order_at, other["last_order_at"])


class UnexpectedAnswerError(Exception):
    def __init__(self, kind: str, response: Any = None, detail: str = "") -> None:
        self.kind = kind
        self.detail = detail or (describe(response) if response is not None else "")
        super().__init__(self.kind)


def describe(response: Any) -> str:
    """One line about an answer (a ``Browser`` answer, or httpx's in-process)."""
    request = response.request
    path = request.url.path if hasattr(request, "url") else request.path
    return (
        f"{request.method} {path} -> {response.status_code} "
        f"{response.headers.get('location', '')} {response.text[:200]!r}"
    )


class SoldOutError(Exception):
    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(where)


def expect(response: Any, *statuses: int) -> Any:
    if response.status_code >= 500:
        raise UnexpectedAnswerError("5xx", response)
    if response.status_code not in statuses:
        raise UnexpectedAnswerError(f"HTTP {response.status_code}", response)
    return response


def timed(steps: dict[str, float], name: str, call: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.perf_counter()
    try:
        return call(*args, **kwargs)
    finally:
        steps[name] = time.perf_counter() - started


# --- The shoppers' HTTP client -----------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    method: str
    path: str


@dataclass(frozen=True)
class Answer:
    """What ``Browser`` got back: the parts of ``httpx.Response`` the flows read."""

    status_code: int
    headers: Any  # http.client.HTTPMessage: case-insensitive, .get()
    content: bytes
    request: Sent

    @property
    def text(self) -> str:
        return self.content.decode()

    def json(self) -> Any:
        return json.loads(self.content)


class Browser:
    """A shopper's HTTP/1.1 client on ``http.client``: cookies, forms, JSON, gzip.

    The load generator shares the two cores with the shop, so its own cost lowers the
    rate measured. httpx spent about 0.9 ms of CPU per request (11 ms per order, more
    than the database); this does the same work (a cookie jar, form and JSON bodies,
    gzip answers as a browser asks for them) in about 0.2 ms. The in-process step costs
    keep httpx, whose WSGI transport calls the application without a socket.
    """

    def __init__(self, base: str, headers: dict[str, str], timeout: float = 30) -> None:
        url = urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        self.headers = {**headers, "Accept-Encoding": "gzip"}
        self.cookies: dict[str, str] = {}

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(
        self,
        path: str,
        *,
        data: dict | None = None,
        json: Any = None,
        params: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        if params:
            path = f"{path}?{urlencode(params)}"
        if json is not None:
            body, kind = dumps(json).encode(), "application/json"
        else:
            body, kind = urlencode(data or {}).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": kind, **(headers or {})})

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body, sent)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        for header in response.headers.get_all("Set-Cookie") or ():
            self.keep_cookie(header)
        if response.headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        return Answer(response.status, response.headers, content, Sent(method, path))

    def keep_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:  # Django's delete_cookie
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


# --- The storefront flow -----------------------------------------------------------------------


def page_order(client: Any, fixture: Fixture, steps: dict[str, float]) -> str:
    """Buy one unit as a new guest through the pages; return the order number."""
    page = expect(timed(steps, "product page", client.get, fixture.product_path), 200)
    if "product__soldout" in page.text:
        raise SoldOutError("product page")
    csrf = CSRF_INPUT.search(page.text)
    if csrf is None:
        raise UnexpectedAnswerError("no CSRF token", page)
    added = timed(
        steps,
        "add to cart",
        client.post,
        "/cart/add/",
        data={
            "csrfmiddlewaretoken": csrf.group(1),
            "product": fixture.product_id,
            "variant": fixture.variant_id,
            "quantity": 1,
        },
    )
    expect(added, 302)
    review = expect(timed(steps, "checkout page", client.get, "/checkout/"), 200, 302)
    if review.status_code == 302:  # the add was refused (the cart is empty) or is sold out now
        raise SoldOutError("add to cart")
    token = CART_TOKEN_INPUT.search(review.text)
    csrf = CSRF_INPUT.search(review.text)
    if token is None or csrf is None:
        raise UnexpectedAnswerError("no cart token", review)
    placed = timed(
        steps,
        "place",
        client.post,
        "/checkout/",
        data={
            "csrfmiddlewaretoken": csrf.group(1),
            "action": "place",
            "cart_token": html.unescape(token.group(1)),
            **DETAILS,
        },
    )
    expect(placed, 302)
    location = urlsplit(placed.headers["location"]).path
    found = COMPLETE_PATH.match(location)
    if found is None:
        refusal_on_cart_page(client)
        raise SoldOutError("place")
    complete = expect(timed(steps, "complete page", client.get, location), 200)
    if found.group(1) not in complete.text:
        raise UnexpectedAnswerError("complete page without the order number", complete)
    return found.group(1)


def refusal_on_cart_page(client: Any) -> None:
    """Raise unless the placement was refused for stock (the cart page shows why)."""
    from django.utils import translation
    from django.utils.translation import gettext

    cart_page = expect(client.get("/cart/"), 200)
    with translation.override("ko"):
        changed = html.escape(gettext("Your cart changed since you reviewed it."))
    if changed in cart_page.text:
        raise UnexpectedAnswerError("cart changed", detail="place refused: the cart changed")


# --- The API flow ------------------------------------------------------------------------------


def api_order(client: Any, fixture: Fixture, steps: dict[str, float]) -> str:
    """Buy one unit as a new guest through /api/v1/; return the order number."""
    product = f"/api/v1/products/{fixture.product_id}/"
    expect(timed(steps, "product", client.get, product), 200)
    expect(timed(steps, "cart", client.get, "/api/v1/cart/"), 200)
    csrf = {"X-CSRFToken": client.cookies.get("csrftoken", "")}
    added = timed(
        steps,
        "add line",
        client.post,
        "/api/v1/cart/lines/",
        params={"postcode": DETAILS["postcode"]},  # the quote the checkout will be for
        json={"variant_id": fixture.variant_id, "product_id": fixture.product_id, "quantity": 1},
        headers=csrf,
    )
    expect(added, 201, 409)
    if added.status_code == 409:
        raise SoldOutError("add line")
    body = {**DETAILS, "cart_token": added.json()["token"]}
    placed = timed(steps, "checkout", client.post, "/api/v1/checkout/", json=body, headers=csrf)
    expect(placed, 201, 409)
    if placed.status_code == 409:
        if placed.json().get("code") != "out_of_stock":
            raise UnexpectedAnswerError("409 not for stock", placed)
        raise SoldOutError("checkout")
    return placed.json()["order"]["number"]


FLOW_STEPS = {"pages": page_order, "api": api_order}


def http_round(
    flow: str, number: int, fixture: Fixture, server: Any, worker: Any, *, stock: int = HTTP_STOCK
) -> dict:
    """Let SHOPPERS buy ``stock`` units until sold out; round 0 is the unrecorded warm-up."""
    reset_stock(fixture, stock)
    before = units_ordered(fixture)
    order_of = FLOW_STEPS[flow]
    tally = Tally()
    start_line = threading.Barrier(SHOPPERS + 1)
    deadline = time.perf_counter() + ROUND_TIMEOUT

    def shopper() -> None:
        with Browser(BASE, HEADERS) as client:
            start_line.wait()
            while time.perf_counter() < deadline:
                client.cookies.clear()  # a new guest: no session, no cart
                steps: dict[str, float] = {}
                started = time.perf_counter()
                try:
                    order_number = order_of(client, fixture, steps)
                except SoldOutError as refusal:
                    tally.refused(refusal.where)
                    return
                except UnexpectedAnswerError as error:
                    tally.error(error.kind, error.detail)
                except (OSError, http.client.HTTPException) as error:
                    tally.error(type(error).__name__, str(error))
                else:
                    tally.placed(order_number, started, steps)

    threads = [threading.Thread(target=shopper) for _ in range(SHOPPERS)]
    for thread in threads:
        thread.start()
    wait_for_quiet()
    with StockWatch(fixture) as watch:
        cpu_before = cpu_now(server, worker)
        start_line.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        cpu_after = cpu_now(server, worker)
    return summarize(
        flow,
        number,
        fixture,
        tally,
        started=started,
        stock=stock,
        before=before,
        watch=watch,
        cpu=(cpu_before, cpu_after),
        concurrency=SHOPPERS,
    )


class MeasuredApp:
    """The WSGI application, counting each request's CPU time and SQL queries."""

    def __init__(self) -> None:
        from django.core.wsgi import get_wsgi_application

        self.app = get_wsgi_application()
        self.calls: list[tuple[float, int]] = []

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        began = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(self.app(environ, start_response))
        self.calls.append((time.process_time() - began, len(queries.captured_queries)))
        return [body]


def step_costs(flow: str, fixture: Fixture, *, orders: int = 10) -> dict[str, dict]:
    """Return the server's CPU ms and SQL queries for each step of ``flow``, in this process.

    The same flow through httpx's WSGI transport, one order at a time after as many
    unmeasured (medians; CPU includes counting the queries). Deterministic where the
    rates are not: the queries, and roughly where the CPU of an order goes.
    """
    app = MeasuredApp()
    reset_stock(fixture, 2 * orders)
    costs: dict[str, list[tuple[float, int]]] = {}
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url="http://127.0.0.1", headers=HEADERS) as client:
        for number in range(2 * orders):
            client.cookies.clear()
            app.calls.clear()
            steps: dict[str, float] = {}
            FLOW_STEPS[flow](client, fixture, steps)
            if number >= orders:
                for name, call in zip(steps, app.calls, strict=True):
                    costs.setdefault(name, []).append(call)
    return {
        name: {
            "cpu_ms": round(statistics.median(cpu for cpu, _ in calls) * 1000, 2),
            "queries": max(count for _, count in calls),
        }
        for name, calls in costs.items()
    }


# --- Placement alone ---------------------------------------------------------------------------


def prefill_carts(fixture: Fixture, count: int) -> list[tuple[Any, str]]:
    """Return ``count`` guest carts of one unit each, with the token of their review."""
    from orders import selectors
    from orders.models import Cart, CartLine
    from orders.models.cart import config_key

    stamp = f"bench-{time.time_ns()}"
    carts = Cart.objects.bulk_create(Cart(session_key=f"{stamp}-{n}") for n in range(count))
    key = config_key([], {})
    CartLine.objects.bulk_create(
        CartLine(cart=cart, variant_id=fixture.variant_id, quantity=1, config_key=key)
        for cart in carts
    )
    return [(cart, selectors.cart_view(cart, postcode=DETAILS["postcode"]).token) for cart in carts]


def place_all(next_cart: Any, tally: Tally) -> None:
    """Place carts from ``next_cart()`` until it raises ``queue.Empty``, counting outcomes."""
    from orders import services
    from orders.exceptions import OrderError, OrderErrorCode

    while True:
        try:
            cart, token = next_cart()
        except queue.Empty:
            return
        started = time.perf_counter()
        try:
            placed = services.place_order(cart=cart, details=DETAILS, cart_token=token)
        except OrderError as error:
            if error.code == OrderErrorCode.OUT_OF_STOCK:
                tally.refused("place_order")
            else:
                tally.error(str(error.code), str(error.fields))
        except Exception as error:  # a deadlock or crash is a finding, not a stop
            tally.error(type(error).__name__, str(error))
        else:
            tally.placed(placed.order.number, started, {})


class LockTimer:
    """Time how long each placement holds the stock row's lock: from getting it to commit.

    Wraps, in this process only, ``orders.services.stock.take_variants`` (the lock is got
    when its ``SELECT ... FOR UPDATE`` returns) and the database connection's commit.
    Orders per second on one variant cannot exceed 1 / the mean hold.
    """

    def __init__(self) -> None:
        self.holds: list[float] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    def __enter__(self) -> LockTimer:
        from django.db.backends.base.base import BaseDatabaseWrapper

        from orders.services import stock

        self._take, self._commit = stock.take_variants, BaseDatabaseWrapper.commit
        timer = self

        def locked(execute: Any, sql: str, *args: Any) -> Any:
            result = execute(sql, *args)
            if "FOR UPDATE" in sql:
                timer._local.since = time.perf_counter()
            return result

        def take_variants(**kwargs: Any) -> None:
            from django.db import connection

            try:
                with connection.execute_wrapper(locked):
                    timer._take(**kwargs)
            except BaseException:
                timer._local.since = None  # refused: rolled back, not committed
                raise

        def commit(connection: Any) -> None:
            timer._commit(connection)
            since = getattr(timer._local, "since", None)
            if since is not None:
                timer._local.since = None
                with timer._lock:
                    timer.holds.append(time.perf_counter() - since)

        stock.take_variants, BaseDatabaseWrapper.commit = take_variants, commit
        return self

    def __exit__(self, *exc: object) -> None:
        from django.db.backends.base.base import BaseDatabaseWrapper

        from orders.services import stock

        stock.take_variants, BaseDatabaseWrapper.commit = self._take, self._commit


def placement_round(number: int, fixture: Fixture, *, stock: int = PLACEMENT_STOCK) -> dict:
    """Place pre-filled carts of the same variant from PLACERS threads; the service only.

    The threads keep their database connections until their backends' CPU is read.
    """
    from django.db import connection

    reset_stock(fixture, stock)
    before = units_ordered(fixture)
    work: queue.SimpleQueue = queue.SimpleQueue()
    for item in prefill_carts(fixture, stock + PLACERS):  # PLACERS sold-out answers at the end
        work.put(item)
    tally = Tally()
    start_line = threading.Barrier(PLACERS + 1)
    finish_line = threading.Barrier(PLACERS + 1)
    measured = threading.Event()

    def placer() -> None:
        try:
            start_line.wait()
            place_all(work.get_nowait, tally)
            finish_line.wait()
            measured.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=placer) for _ in range(PLACERS)]
    for thread in threads:
        thread.start()
    wait_for_quiet()
    with StockWatch(fixture) as watch, LockTimer() as lock_timer:
        cpu_before = cpu_now(None, None)
        start_line.wait()
        started = time.perf_counter()
        finish_line.wait()
        cpu_after = cpu_now(None, None)
        measured.set()
        for thread in threads:
            thread.join()
    tally.lock_holds = lock_timer.holds
    return summarize(
        "placement",
        number,
        fixture,
        tally,
        started=started,
        stock=stock,
        before=before,
        watch=watch,
        cpu=(cpu_before, cpu_after),
        concurrency=PLACERS,
    )


def placement_processes_round(
    number: int, fixture: Fixture, *, stock: int = PLACEMENT_STOCK
) -> dict:
    """Place pre-filled carts from PROCESSES fresh processes (each warmed up on its own)."""
    from django.db import connections

    reset_stock(fixture, stock + PROCESSES * 3)  # three warm-up orders a process
    before = units_ordered(fixture)
    context = multiprocessing.get_context("spawn")  # a clean interpreter, as a worker has
    work = context.Queue()
    for item in prefill_carts(fixture, stock + PROCESSES * 4):  # sold out answers at the end
        work.put(item)
    results = context.Queue()
    warm_line, start_line, finish_line = (context.Barrier(PROCESSES + 1) for _ in range(3))
    measured = context.Event()
    connections.close_all()
    processes = [
        context.Process(
            target=placing_process,
            args=(work, results, warm_line, start_line, finish_line, measured),
        )
        for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    warm_line.wait()  # every process placed its warm-up orders
    wait_for_quiet()
    tally = Tally()
    with StockWatch(fixture) as watch:
        cpu_before = cpu_now(None, None)
        start_line.wait()
        started = time.perf_counter()
        finish_line.wait()
        cpu_after = cpu_now(None, None)
        measured.set()
        outcomes = [results.get(timeout=ROUND_TIMEOUT) for _ in processes]
        for process in processes:
            process.join()
    placers_cpu = 0.0
    for outcome in outcomes:
        tally.merge(outcome["tally"])
        placers_cpu += outcome["cpu"]
    cpu_after["client"] += placers_cpu
    warm_orders = PROCESSES * 3
    return summarize(
        "placement-processes",
        number,
        fixture,
        tally,
        started=started,
        stock=stock + warm_orders,
        before=before,
        watch=watch,
        cpu=(cpu_before, cpu_after),
        concurrency=PROCESSES,
        warm_orders=warm_orders,
    )


def placing_process(
    work: Any, results: Any, warm_line: Any, start_line: Any, finish_line: Any, measured: Any
) -> None:
    """One placing process: set Django up, place three carts unmeasured, then the rush."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection

    warm = Tally()
    for _ in range(3):
        one: queue.SimpleQueue = queue.SimpleQueue()
        one.put(work.get())
        place_all(one.get_nowait, warm)
    warm_line.wait()
    tally = Tally()
    start_line.wait()
    cpu = time.process_time()
    with LockTimer() as lock_timer:
        # Not get_nowait: it gives up at once while another process holds the queue's lock.
        place_all(lambda: work.get(timeout=1), tally)
    cpu = time.process_time() - cpu
    tally.lock_holds = lock_timer.holds
    finish_line.wait()
    measured.wait()
    connection.close()
    results.put({"tally": tally.as_dict(), "cpu": cpu})


# --- Figures -----------------------------------------------------------------------------------


def machine_busy() -> float:
    """CPU seconds every program on the machine has used so far (/proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    )
    return (user + nice + system + irq + softirq) / bench.CLOCK_TICKS


def wait_for_quiet() -> None:
    """Wait up to QUIET_SECONDS for a second in which the cores are less than 15 % busy."""
    deadline = time.monotonic() + QUIET_SECONDS
    while time.monotonic() < deadline:
        before = machine_busy()
        time.sleep(1)
        if machine_busy() - before < 0.15 * CORES:
            return


def cpu_now(server: Any, worker: Any) -> dict[str, float]:
    """CPU seconds so far: gunicorn workers, the database's backends, Celery, this process."""
    app, db = bench.cpu_seconds(server) if server is not None else (0.0, db_cpu())
    return {
        "app": app,
        "db": db,
        "worker": tree_cpu(worker.pid) if worker is not None else 0.0,
        "client": time.process_time(),
        "machine": machine_busy(),
        "wall": time.perf_counter(),
    }


def db_cpu() -> float:
    from django.db import connection

    name = bench.DATABASE_URL.rsplit("/", 1)[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return sum(bench._process_cpu(pid) for pid in backends)


def tree_cpu(pid: int) -> float:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return bench._process_cpu(pid) + sum(bench._process_cpu(int(child)) for child in children)


def percentile(values: list[float], cut: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100)[cut - 1]


def summarize(
    flow: str,
    number: int,
    fixture: Fixture,
    tally: Tally,
    *,
    started: float,
    stock: int,
    before: tuple[int, int],
    watch: StockWatch,
    cpu: tuple[dict[str, float], dict[str, float]],
    concurrency: int,
    warm_orders: int = 0,
) -> dict:
    """One round's figures and its oversell check (``warm_orders``: placed before it)."""
    orders_after, units_after = units_ordered(fixture)
    orders = orders_after - before[0]
    units = units_after - before[1]
    left = stock_now(fixture)
    answered = len(tally.numbers)
    elapsed = (tally.last_order_at - started) if answered else 0.0
    spent = {name: cpu[1][name] - cpu[0][name] for name in cpu[0]}
    ours = sum(spent[name] for name in ("app", "db", "worker", "client"))
    cpu_ms = {
        name: round(spent[name] * 1000 / max(answered, 1), 2)
        for name in ("app", "db", "worker", "client")
    }
    busy = sum(cpu_ms.values())
    server = busy - cpu_ms["client"] if flow in FLOW_STEPS else busy
    lowest = min(watch.lowest if watch.lowest is not None else left, left)
    checks = {
        "orders_within_stock": orders <= stock,
        "stock_never_negative": lowest >= 0,
        "stock_plus_ordered_is_initial": left + units == stock,
        "answers_match_database": answered + warm_orders == orders
        and len(set(tally.numbers)) == answered,
    }
    return {
        "flow": flow,
        "round": number,
        "concurrency": concurrency,
        "initial_stock": stock - warm_orders,
        "orders": answered,
        "orders_in_database": orders - warm_orders,
        "units_ordered": units - warm_orders,
        "stock_left": left,
        "lowest_stock_seen": lowest,
        "stock_samples": watch.samples,
        "seconds": round(elapsed, 2),
        "orders_per_s": round(answered / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(tally.latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(tally.latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(tally.latencies, 99) * 1000, 1),
        "steps_p50_ms": {
            name: round(percentile(values, 50) * 1000, 1) for name, values in tally.steps.items()
        },
        "lock_held_p50_ms": round(percentile(tally.lock_holds, 50) * 1000, 2),
        "lock_held_p95_ms": round(percentile(tally.lock_holds, 95) * 1000, 2),
        "lock_bound_orders_per_s": (
            round(len(tally.lock_holds) / sum(tally.lock_holds)) if tally.lock_holds else None
        ),
        "sold_out": sum(tally.sold_out.values()),
        "sold_out_at": dict(tally.sold_out),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "error_samples": tally.samples,
        "cpu_ms_per_order": cpu_ms,
        "cpu_bound_orders_per_s": round(CORES * 1000 / busy, 1) if busy else None,
        "server_cpu_bound_orders_per_s": round(CORES * 1000 / server, 1) if server else None,
        "other_load_cores": round(max(spent["machine"] - ours, 0) / spent["wall"], 2),
        "checks": checks,
        "oversold": not (
            checks["orders_within_stock"]
            and checks["stock_never_negative"]
            and checks["stock_plus_ordered_is_initial"]
        ),
    }


def print_progress(row: dict) -> None:
    print(
        f"  {row['flow']:19} round {row['round']}: {row['orders']} orders in {row['seconds']} s,"
        f" {row['orders_per_s']} orders/s, p95 {row['p95_ms']} ms, sold out {row['sold_out']},"
        f" errors {row['errors']}, stock left {row['stock_left']}",
        flush=True,
    )


def report(results: dict) -> None:
    rows = results["rounds"]
    print(f"\nCheckout benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {CORES} cores")
    print(
        f"everyone buys one unit of the same variant. HTTP: {SHOPPERS} shoppers (threads, a new"
        f" guest per order), gunicorn -w 2 (sync) on loopback, {HTTP_STOCK} in stock, until sold"
        f" out. Placement: {PLACEMENT_STOCK} in stock, one cart per unit and a few more"
    )
    for flow in dict.fromkeys(row["flow"] for row in rows):
        print(f"  {flow}: {TITLES[flow]}")
    header = (
        f"{'flow':19} {'round':>5} {'orders':>6} {'orders/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'sold-out':>8} {'errors':>6} {'app ms':>6} {'db ms':>5} {'celery':>6} "
        f"{'client':>6} {'cpu-bound/s':>11} {'other load':>10} {'oversell':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu = row["cpu_ms_per_order"]
        print(
            f"{row['flow']:19} {row['round']:>5} {row['orders']:>6} {row['orders_per_s']:>8} "
            f"{row['p50_ms']:>7} {row['p95_ms']:>7} {row['sold_out']:>8} {row['errors']:>6} "
            f"{cpu['app']:>6} {cpu['db']:>5} {cpu['worker']:>6} {cpu['client']:>6} "
            f"{row['cpu_bound_orders_per_s'] or '-':>11} {row['other_load_cores']:>10} "
            f"{'YES' if row['oversold'] else 'none':>8}"
        )
    print(
        "p50/p95: an order's whole flow. app, db, celery, client: CPU ms per order of the"
        " gunicorn workers, the PostgreSQL backends, the Celery worker and the load generator"
        " (placement: the placing threads or processes themselves). cpu-bound/s:"
        f" {CORES} cores / their sum. other load: cores other programs kept busy meanwhile"
    )
    for row in rows:
        if row["steps_p50_ms"]:
            steps = ", ".join(f"{name} {ms}" for name, ms in row["steps_p50_ms"].items())
            print(
                f"  {row['flow']} round {row['round']}: p50 ms per step: {steps}; without the"
                f" load generator the cores could serve {row['server_cpu_bound_orders_per_s']}/s"
            )
        if row["lock_bound_orders_per_s"]:
            print(
                f"  {row['flow']} round {row['round']}: the stock row lock was held p50"
                f" {row['lock_held_p50_ms']} ms, p95 {row['lock_held_p95_ms']} ms (from the"
                f" SELECT FOR UPDATE to the commit): at most {row['lock_bound_orders_per_s']}"
                " orders/s on one variant"
            )
        for sample in row["error_samples"]:
            print(f"  {row['flow']} round {row['round']} error: {sample}")
    for flow, steps in results.get("steps_in_process", {}).items():
        parts = ", ".join(
            f"{name} {cost['cpu_ms']} ms {cost['queries']} SQL" for name, cost in steps.items()
        )
        total = round(sum(cost["cpu_ms"] for cost in steps.values()), 1)
        print(f"  {flow}, one order at a time in-process, server CPU and SQL per step: {parts}")
        print(f"    (together {total} ms)")
    print("\ntargets:")
    for line in check_targets(rows):
        print(f"  {line}")
    out = ROOT / "artifacts" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps({"when": stamp, **results}, indent=2, ensure_ascii=False)
    (out / f"checkout-{stamp}.json").write_text(text)
    (out / "checkout.json").write_text(text)
    print(f"\nJSON: {out / 'checkout.json'}")


def check_targets(rows: list[dict]) -> list[str]:
    """Return one line per target: met or missed, with every round's figure."""
    clean = not any(row["oversold"] for row in rows)
    consistent = all(row["checks"]["answers_match_database"] for row in rows)
    lines = [
        f"{'met   ' if clean else 'MISSED'} zero oversell: "
        + "; ".join(
            f"{row['flow']} {row['round']}: {row['orders_in_database']} orders for "
            f"{row['initial_stock']} units, {row['stock_left']} left, lowest seen "
            f"{row['lowest_stock_seen']}"
            for row in rows
        ),
        f"{'met   ' if consistent else 'MISSED'} every order answered is in the database once",
    ]
    for flow, target in TARGETS.items():
        figures = [row for row in rows if row["flow"] == flow]
        if not figures:
            continue
        met = all(row["orders_per_s"] >= target and not row["errors"] for row in figures)
        who = {"pages": f"{SHOPPERS} shoppers", "placement": f"{PLACERS} threads"}.get(
            flow, f"{PROCESSES} processes"
        )
        lines.append(
            f"{'met   ' if met else 'MISSED'} {flow} ({who}): "
            + ", ".join(f"{row['orders_per_s']} orders/s" for row in figures)
            + f" (≥ {target}, no error)"
        )
    return lines


if __name__ == "__main__":
    main()
