"""Use cases of payments: start, confirm exactly once, refund, reconcile, brand pay.

Callers use ``payments.services.<name>``; the modules split it by sub-domain.
"""

from payments.services.brandpay import (
    ReauthenticationRequiredError,
    active_methods,
    deactivate_at_provider,
    owned_method,
    pay_with_saved_method,
    registrable_providers,
    remove_method,
    remove_method_by_staff,
    save_method,
    start_registration,
)
from payments.services.confirm import buyer_left, confirm_payment, intent_by_reference
from payments.services.intents import Started, start_payment
from payments.services.reconcile import (
    due_for_reconciliation,
    expire_payments_of_order,
    handle_webhook,
    reconcile_payment,
)
from payments.services.refunds import refund_order_refund

__all__ = [
    "ReauthenticationRequiredError",
    "Started",
    "active_methods",
    "buyer_left",
    "confirm_payment",
    "deactivate_at_provider",
    "due_for_reconciliation",
    "expire_payments_of_order",
    "handle_webhook",
    "intent_by_reference",
    "owned_method",
    "pay_with_saved_method",
    "reconcile_payment",
    "refund_order_refund",
    "registrable_providers",
    "remove_method",
    "remove_method_by_staff",
    "save_method",
    "start_payment",
    "start_registration",
]
