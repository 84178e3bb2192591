"""Celery entry points of accounts; each calls one service."""

from __future__ import annotations

from celery import shared_task

from accounts import services


@shared_task
def recompute_grades() -> int:
    """Daily: purchases older than the grade window stop counting."""
    return services.recompute_grades()
