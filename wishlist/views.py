"""Storefront pages of the wishlist: my wishlist, the heart, "notify me" (members only).

Every write is a POST with CSRF; another member's restock request answers 404 like one
that does not exist. A visitor not signed in is sent to log in, then back to the product.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Product
from shop.exceptions import NotFoundError, ShopError
from wishlist import selectors, services


class GuestRestockForm(forms.Form):
    email = forms.EmailField(max_length=254)


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
    """Wish the product (a listing card's heart, posted by htmx); again changes nothing.

    The cards are one HTML for every visitor (kept per process), so the heart is an
    htmx button carrying the page's CSRF header, and answers with the filled heart.
    """
    if not request.user.is_authenticated:
        login = redirect_to_login(_product_url(product_id))
        if request.htmx:  # htmx follows HX-Redirect with a full page load
            return HttpResponse(status=204, headers={"HX-Redirect": login["Location"]})
        return login
    try:
        services.add_to_wishlist(user=request.user, product_id=product_id)
    except NotFoundError as error:
        raise Http404 from error
    if request.htmx:
        return render(request, "wishlist/_card_heart.html")
    messages.success(request, _("Added to your wishlist."))
    return redirect(_back(request, _product_url(product_id)))


@require_POST
def request_restock(request: HttpRequest, variant_id: int) -> HttpResponse:
    """Ask to be told once when a sold-out option is back in stock.

    A member's request counts at once. A guest types an e-mail address and confirms it
    from the mail we send (rate-limited per IP); without one they are sent to log in.
    """
    product_id = (
        Product.objects.filter(variants__pk=variant_id).values_list("pk", flat=True).first()
    )
    if product_id is None:
        raise Http404
    back = _back(request, _product_url(product_id))
    if not request.user.is_authenticated and not request.POST.get("email"):
        return redirect_to_login(_product_url(product_id))
    try:
        if request.user.is_authenticated:
            services.request_restock_alert(user=request.user, variant_id=variant_id)
            done = _("We will let you know once when it is back in stock.")
        else:
            form = GuestRestockForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.errors["email"][0])
                return redirect(back)
            if not ratelimit.consume(request, action="restock_alert"):
                messages.error(request, _("Too many requests. Please try again later."))
                return redirect(back)
            services.request_guest_restock_alert(
                email=form.cleaned_data["email"], variant_id=variant_id
            )
            done = _("Check your mail: follow the link in it to confirm the alert.")
    except NotFoundError as error:
        raise Http404 from error
    except ShopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(back)


@require_http_methods(["GET", "POST"])
def confirm_restock(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's confirmation link: a page with a button, so a mail scanner's visit confirms nothing."""
    if request.method == "POST":
        try:
            subscription = services.confirm_guest_restock_alert(token=token)
        except NotFoundError as error:
            raise Http404 from error
        messages.success(request, _("Confirmed: we will let you know once when it is back."))
        return redirect(_product_url(subscription.variant.product_id))
    return render(request, "wishlist/confirm_restock.html", {"token": token})


@login_required
@require_POST
def cancel_restock(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        services.cancel_restock_alert(user=request.user, subscription_id=subscription_id)
    except NotFoundError as error:
        raise Http404 from error
    messages.success(request, _("The restock alert was cancelled."))
    return redirect("wishlist:my_wishlist")
