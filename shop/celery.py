"""The Celery application: Redis broker, queues ``default`` and ``media``, beat schedule.

Every ``CELERY_*`` Django setting configures it (see shop/settings/base.py).
"""

import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask

from shop import db_router

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")


class Task(DjangoTask):
    """DjangoTask (``delay_on_commit()``) whose body reads the primary database.

    A worker reads the primary anyway (shop/db_router.py); this covers a task run in
    the web process (eager mode), which would otherwise follow its request's routing.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with db_router.primary_reads():
            return super().__call__(*args, **kwargs)


app = Celery("shop", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
