"""Reads of shipping: policies with their tiers and zones, engine snapshots, remote areas."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from shipping import engine
from shipping.models import OverseasZone, RemoteArea, ShippingPolicy


def with_rules(queryset: QuerySet[ShippingPolicy]) -> QuerySet[ShippingPolicy]:
    """Return ``queryset`` with tiers, zones and rates prefetched (three queries in all)."""
    return queryset.prefetch_related(
        "tiers", Prefetch("zones", queryset=OverseasZone.objects.prefetch_related("rates"))
    )


def list_policies(*, vendor_id: int) -> QuerySet[ShippingPolicy]:
    """Return the vendor's shipping policies, the default first, with their rules."""
    return with_rules(ShippingPolicy.objects.filter(vendor_id=vendor_id))


def policies_for_quote(
    *,
    policy_ids: Iterable[int],
    vendor_ids: Iterable[int],
    destination: engine.Destination | None = None,
) -> list[ShippingPolicy]:
    """Return the named policies and the vendors' default policies with their rules.

    With a ``destination``, only the rules a quote there reads are loaded: in Korea the
    amount tiers of tiered policies (no query when none is), abroad the overseas zones
    with their rates. A checkout quotes twice per order (review, then placement), so a
    Korean address costs one query for its policies instead of three. Snapshot them with
    ``snapshot_of(policy, destination=...)``, which reads only those.
    """
    condition = Q(pk__in=set(policy_ids)) | Q(vendor_id__in=set(vendor_ids), is_default=True)
    rows = ShippingPolicy.objects.filter(condition)
    if destination is None:
        return list(with_rules(rows))
    policies = list(rows)
    if destination.is_domestic:
        tiered = [
            policy for policy in policies if policy.fee_type == ShippingPolicy.FeeType.AMOUNT_TIERS
        ]
        prefetch_related_objects(tiered, "tiers")
    else:
        prefetch_related_objects(
            policies, Prefetch("zones", queryset=OverseasZone.objects.prefetch_related("rates"))
        )
    return policies


def snapshot_of(
    policy: ShippingPolicy, *, destination: engine.Destination | None = None
) -> engine.PolicySnapshot:
    """Return the engine's frozen view of ``policy`` (its rules must be prefetched).

    With a ``destination``, the rules a quote there does not read are left empty, as
    ``policies_for_quote`` left them unloaded: the overseas zones in Korea, the amount
    tiers abroad and for a policy that is not tiered.
    """
    domestic = destination is not None and destination.is_domestic
    abroad = destination is not None and not destination.is_domestic
    tiered = policy.fee_type == ShippingPolicy.FeeType.AMOUNT_TIERS
    return engine.PolicySnapshot(
        policy_id=policy.pk,
        vendor_id=policy.vendor_id,
        name=policy.name,
        fee_type=engine.FeeType(policy.fee_type),
        base_fee=policy.base_fee,
        free_threshold=policy.free_threshold,
        per_quantity_unit=policy.per_quantity_unit,
        tiers=()
        if abroad or (domestic and not tiered)
        else tuple(engine.AmountTier(tier.min_amount, tier.fee) for tier in policy.tiers.all()),
        payer=engine.Payer(policy.payer),
        bundlable=policy.bundlable,
        jeju_surcharge=policy.jeju_surcharge,
        island_surcharge=policy.island_surcharge,
        return_fee=policy.return_fee,
        exchange_fee=policy.exchange_fee,
        ships_overseas=policy.ships_overseas,
        zones=() if domestic else zones_of(policy),
    )


def zones_of(policy: ShippingPolicy) -> tuple[engine.OverseasZone, ...]:
    return tuple(
        engine.OverseasZone(
            zone.name,
            zone.country_codes,
            tuple(engine.WeightRate(rate.max_weight_grams, rate.fee) for rate in zone.rates.all()),
        )
        for zone in policy.zones.all()
    )


def remote_areas_containing(postcode: str) -> list[engine.RemoteArea]:
    """Return the remote-area ranges that hold ``postcode`` (one at most: ranges never overlap)."""
    rows = RemoteArea.objects.filter(postcode_from__lte=postcode, postcode_to__gte=postcode)
    return [
        engine.RemoteArea(engine.RemoteKind(row.kind), row.postcode_from, row.postcode_to, row.name)
        for row in rows
    ]


def overlapping_remote_areas(
    *, postcode_from: str, postcode_to: str, exclude_id: int | None = None
) -> QuerySet[RemoteArea]:
    """Return the ranges sharing at least one postcode with ``postcode_from`` to ``postcode_to``."""
    rows = RemoteArea.objects.filter(postcode_from__lte=postcode_to, postcode_to__gte=postcode_from)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows


def audit_values(policy: ShippingPolicy) -> dict[str, object]:
    """Return what the audit log records of ``policy``: its fields, tiers and zones."""
    values: dict[str, object] = {name: getattr(policy, name) for name in policy.AUDITED_FIELDS}
    values["tiers"] = [[tier.min_amount, tier.fee] for tier in policy.tiers.all()]
    values["zones"] = [
        [
            zone.name,
            sorted(zone.country_codes),
            [[rate.max_weight_grams, rate.fee] for rate in zone.rates.all()],
        ]
        for zone in policy.zones.all()
    ]
    return values
