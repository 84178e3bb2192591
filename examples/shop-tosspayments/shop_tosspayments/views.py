"""The plugin's storefront pages: where Toss sends the buyer back, and the SDK window.

Toss appends ``paymentKey``, ``orderId`` and ``amount`` to the success URL, or ``code``
and ``message`` to the fail URL. These views only translate that to the shop's own
provider-neutral return pages (``payments:return`` takes the key as ``paymentId``); the
shop then confirms with Toss, once, for the amount it computed.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from shop_tosspayments.emulator import WINDOW_FIELDS

# The buyer quit Toss's window (rather than being refused).
CANCELLED_CODES = frozenset({"PAY_PROCESS_CANCELED", "USER_CANCEL"})


@require_safe
def success(request: HttpRequest, reference: Any) -> HttpResponse:
    query = {"paymentId": request.GET.get("paymentKey", "")[:200]}
    return HttpResponseRedirect(
        reverse("payments:return", args=[reference]) + "?" + urlencode(query)
    )


@require_safe
def fail(request: HttpRequest, reference: Any) -> HttpResponse:
    quit_window = request.GET.get("code", "") in CANCELLED_CODES
    target = "payments:cancel" if quit_window else "payments:fail"
    query = {"resultCode": request.GET.get("code", "")[:100]}
    query["resultMessage"] = request.GET.get("message", "")[:200]
    return HttpResponseRedirect(reverse(target, args=[reference]) + "?" + urlencode(query))


@require_safe
@csp_update({"script-src": ["https://js.tosspayments.com"]})  # the shop's CSP allows its SDK here
def window(request: HttpRequest) -> HttpResponse:
    """Open Toss's window with the SDK (production); the query is what ``begin`` made."""
    data = {name: request.GET.get(name, "") for name in (*WINDOW_FIELDS, "clientKey")}
    return render(request, "shop_tosspayments/window.html", {"request_data": data})
