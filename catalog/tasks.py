"""Celery entry points of the catalog. The media tasks run on the ``media`` queue
(``CELERY_TASK_ROUTES`` sends ``catalog.tasks.process_*`` there) so a long transcode
never delays e-mails or event delivery.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils.translation import gettext as _

from catalog.media import services as media_services
from catalog.media.models import MediaStatus, ProductMedia

logger = logging.getLogger(__name__)
# Failed for good: the messenger alert (shop.alerts) picks up errors on this logger.
task_failures = logging.getLogger("shop.alerts.task_failures")

MEDIA_MAX_RETRIES = 5
# Longer than the task hard time limit (20 min): a row this quiet has no task left.
STUCK_MEDIA_AFTER_SECONDS = 30 * 60


@shared_task(bind=True, max_retries=MEDIA_MAX_RETRIES, ignore_result=True)
def process_image(self, media_id: int) -> None:
    """Make the WebP renditions of one product image; retry while storage fails."""
    _process_media(self, media_id)


@shared_task(bind=True, max_retries=MEDIA_MAX_RETRIES, ignore_result=True)
def process_video(self, media_id: int) -> None:
    """Transcode one product video to 720p MP4 with a poster; retry while storage fails."""
    _process_media(self, media_id)


def _process_media(task, media_id: int) -> None:
    try:
        media = media_services.process_media(media_id=media_id)
    except ProductMedia.DoesNotExist:
        logger.info("Media %s was removed before it was processed", media_id)
        return
    except OSError as exc:  # storage unreachable, disk full: another try may succeed
        if task.request.is_eager or task.request.retries >= task.max_retries:
            reason = _("Processing failed after %(attempts)s attempts: %(error)s") % {
                "attempts": task.request.retries + 1,
                "error": str(exc) or type(exc).__name__,
            }
            media = media_services.fail_media(media_id=media_id, reason=reason)
        else:
            countdown = get_exponential_backoff_interval(
                factor=10, retries=task.request.retries, maximum=600, full_jitter=True
            )
            raise task.retry(exc=exc, countdown=countdown) from exc
    if media.status == MediaStatus.FAILED:
        task_failures.error(
            "Task %s failed for good on media %s: %s",
            task.name,
            media_id,
            media.failure_reason,
            extra={"alert_group": task.name},
        )


@shared_task(ignore_result=True)
def requeue_stuck_media() -> int:
    """Send again the media whose processing task was lost; return how many."""
    requeued = media_services.requeue_stuck_media(
        older_than=timedelta(seconds=STUCK_MEDIA_AFTER_SECONDS), max_attempts=MEDIA_MAX_RETRIES + 1
    )
    return len(requeued)
