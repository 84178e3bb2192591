"""Celery entry points of the vendors app."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from vendors import services
from vendors.services.settlements import previous_period


@shared_task
def run_due_settlements() -> int:
    """Draft every vendor's statement for the last complete period; return how many."""
    start, end = previous_period(today=timezone.localdate(), kind=settings.SETTLEMENT_PERIOD)
    return len(services.run_settlements(period_start=start, period_end=end))
