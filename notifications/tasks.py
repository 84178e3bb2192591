"""Celery entry points of notifications: deliver one logged message, re-send lost ones."""

from __future__ import annotations

from celery import shared_task

from notifications import services
from notifications.exceptions import DeliveryError

MAX_RETRIES = 5
BACKOFF_SECONDS = 30  # 30 s, 1, 2, 4, 8 minutes


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_message(self, message_id: int) -> str | None:
    """Send message ``message_id``; retry with exponential backoff while the provider is down."""
    try:
        return services.deliver(
            message_id=message_id, final_attempt=self.request.retries >= MAX_RETRIES
        )
    except DeliveryError as error:
        raise self.retry(exc=error, countdown=BACKOFF_SECONDS * 2**self.request.retries) from error


@shared_task
def resend_lost_messages() -> int:
    """Queue again the messages whose delivery task was lost; return how many."""
    ids = services.unsent_message_ids()
    for message_id in ids:
        deliver_message.delay(message_id)
    return len(ids)
