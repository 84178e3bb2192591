"""DEG-05: PostgreSQL stopped or restarted under a running shop: a fast 503, then recovery.

The shop runs under gunicorn against its own PostgreSQL cluster, which this module
creates, migrates, stops and restarts; the machine's shared server is never touched.
Faults injected: the cluster stopped once (3 kinds of request served by a dead
database) and restarted once under a steady stream of requests (2 faults).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import OperationalError

from shop.views import server_error
from tests.security.degradation import AppServer, PostgresCluster, app_env, manage, wait_for

# Far below a load balancer's timeout: the buyer learns at once to try again.
FAST_SECONDS = 2.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    own = PostgresCluster()
    try:
        own.init()
        own.start()
        manage(app_env(DATABASE_URL=own.url), "migrate", "--noinput", "-v", "0")
        yield own
    finally:
        own.remove()


@pytest.fixture(scope="module")
def shop(cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Persistent connections: the hard case, a pooled connection that died with the server.
    env = app_env(DATABASE_URL=cluster.url, DJANGO_CONN_MAX_AGE="60")
    with AppServer(env, log=Path(tmp_path_factory.mktemp("pg-app")) / "gunicorn.log") as server:
        yield server.url


@pytest.fixture
def running(cluster: PostgresCluster) -> Iterator[PostgresCluster]:
    """The cluster up at the start and at the end of each test, whatever the test did."""
    if not (cluster.data / "postmaster.pid").exists():
        cluster.start()
    yield cluster
    if not (cluster.data / "postmaster.pid").exists():
        cluster.start()


def search_page(base: str) -> str:
    # A query never asked before: no cached page can answer it, only the database.
    return f"{base}/search/?q=degrade-{uuid.uuid4().hex[:12]}"


def get(url: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=10, headers={"Accept-Language": "en"})
    return response, time.monotonic() - started


def test_a_stopped_database_answers_a_fast_503_and_the_shop_recovers_without_restart(
    shop: str, running: PostgresCluster
):
    assert get(search_page(shop))[0].status_code == 200
    assert get(f"{shop}/api/v1/categories/")[0].status_code == 200

    running.stop()

    page, page_seconds = get(search_page(shop))
    assert page.status_code == 503
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Briefly unavailable" in page.text
    assert "Traceback" not in page.text
    assert "OperationalError" not in page.text
    assert page.headers["Retry-After"] == "30"
    assert page_seconds < FAST_SECONDS

    api, api_seconds = get(f"{shop}/api/v1/categories/")
    assert api.status_code == 503
    assert api.json()["code"] == "service_unavailable"
    assert "OperationalError" not in api.text
    assert api_seconds < FAST_SECONDS

    health, _ = get(f"{shop}/healthz")
    assert health.status_code == 503
    assert "database" in health.json()["failing"]
    assert get(f"{shop}/livez")[0].status_code == 200  # no restart of the web processes

    running.start()

    # The same gunicorn workers serve again: each replaces its dead connection itself.
    for _ in range(4):
        assert get(search_page(shop))[0].status_code == 200
        assert get(f"{shop}/api/v1/categories/")[0].status_code == 200
    assert get(f"{shop}/healthz")[0].status_code == 200


def test_a_restart_under_load_fails_requests_with_503_never_500(
    shop: str, running: PostgresCluster
):
    answers: list[tuple[float, int]] = []  # (when the request was sent, its status)
    done = threading.Event()

    def browse() -> None:
        with httpx.Client(timeout=10) as client:
            while not done.is_set():
                sent = time.monotonic()
                answers.append((sent, client.get(search_page(shop)).status_code))

    visitors = [threading.Thread(target=browse) for _ in range(3)]
    for visitor in visitors:
        visitor.start()
    wait_for(lambda: len(answers) >= 10, timeout=30, what="requests before the restart")
    running.pg_ctl("restart", "-m", "fast")
    back = time.monotonic()
    wait_for(
        lambda: sum(sent > back for sent, _ in answers) >= 30,
        timeout=60,
        what="requests after the restart",
    )
    done.set()
    for visitor in visitors:
        visitor.join(timeout=15)

    assert {status for _, status in answers} <= {200, 503}
    # Recovered without restarting the shop: every request sent since the server is
    # back is served.
    assert {status for sent, status in answers if sent > back} == {200}


@pytest.mark.parametrize(
    ("path", "content_type"), [("/p/1/", "text/html"), ("/api/v1/cart/", "application/json")]
)
def test_an_outage_raised_outside_a_view_is_answered_as_a_503_too(rf, path, content_type):
    """A session saved by its middleware fails after the view: Django's 500 handler sees it."""
    try:
        raise OperationalError("connection to server at 127.0.0.1 failed")
    except OperationalError:
        response = server_error(rf.get(path))

    assert response.status_code == 503
    assert response["Content-Type"].startswith(content_type)
    assert b"127.0.0.1" not in response.content
    assert response["Retry-After"] == "30"


def test_a_bug_is_still_a_500(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/p/1/"))

    assert response.status_code == 500
