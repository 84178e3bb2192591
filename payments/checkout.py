"""The payment methods payments adds to checkout: each provider, and brand pay.

Registered into ``orders.payment_methods`` when Django starts (``PaymentsConfig.ready``);
after placement, checkout sends the buyer to ``payments:start`` with the chosen method.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from orders import payment_methods
from orders.models import Order
from orders.payment_methods import code_of

BRANDPAY = "brandpay"
# Korean easy payments take Korean addresses; PayPal is for orders shipped abroad.
ABROAD_ONLY = frozenset({"paypal"})


START_SALT = "payments.start"
START_MAX_AGE = 15 * 60  # the signed link works for the minutes after placing the order


def start_url(order: Order, choice: str) -> str:
    """Where checkout sends the buyer; a saved method's link is signed for this order."""
    query = {"method": choice}
    if code_of(choice) == BRANDPAY:
        query["sig"] = signing.dumps(f"{order.number}:{choice}", salt=START_SALT, compress=False)
    return reverse("payments:start", args=[order.number]) + "?" + urlencode(query)


def signed_for(order: Order, choice: str, data: Any) -> bool:
    """Whether ``data`` carries checkout's signed link for this order and choice."""
    try:
        value = signing.loads(str(data.get("sig", "")), salt=START_SALT, max_age=START_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == f"{order.number}:{choice}"


def available_for(code: str) -> Any:
    if code in ABROAD_ONLY:
        return lambda country: country != "KR"
    return lambda country: country == "KR"


def saved_methods(user: Any) -> list[tuple[str, Any]]:
    """Brand pay's choices: the member's active saved methods (none for guests)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from payments.models import StoredPaymentMethod  # models load after the app registry

    methods = StoredPaymentMethod.objects.filter(
        user=user, status=StoredPaymentMethod.Status.ACTIVE
    ).order_by("-last_used_at", "-pk")
    return [
        (f"{BRANDPAY}:{method.pk}", _("One-click: %(label)s") % {"label": method.label})
        for method in methods
    ]


def register_methods(provider_paths: list[str]) -> None:
    """Offer each configured provider at checkout, then brand pay."""
    for path in provider_paths:
        provider = import_string(path)
        payment_methods.register(
            payment_methods.PaymentOption(
                code=provider.code,
                label=provider.label,
                icon=f"payments/{provider.code}.svg",
                start_url=start_url,
                available=available_for(provider.code),
            )
        )
    payment_methods.register(
        payment_methods.PaymentOption(
            code=BRANDPAY,
            label=_("One-click payment (saved method)"),
            start_url=start_url,
            available=available_for(BRANDPAY),
            choices=saved_methods,
        )
    )
