"""Use cases of the vendors app: onboarding and status (``onboarding``), the ledger and
statements (``settlements``). Each runs in its own transaction and publishes one event."""

from vendors.services.onboarding import (
    apply_for_vendor,
    approve_vendor,
    change_commission_rate,
    close_vendor,
    reopen_vendor,
    suspend_vendor,
)
from vendors.services.settlements import (
    book_adjustment,
    confirm_settlement,
    hold_settlement,
    mark_settlement_paid,
    record_purchase_confirmed,
    record_refund,
    release_settlement,
    run_settlements,
)

__all__ = [
    "apply_for_vendor",
    "approve_vendor",
    "book_adjustment",
    "change_commission_rate",
    "close_vendor",
    "confirm_settlement",
    "hold_settlement",
    "mark_settlement_paid",
    "record_purchase_confirmed",
    "record_refund",
    "release_settlement",
    "reopen_vendor",
    "run_settlements",
    "suspend_vendor",
]
