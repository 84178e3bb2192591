"""Per-request context: a request id, the client's IP, the audit actor, where reads go."""

import ipaddress
import logging
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shop import audit, db_router, views
from shop.logging import request_id_var

logger = logging.getLogger(__name__)

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Tag the request with ``request_id`` and ``client_ip`` and expose it to audit and logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.client_ip = client_ip(request)
        token = request_id_var.set(request.request_id)
        try:
            with audit.request_context(request):
                response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, trusting X-Forwarded-For only for the configured proxies.

    Each trusted proxy appends the address it received from, so the client is the entry
    that many places from the right; anything further left is client-supplied.
    """
    address = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


class ReplicaReadsMiddleware:
    """Decide where each request reads (shop/db_router.py) and pin a client that wrote.

    Installed by the settings only when ``DATABASE_REPLICA_URL`` is set.
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS
        self.primary_paths = tuple(settings.DATABASE_REPLICA_PRIMARY_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with db_router.reads(replica_allowed=self.may_read_replica(request)) as reads:
            response = self.get_response(request)
        if reads.wrote and self.pin_seconds:
            self.pin(response)
        return response

    def may_read_replica(self, request: HttpRequest) -> bool:
        return (
            request.method in self.SAFE_METHODS
            and not request.path_info.startswith(self.primary_paths)
            and not self.pinned(request)
        )

    def pinned(self, request: HttpRequest) -> bool:
        if db_router.PIN_COOKIE not in request.COOKIES:
            return False
        # Signed with a timestamp: a client can neither forge nor stretch its pin.
        found = request.get_signed_cookie(
            db_router.PIN_COOKIE,
            default=None,
            salt=db_router.PIN_SALT,
            max_age=self.pin_seconds,
        )
        return found is not None

    def pin(self, response: HttpResponse) -> None:
        response.set_signed_cookie(
            db_router.PIN_COOKIE,
            "1",
            salt=db_router.PIN_SALT,
            max_age=self.pin_seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


class DatabaseUnavailableMiddleware:
    """Answer a view's database outage with a fast 503 instead of a 500 and a traceback.

    An outage is not a bug: it is logged as a warning and does not page anyone as an
    error would. Outages raised in other middleware reach ``shop.views.server_error``,
    which answers them the same way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, views.DATABASE_UNAVAILABLE):
            return None
        logger.warning(
            "Database unavailable for %s %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
        )
        return views.service_unavailable(request)
