"""Storefront pages of vendors: the application to sell on the shop (입점 신청)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors as accounts_selectors
from shop.exceptions import ShopError
from vendors import services
from vendors.forms import VendorApplicationForm


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Show the application form; a valid one creates the vendor in review, owned by the user."""
    form = VendorApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_for_vendor(user=request.user, **form.cleaned_data)
        except ShopError as error:
            for field, errors in error.fields.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. We will review your application."))
            return redirect("vendors:apply_done")
    return render(request, "vendors/apply.html", {"form": form})


@login_required
@require_GET
def apply_done(request: HttpRequest) -> HttpResponse:
    """Tell the applicant what happens next (an owner must verify their identity first)."""
    verified = accounts_selectors.identity_of(request.user) is not None
    return render(request, "vendors/apply_done.html", {"identity_verified": verified})
