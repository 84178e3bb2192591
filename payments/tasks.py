"""Celery entry points of payments: reconciliation of unsettled payments."""

from __future__ import annotations

from celery import shared_task

from payments import services


@shared_task(ignore_result=True)
def reconcile_payments() -> int:
    """Beat: queue a reconciliation of every payment whose outcome is unknown or stuck."""
    due = services.due_for_reconciliation()
    for intent_id in due:
        reconcile_payment.delay(intent_id)
    return len(due)


@shared_task(ignore_result=True)
def reconcile_payment(intent_id: int) -> None:
    services.reconcile_payment(intent_id=intent_id)


@shared_task(
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,  # well under the broker's visibility timeout (an hour)
    max_retries=20,
)
def deactivate_method(method_id: int) -> None:
    """Deactivate a removed saved method at its provider, retried until it answers."""
    services.deactivate_at_provider(method_id=method_id)
