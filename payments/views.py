"""Storefront pages of payments: start at a provider, come back, retry, and webhooks.

Thin: every step is a service call. The order pages are the orders app's; a payment
that settles sends the buyer to the order's complete page.
"""

from __future__ import annotations

import logging
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orders import payment_methods
from orders.models import Order
from orders.views.checkout import shoppers_order
from payments import services
from payments.checkout import BRANDPAY, signed_for, start_url
from payments.exceptions import PaymentError
from payments.models import CAPTURED, IntentStatus, PaymentIntent
from payments.providers.base import ProviderError
from shop.exceptions import NotFoundError

logger = logging.getLogger(__name__)
# Pages that open a provider's window from its JavaScript SDK (payments/sdk.html) may load
# that SDK; every other script still comes from our origin only.
SDK_SCRIPTS = {"script-src": ["https://nsp.pay.naver.com"]}
# Lazy: the message is put in the buyer's language when it is shown, not at import.
FAILURE_MESSAGES = {
    IntentStatus.CANCELLED: gettext_lazy(
        "The payment was cancelled. You can pay again, or choose another method."
    ),
    IntentStatus.FAILED: gettext_lazy(
        "The payment did not go through. You can try again, or choose another method."
    ),
    IntentStatus.EXPIRED: gettext_lazy("The time to pay this order has passed."),
}


def order_of(request: HttpRequest, number: str) -> Order:
    try:
        return shoppers_order(request, number)
    except NotFoundError as missing:
        raise Http404 from missing


@require_safe
def pay(request: HttpRequest, number: str) -> HttpResponse:
    """Pay an order awaiting payment: the online methods offered where it ships, to try
    again or try another."""
    order = order_of(request, number)
    if order.status != Order.Status.PENDING_PAYMENT:
        return redirect("orders:complete", number=order.number)
    choices = [
        (value, label)
        for value, label in payment_methods.choices_for(country=order.country, user=request.user)
        if (option := payment_methods.get_option(value)) is not None and option.start_url
    ]
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "choices": choices,
            "chosen": request.GET.get("method", order.payment_method),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@csp_update(SDK_SCRIPTS)
def start(request: HttpRequest, number: str) -> HttpResponse:
    """Begin paying with the chosen method and send the buyer on to the provider.

    A GET only sends the buyer to a provider's page, where nothing is paid without the
    buyer's approval. A saved method charges at once, so it needs a POST (CSRF-checked)
    or the signed link checkout gave this order: a page elsewhere cannot make the
    member's browser pay.
    """
    order = order_of(request, number)
    data = request.POST if request.method == "POST" else request.GET
    choice = data.get("method", "")
    code, _sep, detail = choice.partition(":")
    option = payment_methods.get_option(code)
    if option is None or option.start_url is None:
        messages.error(request, _("Choose a payment method."))
        return redirect("payments:pay", number=order.number)
    if code == BRANDPAY and request.method != "POST" and not signed_for(order, choice, data):
        messages.info(request, _("Confirm the payment with your saved method."))
        return redirect(reverse("payments:pay", args=[order.number]) + f"?method={choice}")
    try:
        if code == BRANDPAY:
            try:
                intent = services.pay_with_saved_method(
                    order_id=order.pk, method_id=detail, user=request.user
                )
            except services.ReauthenticationRequiredError as refused:
                # Too much for one click: the buyer pays on the provider's page (password).
                messages.info(request, refused.message)
                return redirect(start_url(order, refused.provider_code))
            except NotFoundError as missing:  # another member's method, or none
                raise Http404 from missing
            return after_settling(request, intent)
        started = services.start_payment(
            order_id=order.pk,
            provider_code=code,
            user=request.user,
            register_method=data.get("save") == "1" and request.user.is_authenticated,
        )
    except PaymentError as refused:
        messages.error(request, refused.message)
        return redirect("payments:pay", number=order.number)
    action = started.next_action
    if action.kind == "redirect":
        return HttpResponseRedirect(action.url)
    return render(
        request, "payments/sdk.html", {"order": order, "action": action, "intent": started.intent}
    )


def after_settling(request: HttpRequest, intent: PaymentIntent) -> HttpResponse:
    """Where the buyer goes once we know (or not yet) how the payment ended."""
    if intent.status in CAPTURED:
        return redirect("orders:complete", number=intent.order.number)
    if intent.status in (IntentStatus.AUTHORIZING, IntentStatus.UNKNOWN, IntentStatus.VOIDING):
        return redirect("payments:status", public_id=intent.public_id)
    if intent.status == IntentStatus.REGISTERED:
        messages.success(request, _("Your payment method is saved for one-click payment."))
        return redirect("payments:methods")
    if intent.order_id is None:  # a registration from my page that did not end saved
        messages.error(request, _("The payment method was not saved. You can try again."))
        return redirect("payments:methods")
    message = FAILURE_MESSAGES.get(intent.status, FAILURE_MESSAGES[IntentStatus.FAILED])
    messages.error(request, message)
    return redirect(
        reverse("payments:pay", args=[intent.order.number]) + f"?method={intent.provider}"
    )


@require_safe
def provider_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The provider sends the buyer back here after approving (pg_token, paymentId, token)."""
    try:
        intent = services.confirm_payment(public_id=public_id, params=request.GET)
    except NotFoundError as missing:
        raise Http404 from missing
    return after_settling(request, intent)


@require_safe
def provider_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    return buyer_left(request, public_id, failed=False)


@require_safe
def provider_fail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return buyer_left(request, public_id, failed=True)


def buyer_left(request: HttpRequest, public_id: Any, *, failed: bool) -> HttpResponse:
    try:
        intent = services.buyer_left(public_id=public_id, params=request.GET, failed=failed)
    except NotFoundError as missing:
        raise Http404 from missing
    return after_settling(request, intent)


@require_safe
def status(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A payment still being confirmed: this page refreshes itself until it is settled."""
    try:
        intent = services.intent_by_reference(public_id)
    except NotFoundError as missing:
        raise Http404 from missing
    if intent.status not in (IntentStatus.AUTHORIZING, IntentStatus.UNKNOWN, IntentStatus.VOIDING):
        return after_settling(request, intent)
    response = render(request, "payments/processing.html", {"intent": intent}, status=202)
    response["Refresh"] = "3"
    return response


@csrf_exempt  # a provider's server calls it; its signature is checked instead
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        body = request.body
    except RequestDataTooBig:  # no provider's notification is that big: say so, not 400
        return JsonResponse(
            {"code": "too_large", "message": "the webhook body is too large"}, status=413
        )
    try:
        services.handle_webhook(provider_code=provider, headers=headers, body=body)
    except NotFoundError:
        return JsonResponse({"code": "not_found", "message": "unknown provider"}, status=404)
    except ProviderError as refused:
        logger.warning("Refused a %s webhook: %s", provider, refused.code)
        return JsonResponse({"code": refused.code, "message": refused.message}, status=400)
    return JsonResponse({"status": "received"})


@login_required
@require_safe
def methods(request: HttpRequest) -> HttpResponse:
    """My page: the member's saved methods, by their masked labels only."""
    return render(
        request,
        "payments/methods.html",
        {
            "methods": services.active_methods(user=request.user),
            "providers": services.registrable_providers(),
        },
    )


@login_required
@require_POST
@csp_update(SDK_SCRIPTS)
def add_method(request: HttpRequest, provider: str) -> HttpResponse:
    """My page: save a method with ``provider`` through its registration (no payment)."""
    try:
        started = services.start_registration(user=request.user, provider_code=provider)
    except NotFoundError as missing:
        raise Http404 from missing
    except PaymentError as refused:
        messages.error(request, refused.message)
        return redirect("payments:methods")
    action = started.next_action
    if action.kind == "redirect":
        return HttpResponseRedirect(action.url)
    return render(
        request, "payments/sdk.html", {"order": None, "action": action, "intent": started.intent}
    )


@login_required
@require_POST
def remove_method(request: HttpRequest, method_id: int) -> HttpResponse:
    try:
        services.remove_method(user=request.user, method_id=method_id)
    except NotFoundError as missing:
        raise Http404 from missing
    messages.success(request, _("The payment method is removed."))
    return redirect("payments:methods")
