"""The deployment files describe one topology, and the shop runs in it.

Docker cannot run here, so docker-compose.yml, the Procfile, the Dockerfile and
deploy/nginx.conf are read and held against the code they deploy: every Celery queue
has its own worker in both files and exactly one beat runs; the web command uses
deploy/gunicorn.conf.py; every variable compose sets is one the shop documents; the
production settings load with compose's environment and build media URLs that nginx
serves; nginx lets through the uploads the settings allow. Static files are answered
brotli-compressed with a year-long immutable Cache-Control by the storage production uses.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import brotli
import pytest
import yaml
from django.conf import settings as django_settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = "deploy/gunicorn.conf.py"
SHOP_IMAGE = "shop:latest"
YEAR = 365 * 24 * 60 * 60


# --- Reading the files ------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        processes[name.strip()] = shlex.split(command)
    return processes


def shop_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the shop's own image (web, workers, beat, migrate)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == SHOP_IMAGE
    }


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else list(command)


def celery_role(argv: list[str]) -> str | None:
    """'worker' or 'beat' for a ``celery -A shop ...`` command line, else None."""
    if not argv or argv[0] != "celery":
        return None
    return next((arg for arg in argv[1:] if arg in {"worker", "beat"}), None)


def queues_of(argv: list[str]) -> set[str]:
    for index, arg in enumerate(argv):
        if arg.startswith("--queues="):
            return set(arg.removeprefix("--queues=").split(","))
        if arg in {"-Q", "--queues"}:
            return set(argv[index + 1].split(","))
    return set()


def celery_commands(commands: dict[str, list[str]], role: str) -> dict[str, list[str]]:
    return {name: argv for name, argv in commands.items() if celery_role(argv) == role}


def documented_variables(path: Path) -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", path.read_text(), re.M))


def shop_queues() -> set[str]:
    """Every queue the Celery app declares, routes a task to, or sends to by default."""
    from shop.celery import app

    declared = {queue.name for queue in app.conf.task_queues}
    routed = {route["queue"] for route in app.conf.task_routes.values()}
    return declared | routed | {app.conf.task_default_queue}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


# --- Processes: the same in compose and in the Procfile ---------------------------------


def test_the_shop_declares_a_default_and_a_media_queue():
    # The premise of the checks below: if routing changes, they check the new queues.
    assert shop_queues() == {"default", "media"}


def test_every_queue_has_a_worker_of_its_own_in_compose_and_in_the_procfile(compose, procfile):
    compose_workers = celery_commands(
        {name: command_of(s) for name, s in shop_services(compose).items()}, "worker"
    )
    procfile_workers = celery_commands(procfile, "worker")

    for workers in (compose_workers, procfile_workers):
        consumed = [queues_of(argv) for argv in workers.values()]
        # One queue per worker, so media work never waits behind events or the reverse.
        assert all(len(queues) == 1 for queues in consumed), workers
        assert set().union(*consumed) == shop_queues()


def test_no_worker_runs_an_embedded_beat(compose, procfile):
    commands = [command_of(s) for s in shop_services(compose).values()] + list(procfile.values())
    for argv in commands:
        if celery_role(argv) == "worker":
            assert "-B" not in argv
            assert "--beat" not in argv


def test_exactly_one_beat_runs(compose, procfile):
    compose_beats = {
        name: service
        for name, service in shop_services(compose).items()
        if celery_role(command_of(service)) == "beat"
    }
    assert len(compose_beats) == 1
    [beat] = compose_beats.values()
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert len(celery_commands(procfile, "beat")) == 1


def test_the_web_process_is_gunicorn_with_the_deploy_config(compose, procfile):
    dockerfile = (ROOT / "Dockerfile").read_text()
    [dockerfile_cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)

    for argv in (
        command_of(compose["services"]["web"]),
        procfile["web"],
        json.loads(dockerfile_cmd),
    ):
        assert argv[0] == "gunicorn"
        assert argv[argv.index("--config") + 1] == GUNICORN_CONF


def test_migrations_run_once_before_the_processes_start(compose, procfile):
    migrate = ["python", "manage.py", "migrate", "--noinput"]
    assert procfile["release"] == migrate
    assert command_of(compose["services"]["migrate"]) == migrate
    for name, service in shop_services(compose).items():
        if name != "migrate":
            condition = service["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully", name


def test_procfile_and_compose_run_the_same_process_types(compose, procfile):
    in_compose = {
        (celery_role(argv) or argv[0], frozenset(queues_of(argv)))
        for argv in map(command_of, shop_services(compose).values())
    }
    in_procfile = {
        (celery_role(argv) or argv[0], frozenset(queues_of(argv))) for argv in procfile.values()
    }

    assert in_compose == in_procfile


# --- Environment ----------------------------------------------------------------------------


def test_every_variable_compose_gives_the_shop_is_documented(compose):
    documented = documented_variables(ROOT / ".env.example")
    for name, service in shop_services(compose).items():
        assert sorted(set(service["environment"]) - documented) == [], name


def test_every_variable_gunicorn_conf_reads_is_documented():
    read = set(
        re.findall(r"environ\.get\(\s*[\"']([A-Z0-9_]+)", (ROOT / GUNICORN_CONF).read_text())
    )

    assert read >= {"WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "PORT"}
    assert read <= documented_variables(ROOT / ".env.example")


def test_every_value_compose_fills_in_is_in_its_example_file():
    text = (ROOT / "docker-compose.yml").read_text().replace("$$", "")
    filled = set(re.findall(r"\$\{([A-Z0-9_]+)", text))

    assert filled <= documented_variables(ROOT / "deploy" / "compose.env.example")


def test_only_the_web_processes_read_from_the_replica(compose):
    for name, service in shop_services(compose).items():
        env = service["environment"]
        if name == "web":
            assert "@postgres-replica:5432/" in env["DATABASE_REPLICA_URL"]
        else:
            assert "DATABASE_REPLICA_URL" not in env, name
        assert "@postgres:5432/" in env["DATABASE_URL"]


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    # The settings read a .env file in the project folder when there is one.
    assert {".env", "deploy/compose.env", "deploy/shop.env", ".venv", ".git"} <= ignored


COMPOSE_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
rendition = "catalog/renditions/1/320.webp"
media_url = default_storage.url(rendition)
print("REPORT " + json.dumps({
    "databases": {alias: db["HOST"] for alias, db in settings.DATABASES.items()},
    "replica_configured": bool(getattr(settings, "DATABASE_REPLICA_URL", "")),
    "cache": settings.CACHES["default"]["LOCATION"],
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "media_storage": type(default_storage._wrapped).__name__,
    "media_url": media_url,
    "upload_parameters": default_storage._get_write_parameters(rendition),
    "trusted_proxies": settings.TRUSTED_PROXY_COUNT,
    "data_upload_max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    "largest_upload": max(settings.CATALOG_MAX_VIDEO_BYTES, settings.CATALOG_MAX_IMAGE_BYTES),
}))
"""


def resolve(value: str, filled: dict[str, str]) -> str:
    """Fill in ``${VAR}``, ``${VAR:-default}`` and ``${VAR:?error}`` as compose does."""

    def substitute(match: re.Match[str]) -> str:
        name, operator, fallback = match.group(1), match.group(2), match.group(3)
        if filled.get(name):
            return filled[name]
        if operator == ":?":
            raise AssertionError(f"{name} is required and has no value")
        return fallback or ""

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}", substitute, str(value))


def compose_values() -> dict[str, str]:
    """deploy/compose.env.example, with a fresh secret for each value compose requires."""
    required = re.findall(r"\$\{([A-Z0-9_]+):\?", (ROOT / "docker-compose.yml").read_text())
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, re.M))
    return values | {name: values.get(name) or secrets.token_hex(32) for name in required}


@pytest.fixture(scope="module")
def web_environment(compose) -> dict[str, str]:
    filled = compose_values()
    web = compose["services"]["web"]["environment"]
    return {name: resolve(value, filled) for name, value in web.items()}


@pytest.fixture(scope="module")
def compose_report(web_environment) -> dict[str, Any]:
    result = run(["-c", COMPOSE_PROBE], web_environment)
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def test_production_settings_pass_their_checks_with_the_compose_environment(web_environment):
    result = run(["manage.py", "check"], web_environment)

    assert result.returncode == 0, result.stderr[-3000:]


def test_the_compose_environment_wires_every_service(compose_report):
    assert compose_report["databases"]["default"] == "postgres"
    if compose_report["replica_configured"]:
        assert compose_report["databases"]["replica"] == "postgres-replica"
    assert compose_report["cache"] == "redis://redis:6379/0"
    assert compose_report["broker"] == "redis://redis-broker:6379/0"
    assert compose_report["eager"] is False
    assert compose_report["media_storage"] == "S3Storage"
    assert compose_report["trusted_proxies"] == 1  # nginx alone appends to X-Forwarded-For


def test_media_urls_point_at_nginx_which_serves_the_public_renditions(compose_report):
    from catalog.media.services import RENDITIONS_DIR

    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    policy = json.loads((ROOT / "deploy" / "minio" / "public-renditions.json").read_text())
    [bucket] = re.findall(r"proxy_pass http://minio:9000/([\w-]+)/;", nginx)

    assert (
        compose_report["media_url"] == "http://127.0.0.1:8080/media/catalog/renditions/1/320.webp"
    )
    assert "location /media/ {" in nginx
    # Anonymous reads of the renditions only: originals keep the uploader's metadata.
    [statement] = policy["Statement"]
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [f"arn:aws:s3:::{bucket}/{RENDITIONS_DIR}/*"]


def test_renditions_are_uploaded_with_a_year_long_immutable_cache_control(compose_report):
    parameters = compose_report["upload_parameters"]
    directives = [part.strip() for part in parameters["CacheControl"].split(",")]

    assert parameters["ContentType"] == "image/webp"
    assert {"public", "immutable"} <= set(directives)
    [max_age] = [int(d.removeprefix("max-age=")) for d in directives if d.startswith("max-age=")]
    assert max_age >= YEAR


def test_the_image_build_loads_the_production_settings_with_its_placeholders():
    dockerfile = (ROOT / "Dockerfile").read_text()
    [step] = [s for s in dockerfile.split("\nRUN ") if "collectstatic" in s]
    placeholders = dict(re.findall(r"([A-Z][A-Z0-9_]*)=(\S+)", step))
    env = {"DJANGO_SETTINGS_MODULE": "shop.settings.production", **placeholders}

    result = run(["-c", "import django; django.setup()"], env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "python manage.py collectstatic --noinput" in step


# --- nginx in front of gunicorn ---------------------------------------------------------------


def nginx_size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def test_nginx_takes_the_uploads_the_settings_allow_and_only_where_they_are_made(compose_report):
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    [server_limit] = re.findall(r"^        client_max_body_size (\w+);", nginx, re.M)
    [(paths, upload_limit)] = re.findall(
        r"location ~ \^/\(([\w|]+)\)/ \{\s*client_max_body_size (\w+);", nginx
    )
    largest_upload = max(
        compose_report["largest_upload"],
        int(getattr(django_settings, "CATALOG_IMPORT_MAX_BYTES", 0)),
    )

    assert nginx_size(server_limit) >= compose_report["data_upload_max"]
    assert largest_upload <= nginx_size(upload_limit) <= largest_upload * 1.05
    # Product media and CSV imports are uploaded in the admin and the seller center.
    assert {f"/{path}/" for path in paths.split("|")} == {
        reverse("admin:index"),
        reverse("sellercenter:index"),
    }


def test_nginx_reaches_gunicorn_and_waits_longer_than_its_timeout():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    proxy = (ROOT / "deploy" / "nginx-proxy.conf").read_text()
    conf = runpy.run_path(str(ROOT / GUNICORN_CONF))
    [read_timeout] = re.findall(r"proxy_read_timeout (\d+)s;", nginx)

    assert f"server web:{conf['bind'].rsplit(':', 1)[1]} " in nginx
    assert int(read_timeout) > conf["timeout"]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header Host $host;" in proxy


# --- gunicorn -----------------------------------------------------------------------------


def test_gunicorn_loads_the_config_with_sync_workers_two_per_core(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    checked = run(["-m", "gunicorn", "--check-config", "--config", GUNICORN_CONF], {})
    assert checked.returncode == 0, checked.stderr[-3000:]

    conf = runpy.run_path(str(ROOT / GUNICORN_CONF))
    assert conf["worker_class"] == "sync"
    assert conf["workers"] == 2 * conf["available_cores"]()
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert "rid=%({x-request-id}o)s" in conf["access_log_format"]


def test_web_concurrency_overrides_the_worker_count():
    printed = run(
        ["-m", "gunicorn", "--print-config", "--config", GUNICORN_CONF], {"WEB_CONCURRENCY": "3"}
    )

    assert printed.returncode == 0, printed.stderr[-3000:]
    assert re.search(r"^workers\s+= 3$", printed.stdout, re.M)


@pytest.mark.parametrize(
    ("cpu_max", "cap"),
    [("150000 100000\n", 2), ("50000 100000\n", 1), ("max 100000\n", None), ("garbled", None)],
)
def test_cores_are_capped_by_the_containers_cpu_quota(tmp_path, cpu_max, cap):
    available_cores = runpy.run_path(str(ROOT / GUNICORN_CONF))["available_cores"]
    affinity = len(os.sched_getaffinity(0))
    (tmp_path / "cpu.max").write_text(cpu_max)

    expected = min(affinity, cap) if cap else affinity
    assert available_cores(tmp_path / "cpu.max") == expected
    assert available_cores(tmp_path / "missing") == affinity


# --- The health check the containers run ------------------------------------------------------


def test_healthcheck_names_an_allowed_host():
    probe_host = runpy.run_path(str(ROOT / "deploy" / "healthcheck.py"))["probe_host"]

    assert probe_host("shop.example.kr,www.shop.example.kr") == "shop.example.kr"
    assert probe_host(".example.kr") == "example.kr"
    assert probe_host("*") == "localhost"
    assert probe_host("") == "localhost"


def test_healthcheck_passes_on_livez_and_fails_on_an_error(live_server, monkeypatch):
    main = runpy.run_path(str(ROOT / "deploy" / "healthcheck.py"))["main"]
    monkeypatch.setenv("PORT", live_server.url.rsplit(":", 1)[1])
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost")

    assert main("/livez") == 0
    assert main("/no-such-page/") == 1


# --- Static files ---------------------------------------------------------------------------


def test_hashed_static_files_are_served_brotli_compressed_and_immutable(
    settings, tmp_path, compose_report
):
    """The staticfiles storage production uses, collecting one file, served by whitenoise."""
    source = tmp_path / "source"
    source.mkdir()
    css = ".product-card { margin: 0 auto; padding: 1rem; }\n" * 200
    (source / "deploy-check.css").write_text(css)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": compose_report["staticfiles"]},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = static("deploy-check.css")
    client = Client()

    response = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    unhashed = client.get(f"{settings.STATIC_URL}deploy-check.css", HTTP_ACCEPT_ENCODING="br")

    assert hashed != f"{settings.STATIC_URL}deploy-check.css"
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == f"max-age={10 * YEAR}, public, immutable"
    assert "Accept-Encoding" in response["Vary"]
    assert brotli.decompress(b"".join(response.streaming_content)).decode() == css
    # A name that can point at new content next release is cached briefly only.
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed["Cache-Control"]
