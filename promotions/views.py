"""Storefront pages of promotions: the download zone (쿠폰존), code entry, my coupons and points."""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from promotions import selectors, services
from promotions.exceptions import PromotionError

CODE_ACTION = "coupon_code"


@require_safe
def coupon_zone(request: HttpRequest) -> HttpResponse:
    """The coupons anyone may take, with a code entry for members."""
    coupons = selectors.list_download_zone(user=request.user)
    return render(request, "promotions/coupons.html", {"coupons": coupons})


@require_POST
def download(request: HttpRequest, coupon_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('promotions:coupons')}")
    try:
        services.download_coupon(coupon_id=coupon_id, user=request.user)
    except PromotionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The coupon is in your wallet."))
    return redirect("promotions:coupons")


def code_allowed(request: HttpRequest) -> bool:
    """Count one attempt per IP and member (brute force on unguessable codes)."""
    usage = ratelimit.consume(
        request,
        app="promotions",
        action=CODE_ACTION,
        config={CODE_ACTION: settings.PROMOTIONS_CODE_RATE_LIMIT},
        user=request.user,
    )
    return usage is not None


@require_POST
@login_required
def enter_code(request: HttpRequest) -> HttpResponse:
    """Put the coupon with the code typed into the wallet; too many attempts are refused."""
    if not code_allowed(request):
        messages.error(request, _("Too many attempts. Try again later."))
        return render(
            request,
            "promotions/coupons.html",
            {"coupons": selectors.list_download_zone(user=request.user), "rate_limited": True},
            status=429,
        )
    try:
        services.claim_code(code=request.POST.get("code", ""), user=request.user)
    except PromotionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The coupon is in your wallet."))
    return redirect("promotions:coupons")


@require_safe
@login_required
def my_coupons(request: HttpRequest) -> HttpResponse:
    held = selectors.list_wallet(user=request.user)
    return render(request, "promotions/my_coupons.html", {"held": held})


@require_safe
@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.list_point_entries(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "promotions/my_points.html",
        {"page": page, "balance": selectors.points_balance(user=request.user)},
    )
