"""Small builders of engine inputs shared by the engine's example and property tests."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from shipping.engine import (
    AmountTier,
    FeeType,
    Line,
    OverseasZone,
    Payer,
    PolicySnapshot,
    RemoteArea,
    RemoteKind,
    WeightRate,
)

_line_ids = count(1)

JEJU = RemoteArea(RemoteKind.JEJU, "63000", "63644", "Jeju")
ULLEUNG = RemoteArea(RemoteKind.ISLAND, "40200", "40240", "Ulleung")
REMOTE_AREAS = (JEJU, ULLEUNG)


def policy(**overrides: Any) -> PolicySnapshot:
    values: dict[str, Any] = {
        "policy_id": 1,
        "vendor_id": 1,
        "name": "Seoul Market",
        "fee_type": FeeType.FIXED,
        "base_fee": Decimal(3000),
        "payer": Payer.PREPAID,
        "jeju_surcharge": Decimal(3000),
        "island_surcharge": Decimal(5000),
        "return_fee": Decimal(3000),
        "exchange_fee": Decimal(6000),
    }
    values.update(overrides)
    return PolicySnapshot(**values)


def conditional_free(threshold: int = 50_000, **overrides: Any) -> PolicySnapshot:
    return policy(fee_type=FeeType.CONDITIONAL_FREE, free_threshold=Decimal(threshold), **overrides)


def overseas_policy(**overrides: Any) -> PolicySnapshot:
    zones = (
        OverseasZone(
            "Zone 1",
            frozenset({"JP", "CN"}),
            (WeightRate(500, Decimal(12000)), WeightRate(2000, Decimal(18000))),
        ),
        OverseasZone(
            "Zone 2",
            frozenset({"US", "CA"}),
            (WeightRate(1000, Decimal(20000)), WeightRate(2000, Decimal(25000))),
        ),
    )
    return policy(policy_id=3, vendor_id=3, ships_overseas=True, zones=zones, **overrides)


def tiered(**overrides: Any) -> PolicySnapshot:
    tiers = (AmountTier(Decimal(30000), Decimal(2000)), AmountTier(Decimal(70000), Decimal(0)))
    return policy(fee_type=FeeType.AMOUNT_TIERS, base_fee=Decimal(4000), tiers=tiers, **overrides)


def line(
    snapshot: PolicySnapshot, price: int = 10_000, quantity: int = 1, **overrides: Any
) -> Line:
    values: dict[str, Any] = {
        "line_id": next(_line_ids),
        "vendor_id": snapshot.vendor_id,
        "policy": snapshot,
        "unit_price": Decimal(price),
        "quantity": quantity,
        "weight_grams": 0,
    }
    values.update(overrides)
    return Line(**values)
