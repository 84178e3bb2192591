"""The Celery application: Redis broker, queues ``default`` and ``media``, beat schedule.

Every ``CELERY_*`` Django setting configures it (see shop/settings/base.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.local")

# DjangoTask gives every task delay_on_commit().
app = Celery("shop", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
