"""My page: profile, grade, consents, identity verification, address book (under /my/).

Views check input with a form and call one service; another member's address ids
answer 404 exactly like ids that do not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from allauth.core import ratelimit
from allauth.socialaccount.models import SocialAccount
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import identity, selectors, services
from accounts.forms import AddressForm, MarketingConsentForm, ProfileForm
from accounts.models import Address
from shop.exceptions import NotFoundError, ShopError


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and edit the member's name and phone."""
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        services.update_profile(user_id=user.pk, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    benefits = selectors.member_benefits(user)
    context = {
        "form": form,
        "benefits": benefits,
        "discount_percent": percent(benefits.discount_rate),
        "point_percent": percent(benefits.point_rate),
        "identity": selectors.identity_of(user),
        "marketing_form": MarketingConsentForm(initial={"agree_marketing": user.marketing_opt_in}),
        "social_providers": sorted(
            SocialAccount.objects.filter(user=user).values_list("provider", flat=True)
        ),
    }
    return render(request, "accounts/profile.html", context)


def percent(rate: Decimal) -> str:
    """0.015 -> "1.5%"."""
    return f"{(rate * 100).normalize():f}%"


@login_required
@require_POST
def marketing_consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw the optional marketing consent."""
    form = MarketingConsentForm(request.POST)
    form.is_valid()  # a checkbox: absent means withdrawn
    agreed = bool(form.cleaned_data.get("agree_marketing"))
    services.set_marketing_consent(user_id=request.user.pk, agreed=agreed)
    messages.success(
        request,
        _("You will receive offers and news.")
        if agreed
        else _("You will no longer receive offers."),
    )
    return redirect("accounts:profile")


# --- Identity verification (본인인증) --------------------------------------------------------

PENDING_KEY = "accounts_identity_pending"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def identity_start(request: HttpRequest) -> HttpResponse:
    """Explain, then (POST) send the member to the provider's verification window."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        context = {"identity": selectors.identity_of(request.user), "next": next_url}
        return render(request, "accounts/identity.html", context)
    if not ratelimit.consume(request, action="identity_verification", user=request.user):
        messages.error(request, _("Too many verification attempts. Please try again later."))
        return render(
            request, "accounts/identity.html", {"next": next_url, "limited": True}, status=429
        )
    code = identity.default_provider_code()
    try:
        start = services.start_identity_verification(
            user_id=request.user.pk,
            provider_code=code,
            return_url=request.build_absolute_uri(reverse("accounts:identity_return")),
        )
    except ShopError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('accounts:identity')}?{urlencode({'next': next_url})}")
    # Only a verification this session started can be completed by it.
    request.session[PENDING_KEY] = {"id": start.verification_id, "provider": code, "next": next_url}
    return redirect(start.redirect_url)


@login_required
@require_GET
def identity_return(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the member back; the result is asked of the provider."""
    pending = request.session.get(PENDING_KEY) or {}
    verification_id = request.GET.get("identityVerificationId", "")
    if not verification_id or verification_id != pending.get("id"):
        messages.error(request, _("This identity verification was not started here."))
        return redirect("accounts:identity")
    del request.session[PENDING_KEY]
    try:
        services.complete_identity_verification(
            user_id=request.user.pk,
            provider_code=pending["provider"],
            verification_id=verification_id,
        )
    except ShopError as error:
        messages.error(request, error.message)
        query = urlencode({"next": pending.get("next", "")})
        return redirect(f"{reverse('accounts:identity')}?{query}")
    messages.success(request, _("Your identity was verified."))
    return redirect(_safe_next(request, pending.get("next")))


# PortOne's browser SDK, which calls PortOne and frames the carrier's or PG's window,
# whose host depends on the channel ([U] not tried against the live SDK from here). The
# page shows nothing but its own json_script data, so a wider frame-src risks little.
PORTONE_SDK_POLICY = {
    "script-src": ["https://cdn.portone.io"],
    "connect-src": ["https://*.portone.io"],
    "frame-src": ["https:"],
}


@login_required
@require_GET
@csp_update(PORTONE_SDK_POLICY)
def identity_sdk(request: HttpRequest, verification_id: str) -> HttpResponse:
    """Live mode: load PortOne's browser SDK, which opens the carriers' window."""
    pending = request.session.get(PENDING_KEY) or {}
    if pending.get("id") != verification_id:
        raise Http404
    context = {"verification_id": verification_id, "params": request.GET}
    return render(request, "accounts/identity_sdk.html", context)


@login_required
@require_GET
def address_list(request: HttpRequest) -> HttpResponse:
    """List the member's addresses, the default first."""
    addresses = selectors.list_addresses(user_id=request.user.pk)
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest) -> HttpResponse:
    """Add an address to the member's address book."""
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_address(user_id=request.user.pk, **form.cleaned_data)
        except ShopError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The address was added."))
            return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    """Edit one of the member's addresses."""
    address = _own_address(request, address_id)
    form = AddressForm(request.POST or None, initial=_initial(address), with_default=False)
    if request.method == "POST" and form.is_valid():
        with _not_found_as_404():
            services.update_address(
                user_id=request.user.pk, address_id=address.pk, **form.cleaned_data
            )
        messages.success(request, _("The address was saved."))
        return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    """Delete one of the member's addresses."""
    with _not_found_as_404():
        services.delete_address(user_id=request.user.pk, address_id=address_id)
    messages.success(request, _("The address was deleted."))
    return redirect("accounts:address_list")


@login_required
@require_POST
def address_set_default(request: HttpRequest, address_id: int) -> HttpResponse:
    """Make one of the member's addresses their default."""
    with _not_found_as_404():
        services.set_default_address(user_id=request.user.pk, address_id=address_id)
    messages.success(request, _("Your default address was changed."))
    return redirect("accounts:address_list")


def _own_address(request: HttpRequest, address_id: int) -> Address:
    with _not_found_as_404():
        return selectors.get_address(user_id=request.user.pk, address_id=address_id)


@contextmanager
def _not_found_as_404() -> Iterator[None]:
    try:
        yield
    except NotFoundError as error:
        raise Http404(error.message) from error


def _initial(address: Address) -> dict[str, str]:
    return {field: getattr(address, field) for field in services.ADDRESS_FIELDS}
