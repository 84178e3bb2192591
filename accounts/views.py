"""My page: the member's profile and address book (storefront pages under /my/).

Views check input with a form and call one service; another member's address ids
answer 404 exactly like ids that do not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import AddressForm, ProfileForm
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
    return render(request, "accounts/profile.html", {"form": form})


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
