"""DEG-01, DEG-02, DEG-03, ASYNC-04: Redis (cache and broker) killed under a running shop.

The shop runs as in production: gunicorn and a Celery worker process, the cache and
the broker on a ``redis-server`` of this module's own (no persistence), the test
database on PostgreSQL. Faults injected: Redis killed during browse, login session,
cart and checkout (1), after tasks were published, losing them (1), and under the
limiters against guessing (1).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from notifications.models import Message
from orders.models import Order
from shop.models import AuditEvent
from tests.orders.helpers import variant_of
from tests.security.degradation import (
    CELERY,
    PASSWORD,
    REPO,
    AppServer,
    Browser,
    CeleryWorker,
    RedisServer,
    app_env,
    member,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DELIVERY_SECONDS = 60.0


@pytest.fixture(scope="module")
def shop_env(
    django_db_setup: None, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The production wiring: Redis for cache, sessions' cache and broker; our test DB."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the app processes share the test database: needs PostgreSQL")
    parts = urlsplit(f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}")
    mail = tmp_path_factory.mktemp("mail")
    return app_env(
        DATABASE_URL=urlunsplit(parts._replace(path=f"/{database['NAME']}")),
        REDIS_URL=redis_server.url,
        # django-environ takes the path after the URL's third slash: one more for "/tmp".
        EMAIL_URL=f"filemail:///{mail}",
        # The periodic re-delivery takes events pending longer than this.
        SHOP_EVENT_REDELIVERY_AFTER_SECONDS="1",
    )


@pytest.fixture(scope="module")
def shop(shop_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with AppServer(
        shop_env, log=Path(tmp_path_factory.mktemp("redis-app")) / "gunicorn.log"
    ) as server:
        yield server.url


@pytest.fixture
def worker(shop_env: dict[str, str], tmp_path: Path) -> Iterator[CeleryWorker]:
    with CeleryWorker(shop_env, log=tmp_path / "worker.log") as process:
        yield process


@pytest.fixture
def redis_up(redis_server: RedisServer) -> Iterator[RedisServer]:
    """Redis running at the start and the end of each test, whatever the test did to it."""
    if redis_server.process is None:
        redis_server.start()
    yield redis_server
    if redis_server.process is None:
        redis_server.start()


def order_placed_event(order: Order) -> AuditEvent:
    return AuditEvent.objects.get(event_type="orders.OrderPlaced", subject_id=str(order.pk))


def run_periodic_redelivery(env: dict[str, str]) -> None:
    """What beat does every minute: queue every event still pending (shop.tasks)."""
    subprocess.run(  # noqa: S603  (our own binary and arguments)
        [CELERY, "--app=shop", "call", "shop.tasks.redeliver_events"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=60,
        stdout=subprocess.DEVNULL,
    )


def queued_tasks(server: RedisServer) -> int:
    """Messages waiting in the default queue (kombu keeps one list per priority step)."""
    broker = redis.Redis.from_url(server.url)
    return sum(broker.llen(key) for key in broker.scan_iter(match="default*"))


def sent_notices(order: Order) -> int:
    return Message.objects.filter(
        template_code="order.placed", body__contains=order.number, status=Message.Status.SENT
    ).count()


def mails_in(env: dict[str, str]) -> str:
    folder = Path(env["EMAIL_URL"].removeprefix("filemail:///"))
    return "".join(path.read_text(errors="replace") for path in sorted(folder.glob("*")))


def test_with_redis_dead_the_shop_browses_keeps_sessions_places_orders_and_reports_it(
    shop: str, shop_env: dict[str, str], redis_up: RedisServer, worker: CeleryWorker
):
    variant = variant_of(price=20000, stock=5)
    buyer = member()
    browser = Browser(shop)
    browser.log_in(buyer.email)
    assert browser.get("/healthz").status_code == 200

    redis_up.stop()

    # Browsing, slower perhaps, but served.
    assert browser.get("/").status_code == 200
    assert browser.get(f"/p/{variant.product_id}/").status_code in (200, 301, 302)
    assert browser.get("/search/?q=degrade").status_code == 200
    # The login survives: the session is read back from the database (cached_db).
    profile = browser.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert buyer.email in profile.text
    # Checkout commits the order although its event cannot reach the broker.
    complete = browser.place_order(variant)
    order = Order.objects.get(user=buyer)
    assert order.number in complete
    assert browser.get(complete).status_code == 200
    variant.refresh_from_db()
    assert variant.stock == 4
    assert order_placed_event(order).delivery_status == AuditEvent.Delivery.PENDING
    # The load balancer is told what is wrong, by name only.
    health = browser.client.get("/healthz")
    assert health.status_code == 503
    assert set(health.json()["failing"]) == {"cache", "broker"}
    assert redis_up.url not in health.text

    redis_up.start()
    run_periodic_redelivery(shop_env)

    wait_for(
        lambda: order_placed_event(order).delivery_status == AuditEvent.Delivery.DELIVERED,
        timeout=DELIVERY_SECONDS,
        what="the OrderPlaced event to be delivered after Redis returned",
    )
    wait_for(
        lambda: order.number in mails_in(shop_env),
        timeout=DELIVERY_SECONDS,
        what="the order e-mail to be sent",
    )
    assert sent_notices(order) == 1
    assert browser.get("/healthz").status_code == 200


def test_tasks_lost_with_a_redis_restarted_without_persistence_are_sent_again_from_the_outbox(
    shop: str, shop_env: dict[str, str], redis_up: RedisServer, tmp_path: Path
):
    variant = variant_of(price=15000, stock=5)
    buyer = member()
    browser = Browser(shop)
    browser.log_in(buyer.email)
    browser.place_order(variant)  # no worker runs: the delivery task waits in Redis
    order = Order.objects.get(user=buyer)
    assert queued_tasks(redis_up) >= 1

    redis_up.stop()  # the queued task dies with it (no RDB, no AOF)
    redis_up.start()
    assert queued_tasks(redis_up) == 0
    late = CeleryWorker(shop_env, log=tmp_path / "late-worker.log")
    late.start()
    try:
        assert order_placed_event(order).delivery_status == AuditEvent.Delivery.PENDING
        run_periodic_redelivery(shop_env)
        wait_for(
            lambda: order_placed_event(order).delivery_status == AuditEvent.Delivery.DELIVERED,
            timeout=DELIVERY_SECONDS,
            what="the lost event to be delivered by the periodic re-delivery",
        )
    finally:
        late.stop()
    assert order.number in mails_in(shop_env)
    assert sent_notices(order) == 1


def test_with_redis_dead_security_limiters_fail_closed_while_browsing_stays_open(
    shop: str, redis_up: RedisServer
):
    """DEG-02: limits against guessing cannot count without Redis, so they refuse."""
    variant = variant_of(price=9000, stock=3)
    buyer = member()
    browser = Browser(shop)
    browser.log_in(buyer.email)
    stranger = Browser(shop)
    stranger.get("/accounts/login/")  # holds a CSRF cookie, as a browser on the form would

    redis_up.stop()

    # Guessing a password or a coupon code is refused, not counted-as-zero and allowed.
    login = stranger.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    assert login.status_code == 429
    assert "sessionid" not in stranger.client.cookies
    code = browser.post(reverse("promotions:enter_code"), {"code": "GUESS-0001"})
    assert code.status_code == 429
    assert "Too many attempts" in code.text
    # Reading the catalogue through the API is throttled in the cache too, and stays open.
    for _ in range(3):
        assert browser.get("/api/v1/categories/").status_code == 200
    assert browser.get(f"/api/v1/products/{variant.product_id}/").status_code == 200

    redis_up.start()

    again = stranger.post("/accounts/login/", {"login": buyer.email, "password": PASSWORD})
    assert again.status_code == 302
