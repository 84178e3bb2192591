"""DEG-07 (scaled to the shared CI box): 50 shoppers at once against gunicorn, then the
invariants.

Not Locust (not a dependency): 50 threads, each a shopper with its own cookies, browse
and then race to buy one product that has too little stock for all of them. Afterwards
no request failed with a 5xx, stock was never oversold, and each order was placed once.
Latency percentiles are written to the test's temporary folder and printed.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings
from django.db.models import Sum
from django.urls import reverse

from orders.models import Order, OrderLine
from tests.orders.helpers import DETAILS, variant_of
from tests.security.degradation import AppServer, app_env

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SHOPPERS = 50
STOCK = 20  # fewer units than shoppers: the race for the last ones is the test
MAX_ERROR_RATE = 0.01


@pytest.fixture(scope="module")
def shop(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the app processes share the test database: needs PostgreSQL")
    parts = urlsplit(f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}")
    env = app_env(DATABASE_URL=urlunsplit(parts._replace(path=f"/{database['NAME']}")))
    with AppServer(
        env, workers=4, log=tmp_path_factory.mktemp("load-app") / "gunicorn.log"
    ) as server:
        yield server.url


class Shopper:
    """One virtual user: its own cookies; every request's status and latency kept."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=60, headers={"Accept-Language": "en"})
        self.timings: list[tuple[int, float]] = []

    def send(self, method: str, path: str, **kwargs) -> httpx.Response:
        started = time.monotonic()
        response = self.client.request(method, path, **kwargs)
        self.timings.append((response.status_code, time.monotonic() - started))
        return response

    def post(self, path: str, data: dict[str, object]) -> httpx.Response:
        token = self.client.cookies.get("csrftoken", "")
        return self.send("POST", path, data=data, headers={"X-CSRFToken": token})

    def shop_for(self, variant) -> bool:
        """Browse, put the product in the cart and try to place it; return if it was."""
        self.send("GET", "/")
        self.send("GET", f"/p/{variant.product_id}/", follow_redirects=True)
        self.send("GET", "/search/?q=load")
        self.send("GET", "/accounts/login/")  # the CSRF cookie
        self.post(
            reverse("orders:cart_add"),
            {"variant": variant.pk, "product": variant.product_id, "quantity": "1"},
        )
        review = self.send("GET", reverse("orders:checkout"))
        found = re.search(r'name="cart_token" value="([0-9a-f]+)"', review.text)
        if not found:
            return False
        placed = self.post(
            reverse("orders:checkout"), {**DETAILS, "cart_token": found.group(1), "action": "place"}
        )
        return placed.status_code == 302 and "/complete/" in placed.headers.get("Location", "")


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else 0.0


def test_fifty_shoppers_at_once_get_no_5xx_and_never_oversell(shop: str, tmp_path: Path):
    variant = variant_of(price=10000, stock=STOCK)
    shoppers = [Shopper(shop) for _ in range(SHOPPERS)]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
        placed = list(pool.map(lambda shopper: shopper.shop_for(variant), shoppers))
    elapsed = time.monotonic() - started

    timings = [timing for shopper in shoppers for timing in shopper.timings]
    statuses = [status for status, _ in timings]
    latencies = [seconds for _, seconds in timings]
    report = {
        "shoppers": SHOPPERS,
        "requests": len(timings),
        "seconds": round(elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
        "max_ms": round(max(latencies) * 1000),
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
    }
    (tmp_path / "load.json").write_text(json.dumps(report, indent=2))
    print("load:", json.dumps(report))  # noqa: T201  (the figures are the point)

    assert [status for status in statuses if status >= 500] == []
    assert sum(status >= 400 for status in statuses) / len(statuses) < MAX_ERROR_RATE
    # The invariants: every unit sold once, none oversold, one order per success.
    variant.refresh_from_db()
    sold = OrderLine.objects.filter(variant=variant).aggregate(units=Sum("quantity"))["units"]
    assert sum(placed) == STOCK
    assert Order.objects.count() == STOCK
    assert sold == STOCK
    assert variant.stock == 0
