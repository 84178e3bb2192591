"""The orders part of a member's data: exported in full, kept on deletion with contacts masked.

Orders are contract and supply records that 전자상거래법 시행령 제6조 requires for five
years, so they stay (amounts, lines, statuses: the ledgers stay balanced); the orderer's
and recipient's contact details on them are masked when the member leaves.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.personal_data import PersonalDataSection, register_section
from orders.models import Order

# Paid, or about to be, and not yet with the buyer: the shop still needs the address.
OPEN_STATUSES = (
    Order.Status.PENDING_PAYMENT,
    Order.Status.PAID,
    Order.Status.PREPARING,
    Order.Status.SHIPPED,
)
MASKED = "(deleted)"
CONTACT_FIELDS = {
    "orderer_name": MASKED,
    "orderer_email": "",
    "orderer_phone": "",
    "recipient_name": MASKED,
    "recipient_phone": "",
    "road_address": MASKED,
    "detail_address": "",
    "delivery_memo": "",
    "depositor_name": "",
}


def export(user: Any) -> list[dict[str, Any]]:
    orders = Order.objects.filter(user=user).prefetch_related("lines").order_by("placed_at")
    return [
        {
            "number": order.number,
            "placed_at": order.placed_at.isoformat(),
            "status": order.status,
            "total_amount": int(order.total_amount),
            "payment_method": order.payment_method,
            **{field: getattr(order, field) for field in CONTACT_FIELDS},
            "postcode": order.postcode,
            "country": str(order.country),
            "lines": [
                {
                    "product": line.product_name,
                    "option": line.option_label,
                    "quantity": line.quantity,
                    "unit_price": int(line.unit_price),
                }
                for line in order.lines.all()
            ],
        }
        for order in orders
    ]


def blockers(user: Any) -> list[str]:
    open_numbers = list(
        Order.objects.filter(user=user, status__in=OPEN_STATUSES).values_list("number", flat=True)
    )
    if not open_numbers:
        return []
    return [
        _("Order %(numbers)s is still open; delete your account once it has arrived.")
        % {"numbers": ", ".join(open_numbers)}
    ]


def erase(user: Any) -> None:
    Order.objects.filter(user=user).update(**CONTACT_FIELDS)


register_section(PersonalDataSection(name="orders", export=export, erase=erase, blockers=blockers))
