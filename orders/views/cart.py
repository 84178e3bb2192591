"""The cart page: lines grouped by vendor with each group's shipping, totals and problems.

Prices come from ``selectors.cart_view`` on every request; the page only posts line ids
and quantities. With htmx, changing or removing a line swaps the cart (``#cart``) and
the header count; without JavaScript the same forms post and redirect back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from catalog.models import Product
from orders import selectors, services
from orders.forms import add_to_cart_input
from orders.models import Cart
from orders.views.common import addon_totals, error_texts, not_found_as_404
from orders.views.session import CART_KEY, find_cart, open_cart, remember_count
from shop.exceptions import NotFoundError, ShopError


def cart_context(
    request: HttpRequest,
    cart: Cart | None,
    *,
    error_line: int | None = None,
    error_messages: list[str] | None = None,
) -> dict[str, Any]:
    """Return the priced cart for the page; a cart the engine cannot quote says why."""
    context: dict[str, Any] = {
        "view": None,
        "cart_error": "",
        "cart_count": 0,
        "error_line": error_line,
        "error_messages": error_messages or [],
    }
    if cart is None:
        remember_count(request, 0)
        return context
    try:
        view = selectors.cart_view(cart)
    except ShopError as error:  # e.g. a seller without a shipping policy
        context["cart_error"] = " ".join(error_texts(error))
        context["raw_lines"] = selectors.cart_lines(cart)
        context["cart_count"] = len(context["raw_lines"])
    else:
        context.update(view=view, cart_count=len(view.lines), **addon_totals(view))
    remember_count(request, context["cart_count"])
    return context


def render_cart(
    request: HttpRequest,
    cart: Cart | None,
    *,
    status: int = 200,
    **errors: Any,
) -> HttpResponse:
    context = cart_context(request, cart, **errors)
    if request.htmx:
        return render(request, "orders/_cart.html", {**context, "oob_count": True}, status=status)
    return render(request, "orders/cart.html", context, status=status)


@require_safe
def cart_detail(request: HttpRequest) -> HttpResponse:
    """Show the cart: guests by their session's cart key, members by their account."""
    return render_cart(request, find_cart(request))


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add the product page's choice to the cart and go back there with a message."""
    arguments = add_to_cart_input(request.POST)
    had_key = CART_KEY in request.session
    try:
        # A refused add leaves no empty cart behind.
        with transaction.atomic():
            cart = open_cart(request)
            line = services.add_to_cart(cart=cart, **arguments)
    except ShopError as error:
        if not had_key:
            request.session.pop(CART_KEY, None)
        messages.error(request, " ".join(error_texts(error)))
        return redirect(back_url(request, arguments["product_id"]))
    remember_count(request, cart.lines.count())
    messages.success(request, _("Added to your cart."))
    if request.POST.get("then") == "cart":
        return redirect("orders:cart")
    return redirect(back_url(request, arguments["product_id"], product=line.variant.product))


@require_POST
def cart_update(request: HttpRequest, line_id: int) -> HttpResponse:
    """Set a line's quantity (stock is checked again); a bad quantity changes nothing."""
    cart = find_cart(request)
    if cart is None:
        raise Http404
    try:
        services.update_cart_line(cart=cart, line_id=line_id, quantity=request.POST.get("quantity"))
    except NotFoundError as error:  # another cart's line is not found in this one
        raise Http404 from error
    except ShopError as error:
        texts = error_texts(error)
        return render_cart(
            request,
            cart,
            error_line=line_id,
            error_messages=texts[1:] or texts,
            status=200 if request.htmx else 400,
        )
    return after_change(request, cart, _("The quantity was changed."))


@require_POST
def cart_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    """Remove a line from the shopper's own cart."""
    cart = find_cart(request)
    if cart is None:
        raise Http404
    with not_found_as_404():
        services.remove_cart_line(cart=cart, line_id=line_id)
    return after_change(request, cart, _("The item was removed from your cart."))


def after_change(request: HttpRequest, cart: Cart, message: str) -> HttpResponse:
    if request.htmx:
        return render_cart(request, cart)
    messages.success(request, message)
    return redirect("orders:cart")


def back_url(request: HttpRequest, product_id: Any, *, product: Product | None = None) -> str:
    """Return the page to go back to: a safe ``next``, else the product page, else the cart.

    ``product``, when the caller has it, saves looking its slug up.
    """
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if product_id and str(product_id).isdigit():
        slug = (
            product.slug
            if product is not None
            else Product.objects.filter(pk=int(product_id)).values_list("slug", flat=True).first()
        )
        if slug is not None:
            try:
                return reverse("catalog:product", args=[int(product_id), slug])
            except NoReverseMatch:
                pass
    return reverse("orders:cart")
