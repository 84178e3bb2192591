"""A worker killed mid-task, for real (ASYNC-03): the task runs again, its effect happens once.

A Celery worker is started as a subprocess on Redis, as deployed (prefork, acks late,
rejected on worker loss). The task earns a member points through the app's service and
is then SIGKILLed before Celery acknowledged it. The message must come back to the
worker, and the second run must not earn the points again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from promotions.models import PointAccount, PointEntry
from shop.celery import app as celery_app
from tests.accounts.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
TASK = "tests.security.worker_tasks.earn_then_wait_to_be_killed"


def wait_for(check, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker() -> Iterator[subprocess.Popen]:
    """A real worker process: one prefork child, consuming the default queue."""
    broker = redis.Redis.from_url(settings.TEST_REDIS_URL)
    broker.flushdb()  # no stale tasks of other runs
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "DATABASE_URL": database_url(),
        "TEST_REDIS_URL": settings.TEST_REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "shop",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            "default",
            "-I",
            "tests.security.worker_tasks",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    celery_app.conf.task_always_eager = False  # through the broker, for the test's duration
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_task_killed_after_its_effect_runs_again_and_the_effect_happens_once(worker) -> None:
    member = UserFactory()
    source = f"crash-test:{member.pk}"
    marks = redis.Redis.from_url(settings.TEST_REDIS_URL)

    celery_app.send_task(TASK, args=[member.pk, source], queue="default")
    wait_for(lambda: marks.get(f"{source}:pid") is not None)
    child = int(marks.get(f"{source}:pid"))
    assert child != worker.pid  # the pool's child, not the worker itself
    os.kill(child, signal.SIGKILL)

    wait_for(lambda: marks.get(f"{source}:done") is not None)

    assert int(marks.get(f"{source}:runs")) == 2  # redelivered once after the crash
    assert int(marks.get(f"{source}:done")) == 2
    assert worker.poll() is None  # the worker itself lived on and replaced its child
    assert list(PointEntry.objects.filter(user=member).values_list("amount", flat=True)) == [100]
    assert PointAccount.objects.get(user=member).balance == 100
