"""Use cases of promotions: the points ledger and coupons. Callers use ``promotions.services.<name>``."""

from promotions.services.coupons import (
    availability_problem,
    claim_code,
    download_coupon,
    issue_automatic,
    issue_coupon,
    redeem,
    release,
    rule_of,
    save_coupon,
)
from promotions.services.points import (
    adjust_points,
    due_to_expire,
    earn_for_purchase,
    earn_points,
    expire_points,
    lock_account,
    members_with_expired_points,
    restore_points,
    spend_points,
    usable_points,
)

__all__ = [
    "adjust_points",
    "availability_problem",
    "claim_code",
    "download_coupon",
    "due_to_expire",
    "earn_for_purchase",
    "earn_points",
    "expire_points",
    "issue_automatic",
    "issue_coupon",
    "lock_account",
    "members_with_expired_points",
    "redeem",
    "release",
    "restore_points",
    "rule_of",
    "save_coupon",
    "spend_points",
    "usable_points",
]
