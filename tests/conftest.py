"""Fixtures shared by every test: service checks, a real Celery worker, users and clients.

Tests marked ``postgres`` or ``redis`` skip on a bare laptop but fail in CI
(``CI=true`` or ``SHOP_REQUIRE_SERVICES=1``), where those services must be there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from shop.celery import app as celery_app


def _service_missing(reason: str) -> None:
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CI requires it)", pytrace=False)
    pytest.skip(reason)


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(settings.TEST_REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True)
def _require_marked_services(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _service_missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not redis_available():
        _service_missing(f"needs Redis at {settings.TEST_REDIS_URL}")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    """Start a real Celery worker thread consuming both queues from Redis.

    Tasks are sent through the broker (not run eagerly) for the test's duration. The
    worker shares the test database, so the test must commit what it wants seen.
    """
    from celery.contrib.testing.worker import start_worker

    if not redis_available():
        _service_missing(f"needs Redis at {settings.TEST_REDIS_URL}")
    redis.Redis.from_url(settings.TEST_REDIS_URL).flushdb()  # no stale tasks of other runs
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            queues=["default", "media"],
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        celery_app.conf.task_always_eager = True


@pytest.fixture
def user(db: None):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db: None):
    from tests.accounts.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_user(db: None):
    from tests.accounts.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
