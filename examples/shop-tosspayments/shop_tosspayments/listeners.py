"""Background listeners: keep a receipt row for each order paid with Toss."""

from __future__ import annotations

from decimal import Decimal

from payments.events import PaymentCaptured
from shop.extend import listen
from shop_tosspayments.models import TossReceipt
from shop_tosspayments.provider import CODE


@listen(PaymentCaptured)
def keep_receipt(event: PaymentCaptured) -> None:
    """Runs at least once per capture (outbox); ``update_or_create`` makes a rerun harmless."""
    if event.provider != CODE:
        return
    TossReceipt.objects.update_or_create(
        intent_id=event.intent_id,
        defaults={
            "order_id": event.order_id,
            "payment_key": event.provider_payment_id,
            "amount": Decimal(event.amount),
            "method_label": event.method_label[:100],
        },
    )
