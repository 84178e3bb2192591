"""E-mails to the buyer when an order is placed, paid, shipped or cancelled.

Sent by background listeners (``orders.listeners``) after the change committed, so a
slow mail server never holds up checkout. The accounts issue adds KakaoTalk and SMS
channels beside this one. Every mail is rendered in the shop's default language
(orders do not record the buyer's) from ``templates/orders/email/<kind>.txt``, whose
first line is the subject; the HTML part is the same text in the shop's mail layout.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from orders.models import Order, PaymentMethod, VendorShipment

KINDS = ("placed", "paid", "shipped", "cancelled")


def order_link(order: Order) -> str:
    """Return the absolute link where the buyer follows the order.

    A member signs in to see it; a guest's link carries the lookup secret, so it only
    goes to the orderer's own address.
    """
    try:
        if order.is_guest:
            path = reverse("orders:guest_link", args=[order.number, order.lookup_token()])
        else:
            path = reverse("orders:my_order_detail", kwargs={"number": order.number})
    except NoReverseMatch:  # the storefront pages are not mounted (an API-only install)
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def send_order_email(
    *,
    order_id: int,
    kind: str,
    shipment_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> bool:
    """Send the ``kind`` mail of an order to its orderer; return whether one was sent.

    ``details`` adds what only the event knows (a cancellation's reason, say).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown order e-mail {kind!r}")
    order = Order.objects.filter(pk=order_id).prefetch_related("lines").first()
    if order is None or not order.orderer_email:
        return False
    context: dict[str, Any] = {
        "order": order,
        "lines": list(order.lines.all()),
        "link": order_link(order),
        "shop_name": settings.SHOP_NAME,
        "bank_account": settings.ORDERS_BANK_ACCOUNT,
        "is_bank_transfer": order.payment_method == PaymentMethod.BANK_TRANSFER,
        **(details or {}),
    }
    if shipment_id is not None:
        context["shipment"] = (
            VendorShipment.objects.select_related("vendor")
            .filter(pk=shipment_id, order=order)
            .first()
        )
    with translation.override(settings.LANGUAGE_CODE):
        subject, _blank, body = (
            render_to_string(f"orders/email/{kind}.txt", context).strip().partition("\n")
        )
        html = render_to_string("orders/email/layout.html", {**context, "body": body.strip()})
    message = EmailMultiAlternatives(
        subject=subject.strip(), body=body.strip(), to=[order.orderer_email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True
