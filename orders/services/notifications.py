"""Notices to the buyer when an order is placed, paid, shipped or cancelled.

Sent by background listeners (``orders.listeners``) after the change committed, through
``notifications.services.notify``: an e-mail to the orderer's address and a KakaoTalk
알림톡 (SMS when it fails) to the orderer's phone, from the staff-editable templates
``order.placed``, ``order.paid``, ``order.shipped`` and ``order.cancelled``. The values
handed over are plain text, never the order itself: staff edit those templates.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from notifications.services import notify
from orders.models import Order, PaymentMethod, VendorShipment
from shop.money import format_krw

KINDS = ("placed", "paid", "shipped", "cancelled")


def order_link(order: Order) -> str:
    """Return the absolute link where the buyer follows the order.

    A member signs in to see it; a guest's link carries the lookup secret, so it only
    goes to the orderer's own address and phone.
    """
    try:
        if order.is_guest:
            path = reverse("orders:guest_link", args=[order.number, order.lookup_token()])
        else:
            path = reverse("orders:my_order_detail", kwargs={"number": order.number})
    except NoReverseMatch:  # the storefront pages are not mounted (an API-only install)
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def order_context(order: Order, shipment: VendorShipment | None = None) -> dict[str, Any]:
    """The plain values the order templates may show."""
    deadline = order.deposit_deadline
    context: dict[str, Any] = {
        "number": order.number,
        "name": order.orderer_name,
        "lines": [
            {"name": line.product_name, "option": line.option_label, "quantity": line.quantity}
            for line in order.lines.all()
        ],
        "total": format_krw(order.total_amount),
        "link": order_link(order),
        "bank_account": settings.ORDERS_BANK_ACCOUNT,
        "is_bank_transfer": order.payment_method == PaymentMethod.BANK_TRANSFER,
        "depositor": order.depositor_name,
        "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else "",
    }
    if shipment is not None:
        context |= {
            "vendor": shipment.vendor.name,
            "carrier": shipment.get_carrier_display() if shipment.carrier else "",
            "tracking_number": shipment.tracking_number,
            "tracking_url": shipment.tracking_url,
        }
    return context


def send_order_email(
    *,
    order_id: int,
    kind: str,
    shipment_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> bool:
    """Notify the orderer of the ``kind`` event of an order; return whether one was queued.

    ``details`` adds what only the event knows (a cancellation's reason, say), as plain
    values.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown order notice {kind!r}")
    order = Order.objects.filter(pk=order_id).select_related("user").first()
    if order is None:
        return False
    shipment = None
    if shipment_id is not None:
        shipment = (
            VendorShipment.objects.select_related("vendor")
            .filter(pk=shipment_id, order=order)
            .first()
        )
    notify(
        template=f"order.{kind}",
        user=order.user,
        email=order.orderer_email,
        phone=order.orderer_phone,
        context={**order_context(order, shipment), **(details or {})},
    )
    return True
