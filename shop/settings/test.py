"""Test runs: fast hashing, in-memory e-mail, tasks in-process unless a test starts a worker.

The database is SQLite unless ``DATABASE_URL`` points at PostgreSQL (CI always does).
On PostgreSQL a second database stands for the read replica (tests/shop/test_db_router.py).
Tests that need a real broker use Redis at ``REDIS_URL`` (default: local database 15).
"""

import copy

from shop.settings.base import *  # noqa: F403
from shop.settings.base import DATABASES, MIDDLEWARE, REDIS_URL, env

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
# Phone messages go over HTTP; tests that want them turn them on beside a live emulator.
NOTIFICATIONS_CHANNELS = ["email"]
# In CI (or with SHOP_REQUIRE_SERVICES=1) tests that need PostgreSQL or Redis fail
# instead of skipping when the service is missing.
REQUIRE_SERVICES = env.bool("SHOP_REQUIRE_SERVICES", default=env.bool("CI", default=False))

# The read replica: on PostgreSQL a second, real test database (test_<name>_replica),
# which Django creates and migrates only when a collected test asks for the alias. No
# MIRROR: a mirror is the primary itself and would prove nothing. Outside tests the alias
# reaches the primary's database, so commands such as makemigrations find it. The router
# and its middleware stay off for the suite (tests/shop/test_db_router.py turns them on):
# other tests never read a database they did not fill, even with DATABASE_REPLICA_URL set.
DATABASES.pop("replica", None)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"])
    DATABASES["replica"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_replica"}
DATABASE_ROUTERS = []
MIDDLEWARE = [name for name in MIDDLEWARE if name != "shop.middleware.ReplicaReadsMiddleware"]
