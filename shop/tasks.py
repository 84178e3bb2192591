"""Celery entry points of the kernel: event delivery, re-delivery, webhooks, alerts."""

from celery import shared_task

from shop import outbox


@shared_task(bind=True, max_retries=5)
def deliver_event(self, event_id: int) -> None:
    """Hand one stored event to its listeners; retry with backoff while a listener fails.

    In-process (eager) runs and exhausted retries leave the event pending: the periodic
    ``redeliver_events`` picks it up and, after EVENT_MAX_ATTEMPTS, alerts.
    """
    delivered = outbox.deliver_event(event_id=event_id)
    if delivered or self.request.is_eager or self.request.retries >= self.max_retries:
        return
    raise self.retry(countdown=min(30 * 2**self.request.retries, 30 * 60))


@shared_task
def redeliver_events() -> int:
    """Queue again the events whose delivery never happened (periodic)."""
    return outbox.redeliver_events()


# --- Webhooks (shop.webhooks) --------------------------------------------------------


# --- Alerts (shop.alerts) ------------------------------------------------------------
