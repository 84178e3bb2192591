"""My page: download my data, delete my account (under /my/data/ and /my/delete/).

Both act on the signed-in member only. Deleting asks for the password again, or, for a
member who signs in only with Kakao or Naver, a sign-in within the last few minutes.
"""

from __future__ import annotations

import json
from datetime import timedelta

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import services
from accounts.forms import DeleteAccountForm
from shop.exceptions import ShopError

RECENT_LOGIN = timedelta(minutes=10)


@login_required
@require_GET
def download_my_data(request: HttpRequest) -> HttpResponse:
    """Everything the shop holds about the member, as one JSON file."""
    data = services.export_personal_data(user_id=request.user.pk)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


def signed_in_recently(user) -> bool:
    return user.last_login is not None and timezone.now() - user.last_login <= RECENT_LOGIN


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    """Ask for the password (or a fresh sign-in) and delete the account, unless blocked."""
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    blockers = services.deletion_blockers(user_id=user.pk)
    needs_fresh_login = not user.has_usable_password() and not signed_in_recently(user)
    if request.method == "POST" and not blockers and not needs_fresh_login:
        # Guessing the password here is as rate-limited as on the sign-in page.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.add_error(None, _("Too many attempts. Try again later."))
        elif form.is_valid():
            try:
                services.delete_account(user_id=user.pk)
            except ShopError as refused:
                form.add_error(None, refused.message)
            else:
                logout(request)
                messages.success(request, _("Your account was deleted."))
                return redirect("/")
    context = {"form": form, "blockers": blockers, "needs_fresh_login": needs_fresh_login}
    status = 409 if request.method == "POST" and blockers else 200
    return render(request, "accounts/delete_account.html", context, status=status)
