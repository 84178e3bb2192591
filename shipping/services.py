"""Use cases of shipping: quoting carts, and changing policies and the remote-area table.

A quote reads the policies as they are now: changing a policy changes future quotes
only. Orders keep (snapshot) the quote they were placed with, so a placed order's
shipping fee never moves when a vendor edits its policy afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from shipping import engine, selectors
from shipping.events import (
    RemoteAreaChanged,
    RemoteAreaCreated,
    RemoteAreaDeleted,
    ShippingPolicyChanged,
    ShippingPolicyCreated,
    ShippingPolicyDeleted,
)
from shipping.exceptions import ShippingError, ShippingErrorCode
from shipping.models import (
    OverseasRate,
    OverseasZone,
    RemoteArea,
    ShippingFeeTier,
    ShippingPolicy,
)
from shop import audit
from shop.events import publish
from shop.exceptions import NotFoundError
from vendors.models import Vendor

# --- Quotes -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QuoteLine:
    """A line to quote: ``policy_id=None`` ships under the vendor's default policy."""

    line_id: Hashable
    vendor_id: int
    unit_price: Decimal
    quantity: int
    weight_grams: int = 0
    policy_id: int | None = None
    bundlable: bool | None = None


def quote_for(*, lines: Sequence[QuoteLine], destination: engine.Destination) -> engine.Quote:
    """Return the shipping quote of ``lines`` sent to ``destination``, from current policies.

    Runs a constant number of queries whatever the number of lines: in Korea the
    policies, the tiers of tiered ones (only if there is one) and the remote areas
    holding the postcode (two or three); abroad the policies, zones and rates (three).
    A line naming an inactive policy ships under its vendor's default policy.
    """
    destination = engine.normalize_destination(destination)
    policies = selectors.policies_for_quote(
        policy_ids=[line.policy_id for line in lines if line.policy_id is not None],
        vendor_ids=[line.vendor_id for line in lines],
        destination=destination,
    )
    snapshots = {
        policy.pk: selectors.snapshot_of(policy, destination=destination) for policy in policies
    }
    defaults = {policy.vendor_id: policy.pk for policy in policies if policy.is_default}
    engine_lines = [
        engine.Line(
            line_id=line.line_id,
            vendor_id=line.vendor_id,
            policy=snapshots[policy_id_for(line, policies, defaults)],
            unit_price=line.unit_price,
            quantity=line.quantity,
            weight_grams=line.weight_grams,
            bundlable=line.bundlable,
        )
        for line in lines
    ]
    areas = (
        selectors.remote_areas_containing(destination.postcode) if destination.is_domestic else []
    )
    return engine.quote(engine_lines, destination, remote_areas=areas)


def policy_id_for(
    line: QuoteLine, policies: Iterable[ShippingPolicy], defaults: dict[int, int]
) -> int:
    named = next((policy for policy in policies if policy.pk == line.policy_id), None)
    if named is not None and named.vendor_id != line.vendor_id:
        raise ShippingError(
            ShippingErrorCode.INVALID_LINE,
            _("A cart line cannot be shipped as given."),
            fields={
                "lines": [
                    _("%(line)s: the shipping policy belongs to another vendor.")
                    % {"line": line.line_id}
                ]
            },
        )
    if named is not None and named.active:
        return named.pk
    if line.vendor_id in defaults:
        return defaults[line.vendor_id]
    raise ShippingError(
        ShippingErrorCode.NO_POLICY,
        _("The seller has no shipping policy."),
        fields={
            "lines": [
                _("%(line)s: the seller has no active shipping policy.") % {"line": line.line_id}
            ]
        },
    )


# --- Policies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneSpec:
    """An overseas zone to store: its countries (ISO alpha-2) and ``(max grams, fee)`` rates."""

    name: str
    countries: Sequence[str]
    rates: Sequence[tuple[int, Decimal | int]] = field(default=())


def create_policy(
    *,
    vendor_id: int,
    tiers: Sequence[tuple[Decimal | int, Decimal | int]] = (),
    zones: Sequence[ZoneSpec] = (),
    **values: Any,
) -> ShippingPolicy:
    """Create a shipping policy of the vendor, with its amount tiers and overseas zones.

    Publishes ShippingPolicyCreated. When it is the default, the vendor's former default
    stops being one in the same transaction (the event names it: ``demoted_policy_id``).
    """
    check_field_names(values)
    with transaction.atomic():
        lock_vendor(vendor_id)
        policy = ShippingPolicy(vendor_id=vendor_id, **values)
        demoted = demote_default(policy)
        save_validated(policy)
        replace_tiers(policy, tiers)
        replace_zones(policy, zones)
        after = selectors.audit_values(refreshed(policy))
        publish(
            ShippingPolicyCreated(
                policy_id=policy.pk,
                vendor_id=vendor_id,
                changes=audit.changes({}, after),
                demoted_policy_id=demoted.pk if demoted else None,
            ),
            subject=policy,
        )
    return policy


def update_policy(
    *,
    policy_id: int,
    vendor_id: int | None = None,
    tiers: Sequence[tuple[Decimal | int, Decimal | int]] | None = None,
    zones: Sequence[ZoneSpec] | None = None,
    **changes: Any,
) -> ShippingPolicy:
    """Change a shipping policy (of ``vendor_id`` when given); future quotes use the new rules.

    Publishes ShippingPolicyChanged with the before and after values of what changed,
    or nothing when nothing did. ``tiers`` and ``zones`` replace the stored ones when given.
    """
    check_field_names(changes)
    with transaction.atomic():
        policy = lock_policy(policy_id, vendor_id)
        lock_vendor(policy.vendor_id)
        before = selectors.audit_values(policy)
        for name, value in changes.items():
            setattr(policy, name, value)
        demoted = demote_default(policy)
        save_validated(policy)
        if tiers is not None:
            replace_tiers(policy, tiers)
        if zones is not None:
            replace_zones(policy, zones)
        diff = audit.changes(before, selectors.audit_values(refreshed(policy)))
        if diff:
            publish(
                ShippingPolicyChanged(
                    policy_id=policy.pk,
                    vendor_id=policy.vendor_id,
                    changes=diff,
                    demoted_policy_id=demoted.pk if demoted else None,
                ),
                subject=policy,
            )
    return policy


def delete_policy(*, policy_id: int, vendor_id: int | None = None) -> None:
    """Delete a shipping policy (of ``vendor_id`` when given) with its tiers and zones.

    Publishes ShippingPolicyDeleted holding every value the policy had.
    """
    with transaction.atomic():
        policy = lock_policy(policy_id, vendor_id)
        before = selectors.audit_values(policy)
        publish(
            ShippingPolicyDeleted(
                policy_id=policy.pk, vendor_id=policy.vendor_id, changes=audit.changes(before, {})
            ),
            subject=policy,
        )
        policy.delete()


def check_field_names(values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(ShippingPolicy.AUDITED_FIELDS))
    if unknown:
        raise ShippingError(
            ShippingErrorCode.INVALID_POLICY,
            _("Unknown shipping policy fields."),
            fields={name: [_("This field is not accepted.")] for name in unknown},
        )


def lock_vendor(vendor_id: int) -> None:
    """Serialise policy writes of one vendor, so two defaults never race each other."""
    if not Vendor.objects.select_for_update().filter(pk=vendor_id).exists():
        raise ShippingError(
            ShippingErrorCode.INVALID_POLICY,
            _("Unknown vendor."),
            fields={"vendor": [_("Select a valid vendor.")]},
        )


def lock_policy(policy_id: int, vendor_id: int | None) -> ShippingPolicy:
    rows = ShippingPolicy.objects.select_for_update().filter(pk=policy_id)
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)  # another vendor's policy is "not found"
    policy = selectors.with_rules(rows).first()
    if policy is None:
        raise NotFoundError(_("No such shipping policy."))
    return policy


def demote_default(policy: ShippingPolicy) -> ShippingPolicy | None:
    """Stop the vendor's other default policy being the default when ``policy`` becomes it."""
    if not policy.is_default:
        return None
    others = ShippingPolicy.objects.filter(vendor_id=policy.vendor_id, is_default=True)
    if policy.pk is not None:
        others = others.exclude(pk=policy.pk)
    former = others.first()
    if former is not None:
        ShippingPolicy.objects.filter(pk=former.pk).update(is_default=False)
    return former


def save_validated(obj: Any) -> None:
    """Validate ``obj`` like a form would and save it; errors name the fields."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ShippingError(
            ShippingErrorCode.INVALID_POLICY,
            _("The shipping policy is not valid."),
            fields=field_errors(error),
        ) from None
    obj.save()


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {"__all__": list(error.messages)}


def replace_tiers(
    policy: ShippingPolicy, tiers: Sequence[tuple[Decimal | int, Decimal | int]]
) -> None:
    policy.tiers.all().delete()
    seen: set[Decimal] = set()
    for min_amount, fee in tiers:
        if Decimal(min_amount) in seen:
            raise ShippingError(
                ShippingErrorCode.INVALID_POLICY,
                _("Two tiers start at the same amount."),
                fields={"tiers": [_("Each tier needs its own starting amount.")]},
            )
        seen.add(Decimal(min_amount))
        save_child(ShippingFeeTier(policy=policy, min_amount=min_amount, fee=fee), "tiers")


def replace_zones(policy: ShippingPolicy, zones: Sequence[ZoneSpec]) -> None:
    policy.zones.all().delete()
    check_zone_countries([list(zone.countries) for zone in zones])
    for spec in zones:
        countries = [code.strip().upper() for code in spec.countries]
        zone = OverseasZone(policy=policy, name=spec.name, countries=countries)
        save_child(zone, "zones")
        for max_weight, fee in spec.rates:
            save_child(OverseasRate(zone=zone, max_weight_grams=max_weight, fee=fee), "rates")


def check_zone_countries(zones: Sequence[Sequence[str]]) -> None:
    """Refuse a country listed in two zones of one policy: its fee would be ambiguous."""
    seen: set[str] = set()
    for countries in zones:
        for code in countries:
            code = str(code).strip().upper()
            if code in seen:
                raise ShippingError(
                    ShippingErrorCode.INVALID_POLICY,
                    _("A country is in two zones."),
                    fields={
                        "countries": [
                            _("%(country)s is already in another zone.") % {"country": code}
                        ]
                    },
                )
            seen.add(code)


def save_child(obj: Any, prefix: str) -> None:
    """Validate and save a tier, zone or rate; its field errors keep their own names."""
    try:
        obj.full_clean()
    except ValidationError as error:
        errors = field_errors(error)
        raise ShippingError(
            ShippingErrorCode.INVALID_POLICY,
            _("The shipping policy is not valid."),
            fields={
                prefix if name == "__all__" else name: messages for name, messages in errors.items()
            },
        ) from None
    obj.save()


def refreshed(policy: ShippingPolicy) -> ShippingPolicy:
    """Return ``policy`` with its tiers and zones read again after they were replaced."""
    return selectors.with_rules(ShippingPolicy.objects.filter(pk=policy.pk)).get()


# --- Remote areas -------------------------------------------------------------------------------


def create_remote_area(*, name: str, kind: str, postcode_from: str, postcode_to: str) -> RemoteArea:
    """Add a Jeju or island/mountain postcode range. Publishes RemoteAreaCreated."""
    with transaction.atomic():
        lock_remote_areas()
        area = RemoteArea(
            name=name, kind=kind, postcode_from=postcode_from, postcode_to=postcode_to
        )
        save_remote_area(area)
        after = audit.snapshot(area, RemoteArea.AUDITED_FIELDS)
        publish(
            RemoteAreaCreated(remote_area_id=area.pk, changes=audit.changes({}, after)),
            subject=area,
        )
    return area


def update_remote_area(*, remote_area_id: int, **changes: Any) -> RemoteArea:
    """Change a remote-area range. Publishes RemoteAreaChanged with before and after values."""
    unknown = sorted(set(changes) - set(RemoteArea.AUDITED_FIELDS))
    if unknown:
        raise ShippingError(
            ShippingErrorCode.INVALID_REMOTE_AREA,
            _("Unknown remote area fields."),
            fields={name: [_("This field is not accepted.")] for name in unknown},
        )
    with transaction.atomic():
        lock_remote_areas()
        area = RemoteArea.objects.filter(pk=remote_area_id).first()
        if area is None:
            raise NotFoundError(_("No such remote area."))
        before = audit.snapshot(area, RemoteArea.AUDITED_FIELDS)
        for name, value in changes.items():
            setattr(area, name, value)
        save_remote_area(area)
        diff = audit.changes(before, audit.snapshot(area, RemoteArea.AUDITED_FIELDS))
        if diff:
            publish(RemoteAreaChanged(remote_area_id=area.pk, changes=diff), subject=area)
    return area


def delete_remote_area(*, remote_area_id: int) -> None:
    """Remove a remote-area range. Publishes RemoteAreaDeleted."""
    with transaction.atomic():
        area = RemoteArea.objects.select_for_update().filter(pk=remote_area_id).first()
        if area is None:
            raise NotFoundError(_("No such remote area."))
        before = audit.snapshot(area, RemoteArea.AUDITED_FIELDS)
        publish(
            RemoteAreaDeleted(remote_area_id=area.pk, changes=audit.changes(before, {})),
            subject=area,
        )
        area.delete()


def lock_remote_areas() -> None:
    """Block other writers of the table until commit, so two overlapping ranges never pass.

    PostgreSQL's exclusion constraint backs this up; SQLite serialises writes anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE shipping_remotearea IN SHARE ROW EXCLUSIVE MODE")


def check_remote_area_overlap(
    *, postcode_from: str, postcode_to: str, exclude_id: int | None = None
) -> None:
    """Refuse a range that shares a postcode with another range, naming both postcodes."""
    clash = selectors.overlapping_remote_areas(
        postcode_from=postcode_from, postcode_to=postcode_to, exclude_id=exclude_id
    ).first()
    if clash is not None:
        message = _("This range overlaps %(area)s.") % {"area": clash}
        raise ShippingError(
            ShippingErrorCode.OVERLAPPING_RANGE,
            message,
            fields={"postcode_from": [message], "postcode_to": [message]},
        )


def save_remote_area(area: RemoteArea) -> None:
    try:
        area.full_clean()
    except ValidationError as error:
        raise ShippingError(
            ShippingErrorCode.INVALID_REMOTE_AREA,
            _("The remote area is not valid."),
            fields=field_errors(error),
        ) from None
    check_remote_area_overlap(
        postcode_from=area.postcode_from, postcode_to=area.postcode_to, exclude_id=area.pk
    )
    try:
        with transaction.atomic():
            area.save()
    except IntegrityError:  # the exclusion constraint: a writer that skipped the lock
        message = _("This range overlaps another remote area.")
        raise ShippingError(
            ShippingErrorCode.OVERLAPPING_RANGE,
            message,
            fields={"postcode_from": [message], "postcode_to": [message]},
        ) from None
