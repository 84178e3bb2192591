"""Who may use the cart and checkout endpoints: anyone, with CSRF checked for guests too.

DRF checks CSRF only for a member signed in by session; a guest's cart lives in the
session as well, so a cross-site form must not fill or order it either. Bearer-token
clients carry no cookie to abuse and are not checked.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ShopperOrGuest(BasePermission):
    """Allow everyone; refuse a guest's write without the CSRF token (403 csrf_failed)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS and not request.user.is_authenticated:
            SessionAuthentication().enforce_csrf(request._request)
        return True


class ShopperOrGuestSchema(AutoSchema):
    """The OpenAPI security of ShopperOrGuest views: a member's session or token, or none.

    drf-spectacular adds the anonymous alternative only for AllowAny; without it the schema
    claimed guests were refused, and clients (and schemathesis) believed it.
    """

    def get_auth(self) -> list[dict[str, Any]]:
        return [*super().get_auth(), {}]


class OrderLookupThrottle(SimpleRateThrottle):
    """Guest order lookups per client address: a few a minute is plenty for a person."""

    scope = "order_lookup"
    rate = "10/min"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
