"""``/healthz`` tells a load balancer the truth, and ``/metrics`` is for Prometheus only.

Failures are real: the cache and the broker are pointed at a local port nothing
listens on, or at a server that accepts connections and never answers.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """Return a local port that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections (kernel backlog) and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def redis_cache(url: str) -> dict:
    # The same options as production: outages are swallowed, not raised.
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }


def test_healthz_is_ok_with_embedded_defaults(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1, and no session or user write
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] and check["error"] is None for check in body["checks"].values())
    assert body["checks"]["broker"]["skipped"] == "in-process"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_healthz_needs_no_login_even_when_metrics_are_protected(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"

    response = client.get("/healthz")

    assert response.status_code == 200


def test_healthz_fails_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"] == {
        "ok": False,
        "ms": body["checks"]["cache"]["ms"],
        "error": "CacheMismatchError",
    }
    assert body["checks"]["database"]["ok"] is True


def test_healthz_fails_when_the_broker_refuses_connections(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    # The public page names the kind of failure, never the broker's address.
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_gives_up_on_a_silent_broker_within_the_timeout(client, settings, silent_server):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_server}/0"
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 0.5

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert elapsed < 3


@pytest.mark.redis
def test_healthz_is_ok_against_real_redis(client, settings):
    settings.CACHES = redis_cache(django_settings.TEST_REDIS_URL)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = django_settings.TEST_REDIS_URL

    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is True
    assert checks["broker"]["ok"] is True
    assert "skipped" not in checks["broker"]


def test_metrics_are_open_without_a_token(client):
    client.get("/healthz")  # at least one request counted

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_before_middlewares_total" in response.content


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "s3cret-token", "Basic x"])
def test_metrics_refuse_a_missing_or_wrong_token(client, settings, authorization):
    settings.METRICS_TOKEN = "s3cret-token"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get("/metrics", **headers)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert b"django_http" not in response.content


def test_metrics_accept_the_bearer_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")

    assert response.status_code == 200
    assert b"django_http_requests_before_middlewares_total" in response.content


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.redis
def test_concurrent_health_checks_do_not_fail_each_other(transactional_db, settings):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.test import Client

    settings.CACHES = redis_cache(django_settings.TEST_REDIS_URL)

    def probe(_: int) -> int:
        try:
            return Client().get("/healthz").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(probe, range(200)))

    assert statuses.count(200) == 200
