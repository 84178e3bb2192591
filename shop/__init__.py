"""The project package and shared kernel: settings, URLs, Celery, events, audit, API base."""

from shop.celery import app as celery_app

__all__ = ["celery_app"]
