"""Read replicas on two real PostgreSQL databases: storefront GETs read the replica; a
transaction, a write earlier in the request, a recent write of the same client, staff and
payment paths, unsafe methods, tasks and commands read the primary.

The test settings give the ``replica`` alias its own test database (shop/settings/test.py)
and leave the router off; the ``routed`` fixture turns it on as DATABASE_REPLICA_URL does.
Streaming replication is done by hand (``replicate``), after which a row is changed on
one side only: a page shows which database it read. On SQLite these tests skip; in CI
they fail instead.

The settings themselves (with and without DATABASE_REPLICA_URL) are read in subprocesses,
since they are evaluated once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import shared_task
from django.apps import apps
from django.conf import settings as django_settings
from django.core import signing
from django.core.management.color import no_style
from django.db import connections, transaction
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from catalog.models import Product
from catalog.selectors import caching
from shop import db_router
from shop.db_router import PRIMARY, REPLICA
from tests.catalog.factories import ProductFactory

BASE_DIR = Path(__file__).resolve().parents[2]
ON_PRIMARY = "As written on the primary"
ON_REPLICA = "As replicated, then changed on the replica"
WHERE = {ON_PRIMARY: "primary", ON_REPLICA: "replica"}

# Only on PostgreSQL is there a replica alias to ask for (SQLite skips via ``postgres``).
replica_db = [
    pytest.mark.postgres,
    pytest.mark.django_db(
        transaction=True,
        databases=[PRIMARY, REPLICA] if REPLICA in django_settings.DATABASES else [PRIMARY],
    ),
]


def read_name(pk: int) -> str:
    return WHERE[Product.objects.values_list("name", flat=True).get(pk=pk)]


@shared_task(name="tests.shop.test_db_router.read_name")
def read_name_task(pk: int) -> str:
    return read_name(pk)


def reads_around_a_write(request: HttpRequest, pk: int) -> JsonResponse:
    seen = [read_name(pk)]
    with transaction.atomic():
        seen.append(read_name(pk))
    seen.append(read_name(pk))
    Product.objects.filter(pk=pk).update(summary="touched")
    seen.append(read_name(pk))
    return JsonResponse({"seen": seen})


def reads(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse({"seen": [read_name(pk)]})


def reads_and_runs_a_task(request: HttpRequest, pk: int) -> JsonResponse:
    task = read_name_task.delay(pk)  # eager in tests: runs here, in this request
    return JsonResponse({"view": read_name(pk), "task": task.get()})


urlpatterns = [
    path("probe/around-a-write/<int:pk>/", reads_around_a_write),
    path("probe/reads/<int:pk>/", reads),
    path("probe/task/<int:pk>/", reads_and_runs_a_task),
    *[
        path(f"{prefix.strip('/')}/probe/reads/<int:pk>/", reads)
        for prefix in django_settings.DATABASE_REPLICA_PRIMARY_PATHS
    ],
    path("", include("shop.urls")),
]


@pytest.fixture
def routed(settings):
    """The router and its middleware, installed as base.py does with a replica URL."""
    assert REPLICA in settings.DATABASES, "shop/settings/test.py must define the replica"
    settings.DATABASE_ROUTERS = ["shop.db_router.PrimaryReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "shop.middleware.ReplicaReadsMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.ROOT_URLCONF = __name__


def replicate() -> None:
    """Do by hand what streaming replication does: make the replica a copy of the primary."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    replica = connections[REPLICA]
    tables = [model._meta.db_table for model in models]
    replica.ops.execute_sql_flush(replica.ops.sql_flush(no_style(), tables, allow_cascade=True))
    with transaction.atomic(using=REPLICA):
        for model in models:
            rows = list(model._base_manager.using(PRIMARY).all())
            if rows:
                model._base_manager.using(REPLICA).bulk_create(rows)


def product_on_both() -> Product:
    """A product replicated, then named differently on each side."""
    product = ProductFactory(name=ON_PRIMARY)
    replicate()
    Product.objects.using(REPLICA).filter(pk=product.pk).update(name=ON_REPLICA)
    return product


def expired_pin() -> str:
    """A pin cookie correctly signed a minute ago: too old to pin."""
    signer = signing.get_cookie_signer(salt=db_router.PIN_COOKIE + db_router.PIN_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 60)
    return signer.sign("1")


@pytest.mark.usefixtures("routed")
class TestRouting:
    pytestmark = replica_db

    def test_a_storefront_get_runs_every_query_on_the_replica(self, settings):
        settings.CATALOG_CACHE_READS = False  # nothing is built to be kept
        replica_only = ProductFactory(name="Only on the replica", slug="only-there")
        product = product_on_both()
        Product.objects.filter(pk=replica_only.pk).delete()  # not yet replicated
        client = Client()

        with (
            CaptureQueriesContext(connections[PRIMARY]) as on_primary,
            CaptureQueriesContext(connections[REPLICA]) as on_replica,
        ):
            page = client.get(reverse("catalog:product", args=[product.pk, product.slug]))
            other = client.get(reverse("catalog:product", args=[replica_only.pk, "only-there"]))

        assert page.status_code == 200
        assert ON_REPLICA in page.content.decode()
        assert ON_PRIMARY not in page.content.decode()
        assert other.status_code == 200
        assert on_primary.captured_queries == []
        assert len(on_replica.captured_queries) > 0
        assert db_router.PIN_COOKIE not in page.cookies  # reading pins nobody

    def test_what_the_catalog_caches_is_built_from_the_primary(self, settings):
        """A lagging replica must not put the value from before a change under the new token."""
        settings.CATALOG_CACHE_READS = settings.CATALOG_CACHE_PAGES = True
        product = product_on_both()
        page_url = reverse("catalog:product", args=[product.pk, product.slug])

        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            built = Client().get(page_url)
            kept = Client().get(page_url)
            value = caching.cached(f"probe:{product.pk}", lambda: read_name(product.pk))

        assert ON_PRIMARY in built.content.decode()
        assert ON_PRIMARY in kept.content.decode()
        assert value == "primary"
        assert on_replica.captured_queries == []

    def test_a_page_for_a_visitor_with_a_cart_still_reads_the_replica(self, settings):
        settings.CATALOG_CACHE_READS = settings.CATALOG_CACHE_PAGES = True
        product = product_on_both()
        shopper = Client()
        shopper.cookies[django_settings.SESSION_COOKIE_NAME] = "a-session-of-their-own"

        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            shopper.get(reverse("catalog:product", args=[product.pk, product.slug]))

        assert len(on_replica.captured_queries) > 0

    def test_a_request_reads_the_primary_inside_atomic_and_after_its_first_write(self):
        product = product_on_both()

        response = Client().get(f"/probe/around-a-write/{product.pk}/")

        assert response.json()["seen"] == ["replica", "primary", "replica", "primary"]
        assert Product.objects.using(PRIMARY).get(pk=product.pk).summary == "touched"

    def test_the_routing_of_a_request_ends_with_it(self):
        product = product_on_both()

        assert Client().get(f"/probe/reads/{product.pk}/").json()["seen"] == ["replica"]
        assert read_name(product.pk) == "primary"  # after it, in the same thread
        Client().get(f"/probe/around-a-write/{product.pk}/")
        assert Client().get(f"/probe/reads/{product.pk}/").json()["seen"] == ["replica"]

    def test_a_client_that_wrote_reads_the_primary_for_a_few_seconds(self):
        product = product_on_both()
        shopper = Client()

        wrote = shopper.get(f"/probe/around-a-write/{product.pk}/")
        pin = wrote.cookies[db_router.PIN_COOKIE]

        assert pin["max-age"] == django_settings.DATABASE_REPLICA_PIN_SECONDS
        assert pin["httponly"]
        assert shopper.get(f"/probe/reads/{product.pk}/").json()["seen"] == ["primary"]
        page = shopper.get(reverse("catalog:product", args=[product.pk, product.slug]))
        assert ON_PRIMARY in page.content.decode()

    def test_an_unsigned_forged_or_expired_pin_does_not_pin(self):
        product = product_on_both()
        seen = {}
        for cookie in ("1", "forged:signature", expired_pin()):
            client = Client()
            client.cookies[db_router.PIN_COOKIE] = cookie
            seen[cookie] = client.get(f"/probe/reads/{product.pk}/").json()["seen"]

        assert list(seen.values()) == [["replica"]] * 3

    def test_post_and_the_staff_and_payment_paths_read_the_primary(self):
        product = product_on_both()
        client = Client()

        posted = client.post(f"/probe/reads/{product.pk}/")
        seen = {
            prefix: client.get(f"{prefix}probe/reads/{product.pk}/").json()["seen"]
            for prefix in django_settings.DATABASE_REPLICA_PRIMARY_PATHS
        }

        assert posted.json()["seen"] == ["primary"]
        assert db_router.PIN_COOKIE not in posted.cookies  # nothing was written
        assert seen == {
            path: ["primary"] for path in django_settings.DATABASE_REPLICA_PRIMARY_PATHS
        }

    def test_tasks_and_commands_read_the_primary_even_inside_a_request(self):
        product = product_on_both()

        assert read_name(product.pk) == "primary"  # a worker, a command, the shell
        seen = Client().get(f"/probe/task/{product.pk}/").json()
        assert seen == {"view": "replica", "task": "primary"}


def test_the_router_writes_and_migrates_the_primary_only_and_relates_both():
    router = db_router.PrimaryReplicaRouter()
    on_primary, on_replica, elsewhere = Product(), Product(), Product()
    on_primary._state.db, on_replica._state.db, elsewhere._state.db = PRIMARY, REPLICA, "other"

    assert router.db_for_write(Product) == PRIMARY
    assert router.allow_migrate(PRIMARY, "catalog") is True
    assert router.allow_migrate(REPLICA, "catalog") is False
    assert router.allow_relation(on_primary, on_replica) is True
    assert router.allow_relation(on_primary, elsewhere) is None


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
print("REPORT " + json.dumps({
    "databases": {alias: {key: db.get(key) for key in ("ENGINE", "HOST", "NAME",
        "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")} for alias, db in settings.DATABASES.items()},
    "routers": settings.DATABASE_ROUTERS,
    "middleware": settings.MIDDLEWARE,
}))
"""


def settings_report(tmp_path: Path, **env: str) -> dict:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def test_without_a_replica_url_there_is_one_database_and_no_router(tmp_path):
    report = settings_report(tmp_path, DJANGO_SETTINGS_MODULE="shop.settings.local")

    assert list(report["databases"]) == ["default"]
    assert report["databases"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert report["routers"] == []
    assert "shop.middleware.ReplicaReadsMiddleware" not in report["middleware"]


def test_a_replica_url_adds_the_alias_kept_alive_like_the_primary_and_the_router(tmp_path):
    from tests.shop.test_settings import production_env

    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://shop@primary.internal:5432/shop",
        DATABASE_REPLICA_URL="postgres://shop_ro@replica.internal:5432/shop",
    )
    report = settings_report(tmp_path, **env)

    replica = report["databases"]["replica"]
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert replica["HOST"] == "replica.internal"
    assert replica["CONN_MAX_AGE"] == report["databases"]["default"]["CONN_MAX_AGE"] == 60
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert report["routers"] == ["shop.db_router.PrimaryReplicaRouter"]
    middleware = report["middleware"]
    assert middleware.index("shop.middleware.ReplicaReadsMiddleware") + 1 == middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
