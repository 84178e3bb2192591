"""Response headers of the pages that show personal data or carry tokens in their URL."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Account, cart, checkout, order, payment and back-office pages, and the API calls behind
# them. Payment returns carry pg_token/paymentId and guest links a lookup token in the URL.
PRIVATE_PATH_PREFIXES = (
    "/my/",
    "/accounts/",
    "/cart/",
    "/checkout/",
    "/orders/",
    "/payments/",
    "/restock/confirm/",
    "/vendors/apply/",
    "/admin/",
    "/seller/",
    "/api/v1/me/",
    "/api/v1/cart/",
    "/api/v1/checkout/",
    "/api/v1/orders/",
    "/api/v1/seller/",
)
# The URL (and its tokens) never leaves our origin in a Referer, while our own forms
# still send Origin and Referer, which the CSRF check reads ("no-referrer" would send
# "Origin: null" and fail it).
PRIVATE_REFERRER_POLICY = "same-origin"


class PrivatePagesMiddleware:
    """No browser or proxy keeps a private page, and its URL is not passed on to others.

    Inside SecurityMiddleware, which sets the site-wide Referrer-Policy only where none is.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(PRIVATE_PATH_PREFIXES):
            add_never_cache_headers(response)
            response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
        return response
