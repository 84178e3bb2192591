"""The payments part of a member's data: saved methods (labels only) and payment records.

On deletion every saved method is removed through the brand-pay service, which
deactivates it at the provider (after commit, retried by its task); the payment
intents and their ledger stay, as 전자상거래법 requires, and hold no contact details.
"""

from __future__ import annotations

from typing import Any

from accounts.personal_data import PersonalDataSection, register_section
from payments.models import StoredPaymentMethod
from payments.services import brandpay


def export(user: Any) -> list[dict[str, Any]]:
    methods = StoredPaymentMethod.objects.filter(user=user).order_by("created_at")
    return [
        {
            "provider": method.provider,
            "label": method.label,  # masked by the provider; the token is never shown
            "status": method.status,
            "saved_at": method.created_at.isoformat(),
        }
        for method in methods
    ]


def erase(user: Any) -> None:
    for method in brandpay.active_methods(user=user):
        brandpay.remove_method(user=user, method_id=method.pk)


register_section(PersonalDataSection(name="payment_methods", export=export, erase=erase))
