"""Test runs: fast hashing, in-memory e-mail, tasks in-process unless a test starts a worker.

The database is SQLite unless ``DATABASE_URL`` points at PostgreSQL (CI always does).
Tests that need a real broker use Redis at ``REDIS_URL`` (default: local database 15).
"""

from shop.settings.base import *  # noqa: F403
from shop.settings.base import REDIS_URL, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
# The broker used by tests that start a real worker (celery.contrib.testing).
TEST_REDIS_URL = env("TEST_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
LOG_LEVEL = "WARNING"
LOGGING["root"]["level"] = LOG_LEVEL  # base.py built LOGGING already
SHOP_SANDBOX = True
# In CI (or with SHOP_REQUIRE_SERVICES=1) tests that need PostgreSQL or Redis fail
# instead of skipping when the service is missing.
REQUIRE_SERVICES = env.bool("SHOP_REQUIRE_SERVICES", default=env.bool("CI", default=False))
