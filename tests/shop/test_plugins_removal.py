"""Installing and removing a plugin with pip, in a separate environment: removal is clean.

The suite's own environment has the example plugin installed (``make test``), so this
test builds a second virtual environment holding every package of ours but the plugin
(the packages are linked, not reinstalled: it takes seconds), installs the plugin there
with pip, migrates, then takes it away the documented way (``migrate <app> zero`` and
``pip uninstall``). The shop must still pass its checks, migrate and serve checkout, and
the plugin must leave no table and no payment method behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from psycopg import sql

from shop import plugins

PLUGIN = settings.BASE_DIR / "examples" / "shop-tosspayments"
# Runs in the separate environment, in one process per phase (Django starts once): the
# commands of the phase, then a cart and what the checkout page offers.
SCRIPT = """
import io, json, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
listing = io.StringIO()
if sys.argv[1] == "installed":
    call_command("migrate", interactive=False, verbosity=0)
else:
    call_command("check")
    call_command("migrate", check_unapplied=True, interactive=False, verbosity=0)
call_command("shop_plugins", stdout=listing)
from tests.orders.helpers import variant_of
shopper = Client()
from catalog.models import Variant
variant = Variant.objects.first() or variant_of()  # the second phase reuses the first's
shopper.post("/cart/add/", {"variant": variant.pk, "quantity": "1"})
page = shopper.get("/checkout/").content.decode()
found = {
    "plugins": listing.getvalue().splitlines()[-1 if sys.argv[1] == "removed" else 1],
    "toss_offered": 'value="tosspayments"' in page,
    "kakaopay_offered": 'value="kakaopay"' in page,
    "toss_block": 'data-plugin="tosspayments"' in page,
    "emulator": Client().get("/sandbox/tosspayments/window").status_code,
    "tables": [name for name in connection.introspection.table_names() if "toss" in name],
}
if sys.argv[1] == "installed":  # then take its table away, the documented first step
    call_command("migrate", "shop_tosspayments", "zero", interactive=False, verbosity=0)
    found["tables_after_zero"] = [n for n in connection.introspection.table_names() if "toss" in n]
print(json.dumps(found))
"""


def plugin_free_venv(root: Path) -> Path:
    """A venv whose site-packages links every package of ours except the plugins."""
    venv = [sys._base_executable, "-m", "venv", "--without-pip", str(root)]
    subprocess.run(venv, check=True)  # noqa: S603  (our own interpreter and arguments)
    ours = Path(sysconfig.get_paths()["purelib"])
    theirs = Path(
        subprocess.run(  # noqa: S603
            [
                str(root / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Every installed plugin (the examples), by distribution and package name, editable
    # installs' finders and .pth files included.
    plugin_names = {
        name.lower().replace("-", "_")
        for dist, _version, app in plugins.installed_plugins()
        for name in (dist, app.split(".")[0])
    }
    for entry in ours.iterdir():
        if not any(name in entry.name.lower().replace("-", "_") for name in plugin_names):
            (theirs / entry.name).symlink_to(entry)
    return root / "bin" / "python"


def run(python: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [str(python), *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout


@contextmanager
def shop_database(tmp_path: Path) -> Iterator[str]:
    """A database for the separate environment, as ``DATABASE_URL``.

    On PostgreSQL a copy of this test run's database: migrated already, with the plugin's
    table (the suite's environment has it installed), in a second instead of a full
    migration. On SQLite a new file the first phase migrates from scratch.
    """
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'shop.sqlite3'}"
        return
    source = connection.settings_dict
    copy = f"{source['NAME']}_plugin_removal"
    connections.close_all()  # a template database must have no open session
    dsn = {key: source[name] for key, name in DSN.items() if source.get(name)}
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(copy), sql.Identifier(source["NAME"])
            )
        )
    try:
        user = quote(source["USER"] or "")
        password = f":{quote(source['PASSWORD'])}" if source.get("PASSWORD") else ""
        host = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        yield f"postgres://{user}{password}@{host}/{copy}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))


DSN = {"user": "USER", "password": "PASSWORD", "host": "HOST", "port": "PORT"}


@pytest.mark.django_db(transaction=True)
def test_the_plugin_installs_and_uninstalls_cleanly(tmp_path) -> None:
    with shop_database(tmp_path) as database_url:
        check_install_and_removal(tmp_path, database_url)


def check_install_and_removal(tmp_path: Path, database_url: str) -> None:
    python = plugin_free_venv(tmp_path / "venv")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "shop.settings.test",
        "DATABASE_URL": database_url,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    shop = lambda phase: json.loads(run(python, "-c", SCRIPT, phase, env=env).splitlines()[-1])  # noqa: E731

    run(python, "-m", "pip", "install", "--quiet", "--no-deps", str(PLUGIN), env=env)
    assert shop("installed") == {
        "plugins": "shop-tosspayments 1.0.0 (shop_tosspayments)",
        "toss_offered": True,
        "kakaopay_offered": True,
        "toss_block": True,
        "emulator": 400,  # mounted: it answers (a window without its parameters)
        "tables": ["shop_tosspayments_tossreceipt"],
        "tables_after_zero": [],
    }

    run(python, "-m", "pip", "uninstall", "--yes", "--quiet", "shop-tosspayments", env=env)

    assert shop("removed") == {  # checks pass, nothing to migrate, checkout serves
        "plugins": "No plugins installed.",
        "toss_offered": False,
        "kakaopay_offered": True,
        "toss_block": False,
        "emulator": 404,
        "tables": [],
    }
