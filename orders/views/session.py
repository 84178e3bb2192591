"""What the browser's session holds for orders: the guest cart key and guest order access.

A guest cart is keyed by a random value kept in the session, not by the session key:
Django rotates the session key at sign-in (``cycle_key``), while the session's data
survives, so the sign-in receiver can still find the guest cart and merge it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest

from orders import services
from orders.models import Cart

CART_KEY = "orders_cart_key"
CART_COUNT = "orders_cart_count"  # lines in the cart, shown in the header without a query
GUEST_ORDERS = "orders_guest_orders"  # {order number: lookup token} proven in this session
SHOW_LINK = "orders_show_lookup_link"  # the order number whose link the next page shows once
MAX_GUEST_ORDERS = 20


def find_cart(request: HttpRequest) -> Cart | None:
    """Return the shopper's cart if there is one; a page view never creates it."""
    if request.user.is_authenticated:
        return Cart.objects.filter(user=request.user).first()
    key = request.session.get(CART_KEY)
    if not key:
        return None
    return Cart.objects.filter(session_key=key, user=None).first()


def open_cart(request: HttpRequest) -> Cart:
    """Return the shopper's cart, creating it (and the guest's cart key) on first use."""
    if request.user.is_authenticated:
        return services.get_or_create_cart(user=request.user)
    key = request.session.get(CART_KEY)
    if not key:
        key = secrets.token_urlsafe(32)
        request.session[CART_KEY] = key
        return services.create_guest_cart(session_key=key)
    return services.get_or_create_cart(session_key=key)


def remember_count(request: HttpRequest, count: int) -> None:
    """Keep the number of cart lines for the header; a guest without a session gets none."""
    session = request.session
    if session.get(CART_COUNT) != count and (count or CART_COUNT in session):
        session[CART_COUNT] = count


def grant_guest_order(request: HttpRequest, number: str, token: str) -> None:
    """Let this session see the guest order ``number`` (it proved the token or the contact)."""
    granted: dict[str, str] = dict(request.session.get(GUEST_ORDERS) or {})
    granted.pop(number, None)
    granted[number] = token
    while len(granted) > MAX_GUEST_ORDERS:
        granted.pop(next(iter(granted)))
    request.session[GUEST_ORDERS] = granted


def guest_token(request: HttpRequest, number: str) -> str:
    return str((request.session.get(GUEST_ORDERS) or {}).get(number, ""))


def merge_on_login(request: Any, user: Any) -> None:
    """Move the guest cart of this session into the member's cart (the sign-in receiver).

    The header's count then shows the member's cart, merged or not.
    """
    session = getattr(request, "session", None)
    if session is None:
        return
    key = session.pop(CART_KEY, None)
    cart = services.merge_carts(session_key=key, user=user) if key else None
    if cart is None:
        cart = Cart.objects.filter(user=user).first()
    count = cart.lines.count() if cart is not None else 0
    if count or CART_COUNT in session:
        session[CART_COUNT] = count
