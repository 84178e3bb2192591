"""Celery entry points of reviews. Photo processing runs on the ``media`` queue
(``CELERY_TASK_ROUTES`` sends ``reviews.tasks.process_*`` there), like the catalog's."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from catalog.media.models import MediaStatus
from reviews import services
from reviews.models import ReviewPhoto

logger = logging.getLogger(__name__)
PHOTO_MAX_RETRIES = 5


@shared_task(bind=True, max_retries=PHOTO_MAX_RETRIES, ignore_result=True)
def process_review_photo(self, photo_id: int) -> None:
    """Make the renditions of one review photo; retry while storage fails."""
    try:
        services.process_photo(photo_id=photo_id)
    except ReviewPhoto.DoesNotExist:
        logger.info("Review photo %s was removed before it was processed", photo_id)
    except OSError as exc:  # storage unreachable: another try may succeed
        if self.request.is_eager or self.request.retries >= self.max_retries:
            ReviewPhoto.objects.filter(pk=photo_id).update(
                status=MediaStatus.FAILED, failure_reason=str(exc) or type(exc).__name__
            )
            return
        countdown = get_exponential_backoff_interval(
            factor=10, retries=self.request.retries, maximum=600, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
