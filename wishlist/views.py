"""Storefront pages of the wishlist: my wishlist, the heart, "notify me" (members only).

Every write is a POST with CSRF; another member's restock request answers 404 like one
that does not exist. A visitor not signed in is sent to log in, then back to the product.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Product
from shop.exceptions import NotFoundError, ShopError
from wishlist import selectors, services


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _product_url(product_id: int) -> str:
    product = Product.objects.filter(pk=product_id).only("pk", "slug").first()
    if product is None:
        raise Http404
    return reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug})


@login_required
@require_GET
def my_wishlist(request: HttpRequest) -> HttpResponse:
    context = {
        "items": selectors.list_wishlist(request.user),
        "alerts": selectors.list_restock_alerts(request.user),
    }
    return render(request, "wishlist/my_wishlist.html", context)


@require_POST
def toggle(request: HttpRequest, product_id: int) -> HttpResponse:
    """Wish the product, or unwish it when it is on the list (the product page's heart)."""
    if not request.user.is_authenticated:
        return redirect_to_login(_product_url(product_id))
    if selectors.is_wished(request.user, product_id):
        services.remove_from_wishlist(user=request.user, product_id=product_id)
        messages.success(request, _("Removed from your wishlist."))
    else:
        try:
            services.add_to_wishlist(user=request.user, product_id=product_id)
        except NotFoundError as error:
            raise Http404 from error
        messages.success(request, _("Added to your wishlist."))
    return redirect(_back(request, _product_url(product_id)))


@require_POST
def add(request: HttpRequest, product_id: int) -> HttpResponse:
    """Wish the product (a listing card's heart); wishing it again changes nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(_product_url(product_id))
    try:
        services.add_to_wishlist(user=request.user, product_id=product_id)
    except NotFoundError as error:
        raise Http404 from error
    messages.success(request, _("Added to your wishlist."))
    return redirect(_back(request, _product_url(product_id)))


@require_POST
def request_restock(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Ask to be told once when a sold-out option is back in stock."""
    product_id = (
        Product.objects.filter(variants__pk=variant_id).values_list("pk", flat=True).first()
    )
    if product_id is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(_product_url(product_id))
    try:
        services.request_restock_alert(user=request.user, variant_id=variant_id)
    except NotFoundError as error:
        raise Http404 from error
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We will let you know once when it is back in stock."))
    return redirect(_back(request, _product_url(product_id)))


@login_required
@require_POST
def cancel_restock(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        services.cancel_restock_alert(user=request.user, subscription_id=subscription_id)
    except NotFoundError as error:
        raise Http404 from error
    messages.success(request, _("The restock alert was cancelled."))
    return redirect("wishlist:my_wishlist")
