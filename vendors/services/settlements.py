"""The settlement ledger (정산 원장) and the per-period statements built from it.

Sales, refunds and the vendor's shipping fees come from the orders app's events (see
``vendors.listeners``); commission is booked beside each sale as a negative line and
given back in proportion on refunds. ``run_settlements`` gathers a vendor's open lines
into one statement per period.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from shop.events import publish
from shop.money import MoneyError, quantize, to_decimal
from vendors.events import LedgerEntriesBooked, SettlementDrafted, SettlementStatusChanged
from vendors.exceptions import VendorError, VendorErrorCode
from vendors.models import Settlement, SettlementEntry, Vendor

Kind = SettlementEntry.Kind
# Fixed namespace of the ledger's source ids: the same cause always maps to the same id.
LEDGER_NAMESPACE = uuid.UUID("5b0c9a52-6f0e-4d84-9a3e-0d5e2f8c1a77")


def source_uuid(*parts: object) -> uuid.UUID:
    """Return the stable source id of a ledger cause, e.g. ``("purchase", order, vendor)``."""
    return uuid.uuid5(LEDGER_NAMESPACE, ":".join(str(part) for part in parts))


def commission_for(amount: Decimal, rate: Decimal) -> Decimal:
    """Return the commission on ``amount`` KRW at ``rate`` percent, rounded half up to a won."""
    return quantize(amount * rate / Decimal(100), "KRW")


def record_purchase_confirmed(
    *,
    order_id: int,
    order_line_ids: Iterable[int],
    vendor_id: int,
    gross_amount: str,
    shipping_amount: str,
    confirmed_at: str,
    vendor_discount_amount: str = "0",
) -> list[SettlementEntry]:
    """Book a confirmed purchase: the sale, its commission and the vendor's shipping fee.

    ``gross_amount`` comes net of the discounts the vendor bears (its own coupons), so
    the sale and the commission on it count what the vendor really sold for; a
    discount the platform bears (platform coupons, grade discounts, points) is not the
    vendor's and leaves the sale whole. The vendor's part is named in the description.

    Idempotent: the same order, vendor and lines book once, however often the event
    comes. Returns the entries booked now (none when already booked).
    """
    vendor_discount = _amount(vendor_discount_amount, "vendor_discount_amount")
    gross = _amount(gross_amount, "gross_amount")
    shipping = _amount(shipping_amount, "shipping_amount")
    occurred_at = _moment(confirmed_at, "confirmed_at")
    lines = ",".join(str(line) for line in sorted(int(line) for line in order_line_ids))
    source = source_uuid("purchase", order_id, vendor_id, lines)
    with transaction.atomic():
        vendor = _vendor(vendor_id)
        amounts = {
            Kind.SALE: gross,
            Kind.COMMISSION: -commission_for(gross, vendor.commission_rate),
            Kind.SHIPPING: shipping,
        }
        return _book(
            vendor,
            source,
            amounts,
            order_id=order_id,
            occurred_at=occurred_at,
            cause="purchase_confirmed",
            description=(
                _("Order %(order)s purchase confirmed, less %(discount)s won of your coupons")
                % {"order": order_id, "discount": f"{vendor_discount:,.0f}"}
                if vendor_discount > 0
                else _("Order %(order)s purchase confirmed") % {"order": order_id}
            ),
        )


def record_refund(
    *, order_id: int, vendor_id: int, refund_id: int, amount: str, shipping_amount: str
) -> list[SettlementEntry]:
    """Book a refund of a confirmed purchase and give back its share of the commission.

    The commission returned is the sale's commission times ``amount / sale``, rounded
    half up, never more than is left of it. A refund of an order whose purchase was
    never booked books nothing (the sale was netted before confirmation). Idempotent
    per refund and vendor.
    """
    refunded = _amount(amount, "amount")
    shipping = _amount(shipping_amount, "shipping_amount")
    source = source_uuid("refund", refund_id, vendor_id)
    with transaction.atomic():
        vendor = _vendor(vendor_id)
        # Serialise refunds of one vendor so two never give back the same commission.
        Vendor.objects.select_for_update().filter(pk=vendor.pk).first()
        order_entries = SettlementEntry.objects.filter(vendor=vendor, order_id=order_id)
        sale = _sum(order_entries.filter(kind=Kind.SALE))
        if sale <= 0:
            return []
        charged = -_sum(order_entries.filter(kind=Kind.COMMISSION, amount__lt=0))
        returned = _sum(order_entries.filter(kind=Kind.COMMISSION, amount__gt=0))
        give_back = min(quantize(charged * refunded / sale, "KRW"), charged - returned)
        amounts = {
            Kind.REFUND: -refunded,
            Kind.COMMISSION: max(give_back, Decimal(0)),
            Kind.SHIPPING: -shipping,
        }
        return _book(
            vendor,
            source,
            amounts,
            order_id=order_id,
            occurred_at=timezone.now(),
            cause="refund",
            description=_("Refund %(refund)s of order %(order)s")
            % {"refund": refund_id, "order": order_id},
        )


def book_adjustment(*, vendor_id: int, amount: Decimal | str, description: str) -> SettlementEntry:
    """Book a manual correction by staff (positive: the vendor is owed more)."""
    try:
        value = quantize(to_decimal(amount), "KRW")
    except (MoneyError, ArithmeticError, ValueError) as error:
        raise _bad_amount("amount") from error
    if value == 0:
        raise _bad_amount("amount")
    with transaction.atomic():
        vendor = _vendor(vendor_id)
        entries = _book(
            vendor,
            uuid.uuid4(),
            {Kind.ADJUSTMENT: value},
            order_id=None,
            occurred_at=timezone.now(),
            cause="adjustment",
            description=description,
        )
        return entries[0]


def run_settlements(*, period_start: dt.date, period_end: dt.date) -> list[Settlement]:
    """Make or refresh each vendor's draft statement for the period; return the period's statements.

    Open entries up to the period's end (late ones from earlier periods too) are attached.
    Re-running adds only entries that arrived since; a statement already confirmed, paid
    or held is left alone and its vendor's new entries wait for the next period.
    """
    if period_end < period_start:
        raise VendorError(
            VendorErrorCode.INVALID_PERIOD,
            _("The period ends before it starts."),
            fields={"period_end": [_("Must not be before the start.")]},
        )
    until = _start_of_day(period_end + dt.timedelta(days=1))
    vendor_ids = (
        SettlementEntry.objects.filter(settlement__isnull=True, occurred_at__lt=until)
        .order_by("vendor_id")
        .values_list("vendor_id", flat=True)
        .distinct()
    )
    for vendor_id in list(vendor_ids):
        _settle_vendor(vendor_id, period_start, period_end, until)
    return list(
        Settlement.objects.filter(period_start=period_start, period_end=period_end)
        .select_related("vendor")
        .order_by("vendor_id")
    )


def previous_period(*, today: dt.date, kind: str) -> tuple[dt.date, dt.date]:
    """Return the last complete period before ``today``: last week (Mon-Sun) or last month.

    Any other ``kind`` is a policy's dotted path (``SETTLEMENT_PERIOD``): the function
    ``f(today=date) -> (first day, last day)`` it names decides.
    """
    if "." in kind:
        start, end = import_string(kind)(today=today)
        return start, end
    if kind == "weekly":
        start = today - dt.timedelta(days=today.weekday() + 7)
        return start, start + dt.timedelta(days=6)
    if kind == "monthly":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    raise ValueError(f"unknown settlement period {kind!r}; use weekly or monthly")


def confirm_settlement(*, settlement_id: int, note: str = "") -> Settlement:
    """Confirm a draft (or held) statement: its amounts are final."""
    return _move(settlement_id, Settlement.Status.CONFIRMED, note)


def mark_settlement_paid(*, settlement_id: int, note: str = "") -> Settlement:
    """Record that a confirmed statement's payout reached the vendor's account."""
    return _move(settlement_id, Settlement.Status.PAID, note)


def hold_settlement(*, settlement_id: int, note: str = "") -> Settlement:
    """Hold a statement (보류), e.g. while a dispute is open."""
    return _move(settlement_id, Settlement.Status.HELD, note)


def release_settlement(*, settlement_id: int, note: str = "") -> Settlement:
    """Take a held statement back to draft."""
    return _move(settlement_id, Settlement.Status.DRAFT, note)


# --- Internals -----------------------------------------------------------------------


def _book(
    vendor: Vendor,
    source: uuid.UUID,
    amounts: dict[str, Decimal],
    *,
    order_id: int | None,
    occurred_at: dt.datetime,
    cause: str,
    description: str,
) -> list[SettlementEntry]:
    """Write the non-zero ``amounts`` as entries of one source, unless it is booked already."""
    if SettlementEntry.objects.filter(source_uuid=source).exists():
        return []
    entries = [
        SettlementEntry(
            vendor=vendor,
            kind=kind,
            amount=amount,
            source_uuid=source,
            order_id=order_id,
            occurred_at=occurred_at,
            description=description[:255],
        )
        for kind, amount in amounts.items()
        if amount != 0 or kind in (Kind.SALE, Kind.REFUND, Kind.ADJUSTMENT)
    ]
    try:
        with transaction.atomic():  # a concurrent delivery may have booked it meanwhile
            SettlementEntry.objects.bulk_create(entries)
    except IntegrityError:
        return []
    publish(
        LedgerEntriesBooked(
            vendor_id=vendor.pk,
            source=str(source),
            cause=cause,
            amounts={entry.kind: str(entry.amount) for entry in entries},
            order_id=order_id,
        ),
        subject=vendor,
    )
    return entries


def _settle_vendor(
    vendor_id: int, period_start: dt.date, period_end: dt.date, until: dt.datetime
) -> Settlement:
    with transaction.atomic():
        settlement, created = Settlement.objects.get_or_create(
            vendor_id=vendor_id, period_start=period_start, period_end=period_end
        )
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.status != Settlement.Status.DRAFT:
            return settlement
        added = SettlementEntry.objects.filter(
            vendor_id=vendor_id, settlement__isnull=True, occurred_at__lt=until
        ).update(settlement=settlement)
        if not (created or added):
            return settlement
        _recompute(settlement)
        publish(
            SettlementDrafted(
                settlement_id=settlement.pk,
                vendor_id=vendor_id,
                period_start=period_start.isoformat(),
                period_end=period_end.isoformat(),
                created=created,
                entries_added=added,
                payout=str(settlement.payout),
            ),
            subject=settlement,
        )
        return settlement


def _recompute(settlement: Settlement) -> None:
    """Set the statement's totals from its entries (payout = gross - refunds - commission
    + shipping + adjustments)."""
    totals = {
        row["kind"]: row["total"]
        for row in settlement.entries.order_by().values("kind").annotate(total=Sum("amount"))
    }
    settlement.gross = totals.get(Kind.SALE, Decimal(0))
    settlement.refunds = -totals.get(Kind.REFUND, Decimal(0))
    settlement.commission = -totals.get(Kind.COMMISSION, Decimal(0))
    settlement.shipping = totals.get(Kind.SHIPPING, Decimal(0))
    settlement.adjustments = totals.get(Kind.ADJUSTMENT, Decimal(0))
    settlement.payout = (
        settlement.gross
        - settlement.refunds
        - settlement.commission
        + settlement.shipping
        + settlement.adjustments
    )
    settlement.save()


def _move(settlement_id: int, target: str, note: str) -> Settlement:
    with transaction.atomic():
        settlement = Settlement.objects.select_for_update().filter(pk=settlement_id).first()
        if settlement is None:
            raise VendorError("not_found", _("No such settlement."), status_code=404)
        before = settlement.status
        if not settlement.can_become(target):
            raise VendorError(
                VendorErrorCode.INVALID_TRANSITION,
                _("A settlement cannot go from %(before)s to %(after)s.")
                % {
                    "before": settlement.get_status_display(),
                    "after": Settlement.Status(target).label,
                },
                status_code=409,
            )
        settlement.status = target
        now = timezone.now()
        if target == Settlement.Status.CONFIRMED:
            settlement.confirmed_at = now
        elif target == Settlement.Status.PAID:
            settlement.paid_at = now
        if note:
            settlement.note = "\n".join(filter(None, [settlement.note, note]))
        settlement.save()
        publish(
            SettlementStatusChanged(
                settlement_id=settlement.pk,
                vendor_id=settlement.vendor_id,
                before=before,
                after=target,
                note=note,
            ),
            subject=settlement,
        )
        return settlement


def _vendor(vendor_id: int) -> Vendor:
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorError(VendorErrorCode.VENDOR_NOT_FOUND, _("No such vendor."), status_code=404)
    return vendor


def _sum(entries: Any) -> Decimal:
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _amount(value: str, field: str) -> Decimal:
    """Return a non-negative whole-won amount sent as text, or refuse it naming ``field``."""
    try:
        amount = to_decimal(value)
    except (MoneyError, ArithmeticError, ValueError, TypeError) as error:
        raise _bad_amount(field) from error
    if amount < 0 or amount != quantize(amount, "KRW"):
        raise _bad_amount(field)
    return quantize(amount, "KRW")


def _bad_amount(field: str) -> VendorError:
    return VendorError(
        VendorErrorCode.INVALID_AMOUNT,
        _("Not a valid amount of won."),
        fields={field: [_("Enter a whole, non-negative number of won.")]},
    )


def _moment(value: str, field: str) -> dt.datetime:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        raise VendorError(
            VendorErrorCode.INVALID, _("Not a valid time."), fields={field: [_("Use ISO 8601.")]}
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
