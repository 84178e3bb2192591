"""Re-quoting a vendor part's shipping fee after some of its lines were cancelled."""

from __future__ import annotations

from decimal import Decimal

from orders.models import Order, OrderLine, VendorShipment
from shipping import engine
from shipping.services import QuoteLine, quote_for


def policy_of(line: OrderLine) -> int | None:
    """Return the shipping policy the line shipped under, from its parcel key."""
    parts = line.shipping_group_key.split("-")
    return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None


def requote_shipment(shipment: VendorShipment, order: Order) -> Decimal:
    """Return the shipping fee the part's live lines pay now, by the shipping engine.

    The quote uses the vendor's current policies (the shipping app keeps no copy of an
    old policy), sent to the order's address; a part with nothing live pays nothing.
    """
    live = [line for line in OrderLine.objects.filter(shipment=shipment) if line.live_quantity > 0]
    if not live:
        return Decimal(0)
    quote = quote_for(
        lines=[
            QuoteLine(
                line_id=line.pk,
                vendor_id=shipment.vendor_id,
                unit_price=line.unit_total,
                quantity=line.live_quantity,
                policy_id=policy_of(line),
            )
            for line in live
        ],
        destination=engine.Destination(country=order.country, postcode=order.postcode),
    )
    return quote.payable_now
