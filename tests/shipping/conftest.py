"""Shipping test fixtures: the seeded remote-area table, there for every database test.

The data migration seeds Jeju and the island ranges, but a transactional test elsewhere
in the suite (a live server, a Celery worker) flushes every table when it ends, so the
seed is put back here whenever a database test finds it gone.
"""

from importlib import import_module

import pytest

SEED = import_module("shipping.migrations.0003_seed_remote_areas")


@pytest.fixture(autouse=True)
def _remote_area_seed(request: pytest.FixtureRequest) -> None:
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_db:
        return  # engine and property tests never touch the database
    request.getfixturevalue("db")
    from shipping.models import RemoteArea

    if not RemoteArea.objects.exists():
        RemoteArea.objects.bulk_create(
            RemoteArea(name=name, kind=kind, postcode_from=start, postcode_to=end)
            for name, kind, start, end in SEED.RANGES
        )
