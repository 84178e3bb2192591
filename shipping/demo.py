"""Demo data of shipping: a policy for each demo vendor, made through the services.

Runs after ``vendors.demo`` (INSTALLED_APPS order), which creates the vendors by slug.
Running it again changes nothing: a policy whose name the vendor already has is skipped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from shipping import services
from shipping.models import ShippingPolicy
from shipping.services import ZoneSpec
from shop.audit import Actor, acting_as
from vendors.models import Vendor

KRW = Decimal

# (vendor slug, policy values, tiers, zones)
DEMO_POLICIES: list[tuple[str, dict[str, Any], list[tuple[int, int]], list[ZoneSpec]]] = [
    (
        "shop-operator",
        {
            "name": "직영 기본 배송",
            "fee_type": "conditional_free",
            "base_fee": KRW(3000),
            "free_threshold": KRW(30000),
            "jeju_surcharge": KRW(3000),
            "island_surcharge": KRW(5000),
            "return_fee": KRW(3000),
            "exchange_fee": KRW(6000),
            "is_default": True,
        },
        [],
        [],
    ),
    (
        "seoul-market",
        {
            "name": "5만원 이상 무료배송",
            "fee_type": "conditional_free",
            "base_fee": KRW(3000),
            "free_threshold": KRW(50000),
            "jeju_surcharge": KRW(3000),
            "island_surcharge": KRW(5000),
            "return_fee": KRW(3000),
            "exchange_fee": KRW(6000),
            "is_default": True,
        },
        [],
        [],
    ),
    (
        "jeju-farm",
        {
            "name": "산지 직송 4,000원",
            "fee_type": "fixed",
            "base_fee": KRW(4000),
            "island_surcharge": KRW(3000),
            "return_fee": KRW(4000),
            "exchange_fee": KRW(8000),
            "is_default": True,
        },
        [],
        [],
    ),
    (
        "jeju-farm",
        {
            "name": "대용량 박스 착불",
            "fee_type": "per_quantity",
            "base_fee": KRW(5000),
            "per_quantity_unit": 2,
            "payer": "cod",
            "bundlable": False,
            "return_fee": KRW(5000),
            "exchange_fee": KRW(10000),
        },
        [],
        [],
    ),
    (
        "global-goods",
        {
            "name": "국내 3,500원 · 해외 배송",
            "fee_type": "fixed",
            "base_fee": KRW(3500),
            "jeju_surcharge": KRW(3000),
            "island_surcharge": KRW(5000),
            "return_fee": KRW(3500),
            "exchange_fee": KRW(7000),
            "ships_overseas": True,
            "is_default": True,
        },
        [],
        [
            ZoneSpec(
                "Zone 1 (아시아)",
                ["JP", "CN", "TW", "HK", "SG"],
                [(500, 12000), (1000, 15000), (2000, 22000), (5000, 38000)],
            ),
            ZoneSpec(
                "Zone 2 (북미·오세아니아)",
                ["US", "CA", "AU", "NZ"],
                [(500, 18000), (1000, 25000), (2000, 35000), (5000, 60000)],
            ),
            ZoneSpec(
                "Zone 3 (유럽)",
                ["GB", "DE", "FR", "IT", "ES", "NL"],
                [(500, 20000), (1000, 28000), (2000, 40000), (5000, 70000)],
            ),
        ],
    ),
]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo vendors' shipping policies unless they exist; there are no logins."""
    created = 0
    with acting_as(Actor.system("demo")):
        for slug, values, tiers, zones in DEMO_POLICIES:
            vendor = Vendor.objects.filter(slug=slug).first()
            if vendor is None:
                stdout.write(f"shipping: no vendor {slug}; load vendors' demo first\n")
                continue
            if ShippingPolicy.objects.filter(vendor=vendor, name=values["name"]).exists():
                continue
            services.create_policy(vendor_id=vendor.pk, tiers=tiers, zones=zones, **values)
            created += 1
    stdout.write(f"shipping: {created} shipping policies created\n")
    return []
