"""Guest order lookup: by order number with e-mail and phone, or by the order's link.

Both ways end in ``selectors.get_order_for_guest``; a wrong number, a wrong e-mail and a
wrong token all give the same answer, so the form tells nothing about which orders
exist. Failed attempts are limited per client address. A proven order is remembered in
the session (number and token), and the link's token leaves the address bar at once:
the link redirects to a page without it, so it is not sent on as a Referer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orders import selectors
from orders.forms import GuestLookupForm
from orders.models import Order
from orders.views.my_orders import render_detail, run_action
from orders.views.session import grant_guest_order, guest_token
from shop.exceptions import NotFoundError

LOOKUP_FAILURES_ALLOWED = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


def failures_key(request: HttpRequest) -> str:
    return f"orders:guest-lookup-failures:{getattr(request, 'client_ip', None) or 'unknown'}"


def blocked(request: HttpRequest) -> bool:
    return int(cache.get(failures_key(request)) or 0) >= LOOKUP_FAILURES_ALLOWED


def count_failure(request: HttpRequest) -> None:
    key = failures_key(request)
    if not cache.add(key, 1, LOOKUP_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, LOOKUP_WINDOW_SECONDS)


def token_of(number: str) -> str:
    """Return the lookup token of a guest order number, "" when there is no such order.

    The form proves the order with the e-mail and phone instead of the token; the
    selector checks them, so both ways of looking an order up share its checks.
    """
    order = Order.objects.filter(number=number, user__isnull=True).only("number", "lookup_nonce")
    found = order.first()
    return found.lookup_token() if found is not None else ""


@require_http_methods(["GET", "POST"])
def guest_lookup(request: HttpRequest) -> HttpResponse:
    """Find a guest order by its number and the orderer's e-mail and phone."""
    form = GuestLookupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if blocked(request):
            form.add_error(None, _("Too many attempts. Try again in a few minutes."))
            status = 429
        else:
            number = form.cleaned_data["number"]
            try:
                order = selectors.get_order_for_guest(
                    number=number,
                    token=token_of(number),
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except NotFoundError:
                count_failure(request)
                form.add_error(None, _("No order matches this number, e-mail and phone."))
                status = 400
            else:
                grant_guest_order(request, order.number, order.lookup_token())
                return redirect("orders:guest_order_detail", number=order.number)
    return render(request, "orders/lookup.html", {"form": form}, status=status)


@require_safe
def guest_link(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The link given at checkout: remember the order in the session and drop the token."""
    if blocked(request):
        messages.error(request, _("Too many attempts. Try again in a few minutes."))
        return redirect("orders:guest_lookup")
    try:
        order = selectors.get_order_for_guest(number=number, token=token)
    except NotFoundError as error:
        count_failure(request)
        raise Http404 from error
    grant_guest_order(request, order.number, token)
    return redirect("orders:guest_order_detail", number=order.number)


def guest_order(request: HttpRequest, number: str) -> Order:
    token = guest_token(request, number)
    if not token:
        raise Http404
    try:
        return selectors.get_order_for_guest(number=number, token=token)
    except NotFoundError as error:
        raise Http404 from error


def guest_url(number: str) -> Callable[..., str]:
    def url(action: str, **kwargs: Any) -> str:
        return reverse(f"orders:guest_order_{action}", kwargs={"number": number, **kwargs})

    return url


@require_safe
def guest_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The guest's order, once this session proved it (link or lookup form)."""
    order = guest_order(request, number)
    return render_detail(request, order, guest_url(order.number), guest=True)


def guest_action(action: str) -> Callable[..., HttpResponse]:
    @require_POST
    def view(request: HttpRequest, number: str, shipment_id: int | None = None) -> HttpResponse:
        order = guest_order(request, number)
        return run_action(
            request, order, guest_url(order.number), action, guest=True, shipment_id=shipment_id
        )

    view.__name__ = f"guest_order_{action}"
    view.__doc__ = f"POST: {action.replace('_', ' ')} on a guest order this session proved."
    return view


guest_order_cancel = guest_action("cancel")
guest_order_cancel_lines = guest_action("cancel_lines")
guest_order_claim = guest_action("claim")
guest_order_confirm = guest_action("confirm")
