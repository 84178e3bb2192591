"""A task for the worker-crash test, loaded into a real worker with ``celery -I``.

It does its side effect through the app's own service (points earned once per source),
then waits to be killed before Celery could acknowledge it: the crash after the effect
and before the ack that acks_late and reject_on_worker_lost are there for.
"""

from __future__ import annotations

import os
import time

import redis
from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from promotions import services as promotions


def marks() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@shared_task(name="tests.security.worker_tasks.earn_then_wait_to_be_killed")
def earn_then_wait_to_be_killed(user_id: int, source: str) -> None:
    runs = marks().incr(f"{source}:runs")
    promotions.earn_points(
        user=get_user_model().objects.get(pk=user_id), amount=100, reason="crash", source=source
    )
    if runs == 1:
        marks().set(f"{source}:pid", os.getpid())  # done, not yet acknowledged: kill me now
        time.sleep(120)
    marks().set(f"{source}:done", runs)
