"""Django signal receivers of orders (domain events go through ``listeners`` instead)."""

from __future__ import annotations

from typing import Any

from orders.views.session import merge_on_login


def merge_guest_cart(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """At sign-in, the guest cart of the session joins the member's cart.

    allauth (password and social sign-in) logs in through ``django.contrib.auth.login``,
    which sends ``user_logged_in`` after rotating the session key; the session's data,
    and so the guest cart key, is kept.
    """
    if request is not None and user is not None:
        merge_on_login(request, user)
