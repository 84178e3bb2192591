"""A real Celery worker (Redis broker) retries an unreachable provider with backoff."""

from __future__ import annotations

import time

import pytest

from notifications import tasks
from notifications.models import Message
from notifications.services import notify

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_the_worker_retries_through_the_broker_until_the_provider_answers(
    sens, celery_worker, monkeypatch
) -> None:
    monkeypatch.setattr(tasks, "BACKOFF_SECONDS", 1)  # 1 s, then 2 s
    sens.set_fault("server_error", times=2)

    notify(template="order.paid", phone="010-2345-6789", context={"number": "77"})

    message = Message.objects.get()
    wait_for(lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT)
    message.refresh_from_db()
    assert message.attempts == 3
    assert message.channel == "alimtalk"
    assert [entry["channel"] for entry in sens.inbox()] == ["ALIMTALK"]
