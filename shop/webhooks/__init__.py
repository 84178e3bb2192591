"""Outgoing webhooks: fan events out to subscribers, sign and send them, retry with backoff.

The outbox calls ``queue_deliveries`` once per event. It creates one ``WebhookDelivery``
per interested subscription and queues ``send_webhook`` after commit. ``send_delivery``
claims a due delivery with a conditional UPDATE (two workers never send the same
attempt), posts the signed JSON, logs a ``WebhookAttempt`` and stores when to try next
in ``next_attempt_at``. Retries are scheduled in the database, not as Celery countdowns,
because later backoffs outlast the broker's visibility timeout (1 h): the periodic
``send_due_webhooks`` task queues whatever is due.

Signature: ``X-Shop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``.
``sign`` and ``verify`` are the reference implementation subscribers copy (docs/webhooks.md).

SSRF: unless ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` is on, a target must resolve only to public
addresses, both when the subscription is saved and at every send, and the request goes
to the address that was checked, so a DNS answer changed in between cannot redirect it.
"""

from shop.webhooks.delivery import (
    BACKOFF_CAP_SECONDS,
    WebhookDeliveriesRetried,
    WebhookTestRequested,
    backoff,
    delivery_body,
    prune_deliveries,
    queue_deliveries,
    queue_due_deliveries,
    retry_deliveries,
    send_delivery,
    send_test_event,
)
from shop.webhooks.signing import sign, verify
from shop.webhooks.targets import Target, UnsafeTargetError, check_target

__all__ = [
    "BACKOFF_CAP_SECONDS",
    "Target",
    "UnsafeTargetError",
    "WebhookDeliveriesRetried",
    "WebhookTestRequested",
    "backoff",
    "check_target",
    "delivery_body",
    "prune_deliveries",
    "queue_deliveries",
    "queue_due_deliveries",
    "retry_deliveries",
    "send_delivery",
    "send_test_event",
    "sign",
    "verify",
]
