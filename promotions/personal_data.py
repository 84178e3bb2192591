"""The promotions part of a member's data: points and coupons.

The points ledger is kept on deletion (it balances against orders); the closed account
can no longer spend its balance.
"""

from __future__ import annotations

from typing import Any

from accounts.personal_data import PersonalDataSection, register_section
from promotions.models import PointAccount, PointEntry, UserCoupon


def export(user: Any) -> dict[str, Any]:
    account = PointAccount.objects.filter(user=user).first()
    return {
        "points_balance": account.balance if account else 0,
        "points_history": [
            {
                "at": entry.created_at.isoformat(),
                "kind": entry.kind,
                "points": entry.amount,
                "balance_after": entry.balance_after,
                "reason": entry.reason,
            }
            for entry in PointEntry.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "coupons": [
            {
                "coupon": coupon.coupon.name,
                "issued_at": coupon.issued_at.isoformat(),
                "used_at": coupon.used_at.isoformat() if coupon.used_at else None,
            }
            for coupon in UserCoupon.objects.filter(user=user).select_related("coupon")
        ],
    }


register_section(PersonalDataSection(name="promotions", export=export))
