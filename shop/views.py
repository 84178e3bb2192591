"""Kernel pages: health, metrics and error pages (the storefront home is the catalog's).

Error pages answer in the API's one error body for paths under ``/api/`` and with a
template everywhere else, so an API client never has to parse HTML.
"""

from __future__ import annotations

import hmac
import logging
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView
from kombu import Connection

from shop.api import error_body

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# What the database driver raises when PostgreSQL is down, restarting or out of
# connections: the request may succeed again in a moment, so it is a 503, not a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


# --- Health ---------------------------------------------------------------------------


@never_cache
@require_safe
def livez(request: HttpRequest) -> HttpResponse:
    """Tell a process supervisor the web process answers; touches no database or cache.

    A dependency outage must not get every web process restarted, so liveness is kept
    apart from the readiness checks of ``healthz``.
    """
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Tell a load balancer whether the database, the cache and the broker answer."""
    checks = {
        "database": _timed(_check_database),
        "cache": _timed(_check_cache),
        "broker": _check_broker_unless_in_process(),
    }
    failing = [name for name, result in checks.items() if not result["ok"]]
    if failing:
        return JsonResponse({"status": "failing", "failing": failing, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


def _timed(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    error = None
    try:
        check()
    except Exception as exc:
        # The page is public: name the kind of failure only, the details go to the log.
        error = type(exc).__name__
        logger.warning("Health check %s failed: %s", check.__name__, exc)
    elapsed = round((time.perf_counter() - started) * 1000, 1)
    return {"ok": error is None, "ms": elapsed, "error": error}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


class CacheMismatchError(Exception):
    """The cache did not give back what was just stored in it."""


def _check_cache() -> None:
    # The Redis cache ignores its connection errors (an outage only slows the shop
    # down), so a dead Redis shows up as a value that does not come back. Each check
    # uses its own key: concurrent probes sharing one would overwrite each other.
    nonce = uuid.uuid4().hex
    key = f"shop:healthz:{nonce}"
    cache.set(key, nonce, timeout=30)
    value = cache.get(key)
    cache.delete(key)
    if value != nonce:
        raise CacheMismatchError("the value read back differs from the one written")


def _check_broker() -> None:
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=timeout)


def _check_broker_unless_in_process() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "ms": 0.0, "error": None, "skipped": "in-process"}
    return _timed(_check_broker)


# --- Metrics ----------------------------------------------------------------------------


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve Prometheus metrics, to the holder of METRICS_TOKEN when one is set."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return JsonResponse(
                error_body("permission_denied", _("A valid metrics token is required.")),
                status=403,
            )
    return ExportToDjangoView(request)


# --- Error pages ----------------------------------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a request Django refused (bad host, oversized form): JSON under /api/."""
    if _is_api(request):
        return JsonResponse(error_body("bad_request", _("The request is invalid.")), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a refused request: JSON under /api/, Django's 403 page elsewhere."""
    if _is_api(request):
        message = _("You do not have permission to perform this action.")
        return JsonResponse(error_body("permission_denied", message), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer an unknown URL: JSON under /api/, the 404 page elsewhere."""
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unhandled exception without any detail of it.

    The page is rendered without context processors: the database or the session
    may be what failed. A database outage raised outside a view (the session or the
    user loaded by a middleware) arrives here too and is answered as one.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if _is_api(request):
        message = _("Something went wrong on our side. Please try again later.")
        return JsonResponse(error_body("server_error", message), status=500)
    request_id = getattr(request, "request_id", "")
    return HttpResponse(loader.render_to_string("500.html", {"request_id": request_id}), status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """Answer a request the database could not serve: a 503 the client may retry.

    Standalone like the 500 page, and without any detail of the failure.
    """
    if _is_api(request):
        message = _("The service is briefly unavailable. Please try again in a moment.")
        response: HttpResponse = JsonResponse(
            error_body("service_unavailable", message), status=503
        )
    else:
        request_id = getattr(request, "request_id", "")
        page = loader.render_to_string("503.html", {"request_id": request_id})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Refuse a request whose CSRF token is missing or wrong (CSRF_FAILURE_VIEW)."""
    if _is_api(request):
        return JsonResponse(
            error_body("csrf_failed", _("CSRF token missing or incorrect.")), status=403
        )
    return render(request, "403_csrf.html", status=403)
