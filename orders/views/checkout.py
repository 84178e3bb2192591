"""Checkout and the order complete page.

The summary states every amount the server works out for the address given (items,
option extras, add-ons, shipping per vendor with its breakdown and any 제주/도서산간
surcharge, discounts, points, total, tax-free part) and carries the ``token`` of what it
shows. Placing posts that token back: a cart or price changed since, in another tab or in
the catalog, is refused and the shopper sees the cart again. Nothing the page posts can
set an amount.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.selectors import list_addresses
from orders import payment_methods, selectors, services
from orders.exceptions import OrderError, OrderErrorCode
from orders.forms import CheckoutForm
from orders.models import Cart, Order, PaymentMethod
from orders.views.common import add_service_errors, addon_totals, error_texts, not_found_as_404
from orders.views.session import (
    SHOW_LINK,
    find_cart,
    grant_guest_order,
    guest_token,
    remember_count,
)
from shop.exceptions import NotFoundError, ShopError

# Refusals that mean "look at your cart again", not "fix a field of this form".
BACK_TO_CART = {OrderErrorCode.CART_CHANGED, OrderErrorCode.CART_EMPTY, OrderErrorCode.OUT_OF_STOCK}


def member_addresses(request: HttpRequest) -> list[Any]:
    if not request.user.is_authenticated:
        return []
    return list(list_addresses(user_id=request.user.pk))


def initial_for(request: HttpRequest, addresses: list[Any]) -> dict[str, Any]:
    """Prefill the orderer from the member and pick their default address."""
    initial: dict[str, Any] = {"payment_method": PaymentMethod.BANK_TRANSFER}
    user = request.user
    if user.is_authenticated:
        initial.update(orderer_name=user.name, orderer_email=user.email, orderer_phone=user.phone)
        initial["address_id"] = str(addresses[0].pk) if addresses else ""
    return initial


def summary_context(
    cart: Cart,
    postcode: str,
    country: str = "KR",
    *,
    user: Any = None,
    coupon: Any = None,
    points: Any = 0,
) -> dict[str, Any]:
    """Return the cart priced for ``postcode`` in ``country`` (in Korea, a mainland quote
    while there is no postcode). A vendor that does not ship there is named in the
    summary (``view.shipping_problems``), which then has no token to place with. A
    member's grade discount, ``coupon`` and ``points`` are taken off."""
    view = selectors.cart_view(
        cart, postcode=postcode, country=country, user=user, coupon=coupon, points=points
    )
    return {
        "view": view,
        # What the shopper asked for (not what applied): placing re-prices when it changed.
        "reviewed_coupon": asked(coupon),
        "reviewed_points": asked(points),
        **addon_totals(view),
        "quote_postcode": postcode,
        "quote_country": view.country,
        "bank_account": settings.ORDERS_BANK_ACCOUNT,
        "deposit_hours": settings.ORDERS_BANK_TRANSFER_DEPOSIT_HOURS,
    }


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """Review and place the order; ``action=recalculate`` re-quotes without placing."""
    cart = find_cart(request)
    addresses = member_addresses(request)
    placing = request.method == "POST" and request.POST.get("action") == "place"
    if placing and discounts_changed(request):
        # A coupon or points changed without "apply": show the new total before placing.
        messages.info(request, _("Your discounts changed: check the new total and order again."))
        placing = False
    if placing:
        form = CheckoutForm(request.POST, addresses=addresses, user=request.user)
        if form.is_valid():
            try:
                placed = services.place_order(
                    cart=cart,
                    details=form.details(),
                    cart_token=request.POST.get("cart_token", ""),
                    user=request.user,
                )
            except OrderError as error:
                if error.code in BACK_TO_CART:
                    messages.error(request, " ".join(error_texts(error)))
                    return redirect("orders:cart")
                add_service_errors(form, error)
            except ShopError as error:
                add_service_errors(form, error)
            else:
                return after_placement(request, placed)
        data: Any = form.data
    elif request.method == "POST":  # recalculate: keep what was typed, show no errors yet
        form = CheckoutForm(initial=request.POST.dict(), addresses=addresses, user=request.user)
        data = request.POST
    else:
        form = CheckoutForm(
            initial=initial_for(request, addresses), addresses=addresses, user=request.user
        )
        data = form.initial
    if cart is None:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    try:
        context = summary_context(
            cart,
            form.quote_postcode(data),
            form.quote_country(data),
            user=request.user,
            coupon=data.get("coupon"),
            points=data.get("points"),
        )
    except ShopError as error:
        messages.error(request, " ".join(error_texts(error)))
        return redirect("orders:cart")
    view = context["view"]
    if view.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    if view.problems:
        messages.error(request, _("Some items of your cart cannot be bought now."))
        return redirect("orders:cart")
    remember_count(request, len(view.lines))
    return render(
        request,
        "orders/checkout.html",
        {**context, "form": form, "has_addresses": bool(addresses)},
        status=400 if placing else 200,
    )


@require_POST
def checkout_summary(request: HttpRequest) -> HttpResponse:
    """Return the summary for the postcode or address now in the form (htmx)."""
    cart = find_cart(request)
    if cart is None or not request.htmx:
        return redirect("orders:checkout")
    form = CheckoutForm(addresses=member_addresses(request))
    try:
        context = summary_context(
            cart,
            form.quote_postcode(request.POST),
            form.quote_country(request.POST),
            user=request.user,
            coupon=request.POST.get("coupon"),
            points=request.POST.get("points"),
        )
    except ShopError as error:
        return render(
            request, "orders/_summary.html", {"summary_error": " ".join(error_texts(error))}
        )
    return render(request, "orders/_summary.html", context)


def asked(value: Any) -> str:
    """A coupon id or points as typed, tidied so "1,000" and "1000" (or "" and "0") match."""
    text = str(value or "").replace(",", "").strip()
    return "" if text in {"", "0"} else text


def discounts_changed(request: HttpRequest) -> bool:
    """Whether the coupon or points posted differ from those the summary was priced with."""
    post = request.POST
    if "reviewed_coupon" not in post:
        return False  # a client that never saw the summary's discounts (older page, API)
    return asked(post.get("coupon")) != asked(post.get("reviewed_coupon")) or asked(
        post.get("points")
    ) != asked(post.get("reviewed_points"))


def after_placement(request: HttpRequest, placed: services.PlacedOrder) -> HttpResponse:
    order = placed.order
    if order.is_guest:
        # The guest's proof for this order; the link with it is shown once, next page.
        grant_guest_order(request, order.number, placed.lookup_token)
        request.session[SHOW_LINK] = order.number
    remember_count(request, 0)
    option = payment_methods.get_option(order.payment_method)
    if option is not None and option.start_url is not None:
        return redirect(option.start_url(order, placed.payment_choice))  # on to the provider
    return redirect("orders:complete", number=order.number)


def pay_url(order: Order) -> str:
    """Where an order still awaiting an online payment can be paid (again)."""
    option = payment_methods.get_option(order.payment_method)
    if order.status != Order.Status.PENDING_PAYMENT or option is None or option.start_url is None:
        return ""
    return option.start_url(order, order.payment_method)


def shoppers_order(request: HttpRequest, number: str) -> Order:
    """Return the member's order, or a guest order this session holds the token of."""
    if request.user.is_authenticated:
        try:
            return selectors.get_order_for_user(user=request.user, number=number)
        except NotFoundError:
            if not guest_token(request, number):
                raise
    return selectors.get_order_for_guest(number=number, token=guest_token(request, number))


@require_safe
def order_complete(request: HttpRequest, number: str) -> HttpResponse:
    """Thank the shopper: number, amounts, and for bank transfer the account and deadline."""
    with not_found_as_404():
        order = shoppers_order(request, number)
    lookup_link = ""
    if request.session.get(SHOW_LINK) == order.number:
        del request.session[SHOW_LINK]
        if order.is_guest:
            lookup_link = settings.SITE_URL.rstrip("/") + reverse(
                "orders:guest_link", args=[order.number, guest_token(request, order.number)]
            )
    response = render(
        request,
        "orders/complete.html",
        {
            "order": order,
            "lookup_link": lookup_link,
            "bank_account": settings.ORDERS_BANK_ACCOUNT,
            "is_bank_transfer": order.payment_method == PaymentMethod.BANK_TRANSFER,
            "pay_url": pay_url(order),
        },
    )
    if lookup_link:
        response["Cache-Control"] = "no-store"
    return response
