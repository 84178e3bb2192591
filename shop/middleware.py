"""Per-request context: a request id, the client's IP, and the request for the audit actor."""

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shop import audit
from shop.logging import request_id_var

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
