"""Form data for posting shipping policy pages in the admin and the seller center."""

from __future__ import annotations

from typing import Any

from shipping.models import ShippingPolicy

BOOLEAN_FIELDS = {"active", "is_default", "bundlable", "ships_overseas"}


def policy_form_data(
    policy: ShippingPolicy | None = None,
    *,
    zones: list[dict[str, Any]] | None = None,
    tiers: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """Return the POST body of a policy page: ``policy``'s values, ``overrides`` on top."""
    values: dict[str, Any] = {
        "name": "새 배송 정책",
        "fee_type": "fixed",
        "base_fee": "3000",
        "free_threshold": "",
        "per_quantity_unit": "",
        "payer": "prepaid",
        "bundlable": True,
        "jeju_surcharge": "3000",
        "island_surcharge": "5000",
        "return_fee": "3000",
        "exchange_fee": "6000",
        "ships_overseas": False,
        "active": True,
        "is_default": False,
    }
    if policy is not None:
        for name in ShippingPolicy.AUDITED_FIELDS:
            value = getattr(policy, name)
            values[name] = (
                value if name in BOOLEAN_FIELDS else ("" if value is None else str(value))
            )
    values.update(overrides)
    data = {
        name: ("on" if name in BOOLEAN_FIELDS else value)
        for name, value in values.items()
        if not (name in BOOLEAN_FIELDS and not value)
    }
    data.update(inline_data("tiers", tiers or []))
    data.update(inline_data("zones", zones or []))
    data["_save"] = "Save"
    return data


def inline_data(
    prefix: str, rows: list[dict[str, Any]], *, initial: int | None = None
) -> dict[str, Any]:
    """Return an inline formset's management form and rows; rows with an ``id`` are existing."""
    existing = sum(1 for row in rows if row.get("id")) if initial is None else initial
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(existing),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data
