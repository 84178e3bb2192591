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
# Retries live in the database (next_attempt_at), not in Celery countdowns: later
# backoffs outlast the broker's visibility timeout. send_due_webhooks picks them up.


@shared_task
def send_webhook(delivery_id: int) -> bool:
    """Make the next attempt of one webhook delivery if it is due."""
    from shop import webhooks  # imported here so the sections of this module stay independent

    return webhooks.send_delivery(delivery_id=delivery_id)


@shared_task
def send_due_webhooks() -> int:
    """Queue every webhook delivery whose next attempt is due (periodic)."""
    from shop import webhooks

    return webhooks.queue_due_deliveries()


@shared_task
def prune_webhook_deliveries() -> int:
    """Delete succeeded webhook deliveries older than their retention (periodic)."""
    from shop import webhooks

    return webhooks.prune_deliveries()


# --- Alerts (shop.alerts) ------------------------------------------------------------


@shared_task(bind=True, max_retries=6, ignore_result=True)
def send_alert(self, text: str) -> None:
    """Post one alert to the messenger; retry with capped backoff while it cannot be reached."""
    # Imported here so the sections of this module stay independent of each other.
    from celery.utils.time import get_exponential_backoff_interval

    from shop import alerts

    try:
        alerts.post_alert(text)
    except alerts.TransientAlertError as exc:
        # In-process (no broker) a retry would block the failing request: give up.
        if self.request.is_eager:
            raise
        countdown = get_exponential_backoff_interval(
            factor=15, retries=self.request.retries, maximum=600, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
