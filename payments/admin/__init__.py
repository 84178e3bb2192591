"""Payments in the platform admin: every attempt with its ledger, saved methods, webhooks.

Nothing here is edited by hand: the ledger is append-only and an intent moves only
through the services. Each button or action calls one service: ask the provider now
(``reconcile_payment``), execute a refund the provider refused again
(``refund_order_refund``), remove a member's saved method (``remove_method_by_staff``).
A refusal comes back as a message and changes nothing. A saved method's token is never
loaded on these pages, let alone shown.
"""

from payments.admin import intents, methods  # noqa: F401  (registers the pages)
