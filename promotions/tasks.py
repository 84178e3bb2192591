"""Celery entry points of promotions: each calls one service."""

from __future__ import annotations

from celery import shared_task

from promotions import services


@shared_task
def expire_points() -> int:
    """Write off expired points of every member holding some; return how many members."""
    expired = 0
    for user_id in services.members_with_expired_points():
        if services.expire_points(user_id=user_id) is not None:
            expired += 1
    return expired


@shared_task
def issue_birthday_coupons() -> int:
    """Give today's birthday members the birthday coupons; return how many were issued."""
    return len(services.issue_birthday_coupons())
