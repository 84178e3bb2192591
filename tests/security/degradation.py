"""Real services for the degradation tests: Redis, PostgreSQL, the web app and a worker.

Each is a process this test run starts on a free local port and stops again, so a
fault is injected by really stopping it, never by a mock, and the machine's shared
Redis and PostgreSQL are never touched. A missing binary skips on a laptop and fails
in CI (``REQUIRE_SERVICES``), as the suite's other service tests do.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.orders.helpers import DETAILS

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CELERY = str(VENV_BIN / "celery")
START_TIMEOUT = 30.0
PASSWORD = "correct-horse-battery"
# A degraded request may wait for the cache's 1 s socket timeouts, never much longer.
SLOW_BUT_SERVED_SECONDS = 10.0


def missing_service(reason: str) -> None:
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CI requires it)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    """Poll ``condition`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def stop_process(process: subprocess.Popen, *, sig: int = signal.SIGTERM) -> None:
    """Stop a process this module started (its own process group), by its pid only."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class Service:
    """A process a test starts and stops; ``with`` stops it whatever the test did."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class RedisServer(Service):
    """A throwaway ``redis-server`` without persistence: a stop loses every key."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing_service("needs redis-server installed locally")
        self.binary = str(binary)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]  # a stop loses every key
        self.process = subprocess.Popen(  # noqa: S603  (our own binary and arguments)
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port), timeout=START_TIMEOUT, what="redis-server")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, sig=signal.SIGKILL)  # a crash, not a clean shutdown
            self.process = None
        wait_for(lambda: not port_open(self.port), timeout=10, what="redis-server to stop")


class PostgresCluster:
    """A throwaway PostgreSQL cluster owned by the ``postgres`` user, on its own port."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            missing_service("needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
        self.bin = Path(found[-1]).parent
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="shop-degrade-pg-"))
        self.data = self.home / "data"
        shutil.chown(self.home, user="postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(  # noqa: S603  (our own binaries and arguments)
            ["runuser", "-u", "postgres", "--", *args],  # noqa: S607  (root: initdb refuses it)
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=60,
        )

    def init(self) -> None:
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off"
        )
        self._as_postgres(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.home / "log"),
            "-w",
            *extra,
            action,
        )

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.home, ignore_errors=True)


def app_env(**overrides: str) -> dict[str, str]:
    """The environment of the app's processes: the test's own, minus its services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "TEST_REDIS_", "CELERY_", "SHOP_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings.base",
        DJANGO_DEBUG="false",
        SHOP_LOG_LEVEL="WARNING",
        SHOP_NOTIFICATIONS_CHANNELS="email",
        SHOP_ORDERS_BANK_ACCOUNT="국민은행 123456-01-234567 (주)샵",
        PYTHONPATH=str(REPO),
    )
    env.update(overrides)
    return env


def manage(env: Mapping[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=dict(env),
        check=True,
        timeout=180,
        stdout=subprocess.DEVNULL,
    )


class AppServer(Service):
    """The shop under gunicorn (sync workers, as in production) on a free port."""

    def __init__(self, env: Mapping[str, str], *, workers: int = 2, log: Path) -> None:
        self.env = dict(env)
        self.workers = workers
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own binary and arguments)
                [
                    str(VENV_BIN / "gunicorn"),
                    "shop.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    "--timeout=60",
                    "--graceful-timeout=5",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        wait_for(self._answers, timeout=START_TIMEOUT, what="gunicorn to answer /livez")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"gunicorn exited: {self.log.read_text()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/livez", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


class CeleryWorker(Service):
    """A Celery worker process on both queues, as the Procfile runs it."""

    def __init__(self, env: Mapping[str, str], *, log: Path) -> None:
        self.env = dict(env)
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own binary and arguments)
                [
                    CELERY,
                    "--app=shop",
                    "worker",
                    "--pool=solo",
                    "--queues=default,media",
                    "--loglevel=WARNING",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


class Browser:
    """A shopper's browser against the real server: cookies, CSRF token, English pages."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(
            base_url=base, timeout=30, headers={"Accept-Language": "en"}, follow_redirects=False
        )

    def get(self, path: str) -> httpx.Response:
        return self.timed(lambda: self.client.get(path))

    def post(self, path: str, data: dict[str, object]) -> httpx.Response:
        if "csrftoken" not in self.client.cookies:
            self.client.get("/accounts/login/")  # any form page sets the CSRF cookie
        headers = {
            "X-CSRFToken": self.client.cookies["csrftoken"],
            "Referer": str(self.client.base_url),
        }
        return self.timed(lambda: self.client.post(path, data=data, headers=headers))

    @staticmethod
    def timed(send: Callable[[], httpx.Response]) -> httpx.Response:
        started = time.monotonic()
        response = send()
        elapsed = time.monotonic() - started
        assert response.status_code < 500, (response.status_code, response.text[:2000])
        assert elapsed < SLOW_BUT_SERVED_SECONDS, f"{response.request.url} took {elapsed:.1f} s"
        return response

    def log_in(self, email: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"login": email, "password": PASSWORD})
        assert response.status_code == 302, response.text[:2000]

    def place_order(self, variant: Any, **details: str) -> str:
        """Put one ``variant`` in the cart and place it; return where checkout redirects."""
        added = self.post(
            reverse("orders:cart_add"),
            {"variant": variant.pk, "product": variant.product_id, "quantity": "1"},
        )
        assert added.status_code == 302
        review = self.get(reverse("orders:checkout"))
        assert review.status_code == 200
        token = re.search(r'name="cart_token" value="([0-9a-f]+)"', review.text)
        assert token, "the checkout summary carries the cart token"
        placed = self.post(
            reverse("orders:checkout"),
            {**DETAILS, **details, "cart_token": token.group(1), "action": "place"},
        )
        assert placed.status_code == 302, placed.text[:2000]
        return placed.headers["Location"]


def member() -> Any:
    """A shopper who logs in with ``PASSWORD`` (hashed for the app's production hashers)."""
    user = UserFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    return user
