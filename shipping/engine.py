"""The shipping fee engine: pure functions from cart lines and a destination to a quote.

No ORM here: the caller passes frozen snapshots of the policies and the remote-area
ranges (``shipping.services.quote_for`` loads them), so every rule is testable with
plain values and an order can keep the quote it was placed with.

Korean practice, as Youngcart, Godomall and Cafe24 implement it:

- Lines of one vendor under the same policy form one parcel (묶음배송) and pay one fee;
  a line that cannot be bundled is a parcel of its own and pays its own fee.
- Conditional free shipping (조건부 무료) looks at the items total of that parcel only.
- The remote-area surcharge (도서산간 / 제주 추가배송비) is added per parcel on top of
  the base fee, even when the base fee is waived.
- Cash on delivery (착불): the fee is shown, but the buyer pays the carrier, so it is
  not part of what is charged now.
- Abroad, the domestic fee types do not apply: the policy's overseas zone table prices
  the parcel by its weight.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django_countries.data import COUNTRIES

from shipping.exceptions import ShippingError, ShippingErrorCode
from shop import plugins
from shop.money import format_krw, to_decimal

DOMESTIC_COUNTRY = "KR"
ZERO = Decimal(0)
KNOWN_COUNTRIES = frozenset(COUNTRIES)


class FeeType(StrEnum):
    FREE = "free"
    FIXED = "fixed"
    CONDITIONAL_FREE = "conditional_free"
    PER_QUANTITY = "per_quantity"
    AMOUNT_TIERS = "amount_tiers"


class Payer(StrEnum):
    PREPAID = "prepaid"  # 선결제: charged with the order
    CASH_ON_DELIVERY = "cod"  # 착불: paid to the carrier on delivery


class RemoteKind(StrEnum):
    JEJU = "jeju"
    ISLAND = "island"  # 도서산간: islands and mountain areas


# --- Inputs -------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountTier:
    """From ``min_amount`` of items total up, the parcel costs ``fee``."""

    min_amount: Decimal
    fee: Decimal


@dataclass(frozen=True)
class WeightRate:
    """A parcel weighing at most ``max_weight_grams`` costs ``fee``."""

    max_weight_grams: int
    fee: Decimal


@dataclass(frozen=True)
class OverseasZone:
    name: str
    countries: frozenset[str]
    rates: tuple[WeightRate, ...]


@dataclass(frozen=True, kw_only=True)
class PolicySnapshot:
    """A shipping policy as it stands when the quote is made."""

    policy_id: int
    vendor_id: int
    name: str = ""
    fee_type: FeeType = FeeType.FIXED
    base_fee: Decimal = ZERO
    free_threshold: Decimal | None = None
    per_quantity_unit: int | None = None
    tiers: tuple[AmountTier, ...] = ()
    payer: Payer = Payer.PREPAID
    bundlable: bool = True
    jeju_surcharge: Decimal = ZERO
    island_surcharge: Decimal = ZERO
    return_fee: Decimal = ZERO
    exchange_fee: Decimal = ZERO
    ships_overseas: bool = False
    zones: tuple[OverseasZone, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Line:
    """One cart or order line; ``bundlable=None`` follows the policy's default."""

    line_id: Hashable
    vendor_id: int
    policy: PolicySnapshot
    unit_price: Decimal
    quantity: int
    weight_grams: int = 0
    bundlable: bool | None = None

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def is_bundlable(self) -> bool:
        return self.policy.bundlable if self.bundlable is None else self.bundlable


@dataclass(frozen=True)
class Destination:
    """Where the parcels go: an ISO 3166 alpha-2 country and, in Korea, a 5-digit postcode."""

    country: str = DOMESTIC_COUNTRY
    postcode: str = ""

    @property
    def is_domestic(self) -> bool:
        return self.country == DOMESTIC_COUNTRY


@dataclass(frozen=True)
class RemoteArea:
    """A range of 5-digit postcodes (both ends included) that pays a surcharge."""

    kind: RemoteKind
    postcode_from: str
    postcode_to: str
    name: str = ""

    def contains(self, postcode: str) -> bool:
        # Postcodes are fixed-width digit strings, so text order is numeric order.
        return self.postcode_from <= postcode <= self.postcode_to


# --- Outputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownLine:
    """One line of a fee's explanation; ``amount=None`` marks a note that adds nothing."""

    code: str
    label: str
    amount: Decimal | None


@dataclass(frozen=True, kw_only=True)
class GroupQuote:
    """The fee of one parcel: one vendor, one policy, the lines shipped together."""

    vendor_id: int
    policy_id: int
    policy_name: str
    line_ids: tuple[Hashable, ...]
    items_total: Decimal
    weight_grams: int
    fee: Decimal
    payer: Payer
    payable_now: Decimal
    breakdown: tuple[BreakdownLine, ...]
    return_fee: Decimal
    exchange_fee: Decimal
    remote_kind: RemoteKind | None = None
    # How much more of this vendor's bundled items makes the parcel ship free.
    free_shipping_remaining: Decimal | None = None


@dataclass(frozen=True)
class Quote:
    destination: Destination
    groups: tuple[GroupQuote, ...] = field(default=())

    @property
    def total(self) -> Decimal:
        """Return the shipping fees of every parcel, 착불 ones included."""
        return sum((group.fee for group in self.groups), ZERO)

    @property
    def payable_now(self) -> Decimal:
        """Return what the order charges for shipping (착불 parcels are paid to the carrier)."""
        return sum((group.payable_now for group in self.groups), ZERO)

    def group_of(self, line_id: Hashable) -> GroupQuote:
        return next(group for group in self.groups if line_id in group.line_ids)

    def to_payload(self) -> dict[str, Any]:
        """Return the quote as JSON values (money as text), for an order to keep as it was."""
        return {
            "country": self.destination.country,
            "postcode": self.destination.postcode,
            "total": str(self.total),
            "payable_now": str(self.payable_now),
            "groups": [group_payload(group) for group in self.groups],
        }


def group_payload(group: GroupQuote) -> dict[str, Any]:
    return {
        "vendor_id": group.vendor_id,
        "policy_id": group.policy_id,
        "policy_name": group.policy_name,
        "line_ids": list(group.line_ids),
        "items_total": str(group.items_total),
        "weight_grams": group.weight_grams,
        "fee": str(group.fee),
        "payer": str(group.payer),
        "payable_now": str(group.payable_now),
        "remote_kind": None if group.remote_kind is None else str(group.remote_kind),
        "return_fee": str(group.return_fee),
        "exchange_fee": str(group.exchange_fee),
        "breakdown": [
            {
                "code": item.code,
                "label": item.label,
                "amount": None if item.amount is None else str(item.amount),
            }
            for item in group.breakdown
        ],
    }


# --- Fee rules plugins add ------------------------------------------------------------

FeeRule = Callable[[PolicySnapshot, Sequence[Line], Destination], list[BreakdownLine]]
_fee_rules: list[FeeRule] = []


def register_fee_rule(rule: FeeRule) -> None:
    """Run ``rule(policy, lines, destination)`` for every parcel quoted; its lines add up.

    A rule returns extra breakdown lines (a surcharge, a discount as a negative amount,
    a note with ``amount=None``), or ``[]`` when it does not apply. It must be pure: the
    engine runs for every cart view. The parcel's fee never goes below zero.
    """
    if rule not in _fee_rules:
        _fee_rules.append(rule)
        plugins.note("shipping fee rule", getattr(rule, "__qualname__", repr(rule)), rule)


# --- The engine ---------------------------------------------------------------------


def quote(
    lines: Sequence[Line],
    destination: Destination,
    *,
    remote_areas: Iterable[RemoteArea] = (),
) -> Quote:
    """Return the shipping fee of each parcel the lines make, sent to ``destination``."""
    destination = normalize_destination(destination)
    for line in lines:
        check_line(line)
    remote_kind = remote_kind_of(destination, remote_areas)
    groups = tuple(quote_group(group, destination, remote_kind) for group in group_lines(lines))
    return Quote(destination=destination, groups=groups)


def normalize_destination(destination: Destination) -> Destination:
    """Return the destination with its country upper-cased; refuse unknown countries."""
    country = (destination.country or "").strip().upper()
    postcode = (destination.postcode or "").strip()
    if country not in KNOWN_COUNTRIES:
        raise ShippingError(
            ShippingErrorCode.UNKNOWN_COUNTRY,
            _("Unknown country code."),
            fields={"country": [_("“%(country)s” is not a country code.") % {"country": country}]},
        )
    if country == DOMESTIC_COUNTRY and not (len(postcode) == 5 and postcode.isdigit()):
        raise ShippingError(
            ShippingErrorCode.INVALID_POSTCODE,
            _("Enter the 5-digit postcode."),
            fields={"postcode": [_("Enter the 5-digit postcode (우편번호).")]},
        )
    return Destination(country=country, postcode=postcode)


def check_line(line: Line) -> None:
    problems = []
    if line.quantity < 1:
        problems.append(_("The quantity must be at least 1."))
    if to_decimal(line.unit_price) < 0:
        problems.append(_("The unit price cannot be negative."))
    if line.weight_grams < 0:
        problems.append(_("The weight cannot be negative."))
    if line.policy.vendor_id != line.vendor_id:
        problems.append(_("The shipping policy belongs to another vendor."))
    if problems:
        raise ShippingError(
            ShippingErrorCode.INVALID_LINE,
            _("A cart line cannot be shipped as given."),
            fields={"lines": [f"{line.line_id}: {problem}" for problem in problems]},
        )


def remote_kind_of(destination: Destination, areas: Iterable[RemoteArea]) -> RemoteKind | None:
    """Return whether the postcode is on Jeju or another remote area, if it is."""
    if not destination.is_domestic:
        return None
    return next((area.kind for area in areas if area.contains(destination.postcode)), None)


def group_lines(lines: Sequence[Line]) -> list[list[Line]]:
    """Split lines into parcels: one per vendor and policy, one per unbundlable line.

    Parcels keep the order in which their first line appears.
    """
    groups: dict[tuple[Hashable, ...], list[Line]] = {}
    for line in lines:
        key: tuple[Hashable, ...] = (line.vendor_id, line.policy.policy_id)
        if not line.is_bundlable:
            key = (*key, "alone", line.line_id)
        groups.setdefault(key, []).append(line)
    return list(groups.values())


def quote_group(
    lines: list[Line], destination: Destination, remote_kind: RemoteKind | None
) -> GroupQuote:
    policy = lines[0].policy
    items_total = sum((line.amount for line in lines), ZERO)
    weight = sum(line.weight_grams * line.quantity for line in lines)
    remaining = None
    if destination.is_domestic:
        breakdown = domestic_fee(policy, items_total, sum(line.quantity for line in lines))
        breakdown += remote_surcharge(policy, remote_kind)
        remaining = free_shipping_remaining(policy, items_total)
    else:
        breakdown = overseas_fee(policy, destination.country, weight)
    for rule in _fee_rules:
        breakdown += rule(policy, lines, destination)
    # A rule may discount, never below zero: a parcel's fee is not a payment to the buyer.
    fee = max(sum((line.amount for line in breakdown if line.amount is not None), ZERO), ZERO)
    payable_now = fee
    if policy.payer == Payer.CASH_ON_DELIVERY and fee > 0:
        payable_now = ZERO
        breakdown.append(cash_on_delivery_note(fee))
    return GroupQuote(
        vendor_id=lines[0].vendor_id,
        policy_id=policy.policy_id,
        policy_name=policy.name,
        line_ids=tuple(line.line_id for line in lines),
        items_total=items_total,
        weight_grams=weight,
        fee=fee,
        payer=policy.payer,
        payable_now=payable_now,
        breakdown=tuple(breakdown),
        return_fee=policy.return_fee,
        exchange_fee=policy.exchange_fee,
        remote_kind=remote_kind if destination.is_domestic else None,
        free_shipping_remaining=remaining,
    )


def domestic_fee(
    policy: PolicySnapshot, items_total: Decimal, quantity: int
) -> list[BreakdownLine]:
    """Return the breakdown of the base fee of a parcel shipped within Korea."""
    base = policy.base_fee
    match policy.fee_type:
        case FeeType.FREE:
            return [BreakdownLine("free", _("Free shipping"), ZERO)]
        case FeeType.FIXED:
            return [base_fee_line(base)]
        case FeeType.CONDITIONAL_FREE:
            lines = [base_fee_line(base)]
            reached = policy.free_threshold is not None and items_total >= policy.free_threshold
            if reached and base > 0:
                label = _("Free over %(threshold)s") % {
                    "threshold": format_krw(policy.free_threshold)
                }
                lines.append(BreakdownLine("free_over_threshold", label, -base))
            return lines
        case FeeType.PER_QUANTITY:
            unit = max(policy.per_quantity_unit or 1, 1)
            parcels = -(-quantity // unit)  # ceil without floats
            label = _("Shipping fee %(fee)s x %(count)s (per %(unit)s items)") % {
                "fee": format_krw(base),
                "count": parcels,
                "unit": unit,
            }
            return [BreakdownLine("per_quantity", label, base * parcels)]
        case FeeType.AMOUNT_TIERS:
            return [tier_line(policy, items_total)]
    raise ShippingError(ShippingErrorCode.INVALID_POLICY, f"unknown fee type {policy.fee_type}")


def base_fee_line(base: Decimal) -> BreakdownLine:
    return BreakdownLine("base_fee", _("Base shipping fee"), base)


def tier_line(policy: PolicySnapshot, items_total: Decimal) -> BreakdownLine:
    """Return the fee of the highest tier the items total reaches; below every tier, the base fee."""
    reached = [tier for tier in policy.tiers if items_total >= tier.min_amount]
    if not reached:
        return base_fee_line(policy.base_fee)
    tier = max(reached, key=lambda tier: tier.min_amount)
    label = _("Shipping fee for items from %(amount)s") % {"amount": format_krw(tier.min_amount)}
    return BreakdownLine("amount_tier", label, tier.fee)


def free_shipping_remaining(policy: PolicySnapshot, items_total: Decimal) -> Decimal | None:
    if policy.fee_type != FeeType.CONDITIONAL_FREE or policy.free_threshold is None:
        return None
    return max(policy.free_threshold - items_total, ZERO)


def remote_surcharge(policy: PolicySnapshot, kind: RemoteKind | None) -> list[BreakdownLine]:
    """Return the per-parcel surcharge for Jeju or an island/mountain area, if any."""
    if kind == RemoteKind.JEJU and policy.jeju_surcharge > 0:
        return [BreakdownLine("jeju_surcharge", _("Jeju surcharge"), policy.jeju_surcharge)]
    if kind == RemoteKind.ISLAND and policy.island_surcharge > 0:
        label = _("Island and mountain area surcharge")
        return [BreakdownLine("island_surcharge", label, policy.island_surcharge)]
    return []


def overseas_fee(policy: PolicySnapshot, country: str, weight_grams: int) -> list[BreakdownLine]:
    """Return the fee of a parcel sent abroad, from the zone and weight tier it falls in."""
    if not policy.ships_overseas:
        raise ShippingError(
            ShippingErrorCode.NO_OVERSEAS_SHIPPING,
            _("This seller does not ship abroad."),
            fields={
                "country": [_("%(seller)s ships within Korea only.") % {"seller": policy.name}]
            },
        )
    zone = next((zone for zone in policy.zones if country in zone.countries), None)
    if zone is None:
        raise ShippingError(
            ShippingErrorCode.COUNTRY_NOT_SERVED,
            _("This seller does not ship to that country."),
            fields={"country": [_("No shipping to %(country)s.") % {"country": country}]},
        )
    rates = sorted(zone.rates, key=lambda rate: rate.max_weight_grams)
    rate = next((rate for rate in rates if weight_grams <= rate.max_weight_grams), None)
    if rate is None:
        raise ShippingError(
            ShippingErrorCode.TOO_HEAVY,
            _("The parcel is too heavy to ship abroad."),
            fields={
                "lines": [_("%(weight)s is over the heaviest rate.") % {"weight": kg(weight_grams)}]
            },
        )
    label = _("Overseas shipping (%(zone)s, %(weight)s)") % {
        "zone": zone.name,
        "weight": kg(weight_grams),
    }
    return [BreakdownLine("overseas", label, rate.fee)]


def cash_on_delivery_note(fee: Decimal) -> BreakdownLine:
    label = _("Cash on delivery (착불): %(fee)s is paid to the carrier, not charged now") % {
        "fee": format_krw(fee)
    }
    return BreakdownLine("cash_on_delivery", label, None)


def kg(grams: int) -> str:
    """Return ``1.2kg`` style text for a weight in grams."""
    text = f"{Decimal(grams) / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{text}kg"
