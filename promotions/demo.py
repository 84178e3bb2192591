"""Demo data of promotions: coupons in the download zone, a welcome coupon, a code coupon,
a vendor's coupon, and points for the demo shopper.

Called by the ``demo`` management command after accounts and vendors; running it again
changes nothing (coupons are looked up by name, the points by their source).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction

from accounts.models import User
from promotions import services
from promotions.models import Coupon
from shop.audit import Actor, acting_as
from vendors.models import Vendor

SHOPPER_EMAIL = "shopper@example.com"  # accounts' demo shopper
# (name, fields); a vendor slug under "vendor" makes it that vendor's coupon.
DEMO_COUPONS: list[tuple[str, dict[str, Any]]] = [
    ("가입 축하 3,000원", {"amount": Decimal(3000), "issue": Coupon.Issue.SIGNUP}),
    (
        "전 상품 10% (최대 5,000원)",
        {
            "kind": Coupon.Kind.PERCENT,
            "percent": Decimal(10),
            "max_discount": Decimal(5000),
            "min_order_amount": Decimal(20000),
        },
    ),
    ("무료배송 쿠폰", {"kind": Coupon.Kind.FREE_SHIPPING}),
    (
        "서울마켓 2,000원",
        {"amount": Decimal(2000), "min_order_amount": Decimal(15000), "vendor": "seoul-market"},
    ),
    (
        "코드 쿠폰 5,000원",
        {"amount": Decimal(5000), "issue": Coupon.Issue.CODE, "usage_limit": 100},
    ),
]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo coupons and the shopper's welcome coupon and points unless they exist."""
    created = 0
    with acting_as(Actor.system("demo")), transaction.atomic():
        for name, fields in DEMO_COUPONS:
            if Coupon.objects.filter(name=name).exists():
                continue
            fields = dict(fields)
            slug = fields.pop("vendor", None)
            if slug is not None:
                fields["vendor"] = Vendor.objects.filter(slug=slug).first()
                if fields["vendor"] is None:
                    continue
            services.save_coupon(coupon=Coupon(name=name, **fields), created=True)
            created += 1
        shopper = User.objects.filter(email=SHOPPER_EMAIL).first()
        if shopper is not None:
            services.issue_automatic(user=shopper, issue=Coupon.Issue.SIGNUP, source="signup")
            services.earn_points(
                user=shopper, amount=5000, reason="데모 적립금", source="demo:welcome-points"
            )
    code = Coupon.objects.filter(issue=Coupon.Issue.CODE).values_list("code", flat=True).first()
    stdout.write(f"promotions: {created} coupons created; coupon code {code}\n")
    return []
