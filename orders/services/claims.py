"""Refunds, returns and exchanges: each transition in its own transaction with one event.

A refund is a record; the payments app executes it at the provider when it hears
``RefundRequested`` and then calls ``complete_refund``; staff complete a bank-transfer
refund by hand once they paid it out. Completing publishes ``OrderLineRefunded`` once per
vendor of the refund, the contract the vendors' settlement ledger books from.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.discounts import release_shares
from orders.events import (
    ClaimRequested,
    ClaimStatusChanged,
    OrderLineRefunded,
    RefundCompleted,
    RefundRequested,
)
from orders.exceptions import OrderError, OrderErrorCode, TransitionError
from orders.models import Claim, ClaimLine, Order, OrderLine, Refund, RefundLine, VendorShipment
from orders.services.common import check_transition, lock_order, lock_shipment
from promotions import services as promotions
from shop.events import publish
from shop.exceptions import NotFoundError

ZERO = Decimal(0)


def create_refund(
    order: Order,
    *,
    kind: str,
    quantities: Mapping[OrderLine, int],
    shipping: Mapping[int, Decimal],
    reason: str = "",
    whole_lines: set[int] | None = None,
    deductions: Mapping[int, Decimal] | None = None,
) -> Refund:
    """Record money owed back for ``quantities`` of lines and publish ``RefundRequested``.

    ``shipping`` is ``{vendor_id: shipping fee given back}``; a negative value (the fee
    rose after a partial cancellation) and ``deductions`` (a vendor's return fee) are
    taken off. Add-on items are refunded with a line that goes entirely.

    Each line gives back its share of the order's discounts and points
    (``orders.discounts.release_shares``): the buyer gets what they paid for those
    items, the points part as points (returned now, once per refund) and the rest as
    money. The vendor's part is the items' price after the discounts the vendor bore,
    the measure its settlement booked the sale at.
    """
    if whole_lines is None:
        whole_lines = {line.pk for line, q in quantities.items() if q == line.live_quantity}
    parts: dict[int, dict[str, Decimal]] = {}
    items = tax_free = points = ZERO
    refund_lines = []
    for line, quantity in quantities.items():
        whole = line.pk in whole_lines
        gross = line.unit_total * quantity + (line.addons_amount if whole else 0)
        shares = release_shares(line, quantity, whole=whole)
        amount = gross - shares.discount
        items += amount
        points += shares.points
        if line.is_tax_free:
            tax_free += amount - shares.points
        part = parts.setdefault(line.vendor_id, {"amount": ZERO, "shipping_amount": ZERO})
        part["amount"] += gross - shares.vendor_discount
        refund_lines.append(RefundLine(order_line=line, quantity=quantity, amount=amount))
    deduction = sum((max(-fee, ZERO) for fee in shipping.values()), ZERO)
    deduction += sum((deductions or {}).values(), ZERO)
    shipping_back = ZERO
    for vendor_id, fee in shipping.items():
        if fee > 0:
            part = parts.setdefault(vendor_id, {"amount": ZERO, "shipping_amount": ZERO})
            part["shipping_amount"] += fee
            shipping_back += fee
    deduction = min(deduction, items + shipping_back - points)  # never below zero
    amount = items + shipping_back - deduction - points
    refund = Refund.objects.create(
        order=order,
        kind=kind,
        reason=reason[:200],
        items_amount=items,
        shipping_amount=shipping_back,
        deduction_amount=deduction,
        points_amount=points,
        amount=amount,
        tax_free_amount=min(tax_free, amount),
        vendor_parts={
            str(vendor_id): {key: str(value) for key, value in part.items()}
            for vendor_id, part in sorted(parts.items())
        },
    )
    for line in refund_lines:
        line.refund = refund
    RefundLine.objects.bulk_create(refund_lines)
    if points > 0 and order.user_id is not None:
        promotions.restore_points(
            user_id=order.user_id,
            amount=int(points),
            order_id=order.pk,
            source=f"refund:{refund.pk}",
        )
    publish(
        RefundRequested(
            order_id=order.pk,
            refund_id=refund.pk,
            kind=kind,
            payment_method=order.payment_method,
            amount=str(refund.amount),
            tax_free_amount=str(refund.tax_free_amount),
            shipping_amount=str(refund.shipping_amount),
            deduction_amount=str(refund.deduction_amount),
            points_amount=str(refund.points_amount),
        ),
        subject=order,
    )
    return refund


def complete_refund(*, refund_id: int, completed_by: Any = None, note: str = "") -> Refund:
    """Mark a refund executed (by the payments app, or staff after paying out a transfer)."""
    with transaction.atomic():
        order_id = Refund.objects.filter(pk=refund_id).values_list("order_id", flat=True).first()
        if order_id is None:
            raise NotFoundError()
        order = lock_order(order_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        check_transition(
            Refund.TRANSITIONS, refund.status, Refund.Status.COMPLETED, label=_("This refund")
        )
        now = timezone.now()
        refund.status = Refund.Status.COMPLETED
        refund.completed_at = now
        refund.completed_by = completed_by if getattr(completed_by, "pk", None) else None
        refund.note = str(note or "")[:200]
        refund.save(update_fields=["status", "completed_at", "completed_by", "note", "updated_at"])
        publish(
            RefundCompleted(
                order_id=order.pk,
                refund_id=refund.pk,
                amount=str(refund.amount),
                completed_at=now.isoformat(),
            ),
            subject=order,
        )
        claim = Claim.objects.select_for_update().filter(refund=refund).first()
        if claim is not None:
            settle_returned_claim(claim)
        for vendor_id, part in sorted(refund.vendor_parts.items()):
            publish(
                OrderLineRefunded(
                    order_id=order.pk,
                    vendor_id=int(vendor_id),
                    refund_id=refund.pk,
                    amount=part["amount"],
                    shipping_amount=part["shipping_amount"],
                ),
                subject=order,
            )
        return refund


def settle_returned_claim(claim: Claim) -> None:
    """The refund of a return went through: the claim and its lines end refunded."""
    check_transition(Claim.TRANSITIONS[claim.kind], claim.status, Claim.Status.REFUNDED)
    claim.status = Claim.Status.REFUNDED
    claim.save(update_fields=["status", "updated_at"])
    ids = claim.lines.values_list("order_line_id", flat=True)
    for line in OrderLine.objects.select_for_update().filter(pk__in=list(ids)):
        new = (
            OrderLine.Status.REFUNDED
            if line.live_quantity == 0
            else OrderLine.Status.PARTIALLY_CANCELLED
        )
        check_transition(OrderLine.TRANSITIONS, line.status, new, label=str(line))
        line.status = new
        line.save(update_fields=["status"])


# --- Returns and exchanges ---------------------------------------------------------------------

CLAIMABLE = {
    OrderLine.Status.ORDERED,
    OrderLine.Status.PARTIALLY_CANCELLED,
    OrderLine.Status.EXCHANGED,
}


def request_claim(
    *,
    shipment_id: int,
    kind: str,
    quantities: Mapping[Any, Any],
    reason: str,
    shopper: Any = None,
) -> Claim:
    """The buyer asks to return (반품) or exchange (교환) delivered lines of one vendor's part."""
    from orders.services.cart import parse_quantity

    if kind not in Claim.Kind.values:
        raise OrderError(
            OrderErrorCode.INVALID_CLAIM,
            _("Choose return or exchange."),
            fields={"kind": [_("Choose return or exchange.")]},
        )
    reason = str(reason or "").strip()
    if not reason:
        raise OrderError(
            OrderErrorCode.INVALID_CLAIM,
            _("Tell the seller why."),
            fields={"reason": [_("This field is required.")]},
        )
    wanted = {}
    for raw_id, raw_quantity in quantities.items():
        if not str(raw_id).isdigit():
            raise OrderError(
                OrderErrorCode.INVALID_LINE,
                _("Choose lines of this parcel."),
                fields={f"lines.{raw_id}": [_("Choose lines of this parcel.")]},
            )
        wanted[int(raw_id)] = parse_quantity(raw_quantity, field=f"lines.{raw_id}")
    if not wanted:
        raise OrderError(
            OrderErrorCode.INVALID_LINE,
            _("Choose what to send back."),
            fields={"lines": [_("Choose what to send back.")]},
        )
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shopper is not None and shipment.order.user_id != getattr(shopper, "pk", None):
            raise NotFoundError()
        if shipment.status != VendorShipment.Status.DELIVERED:
            raise TransitionError(_("Returns and exchanges open once the parcel is delivered."))
        lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update().filter(
                shipment=shipment, pk__in=wanted
            )
        }
        errors = {}
        new_status = (
            OrderLine.Status.RETURN_REQUESTED
            if kind == Claim.Kind.RETURN
            else OrderLine.Status.EXCHANGE_REQUESTED
        )
        for line_id, quantity in wanted.items():
            line = lines.get(line_id)
            if line is None:
                errors[f"lines.{line_id}"] = [_("Choose lines of this parcel.")]
            elif line.status not in CLAIMABLE or new_status not in OrderLine.TRANSITIONS.get(
                line.status, ()
            ):
                errors[f"lines.{line_id}"] = [_("This line cannot be sent back now.")]
            elif quantity > line.live_quantity:
                errors[f"lines.{line_id}"] = [
                    _("At most %(n)d can be sent back.") % {"n": line.live_quantity}
                ]
        if errors:
            raise TransitionError(_("These lines cannot be sent back."), fields=errors)
        fee = shipment.return_fee if kind == Claim.Kind.RETURN else shipment.exchange_fee
        claim = Claim.objects.create(
            order_id=shipment.order_id, shipment=shipment, kind=kind, reason=reason[:500], fee=fee
        )
        ClaimLine.objects.bulk_create(
            ClaimLine(claim=claim, order_line_id=pk, quantity=q) for pk, q in wanted.items()
        )
        OrderLine.objects.filter(pk__in=list(wanted)).update(status=new_status)
        publish(
            ClaimRequested(
                order_id=shipment.order_id,
                claim_id=claim.pk,
                kind=kind,
                vendor_id=shipment.vendor_id,
                lines={str(pk): q for pk, q in wanted.items()},
                reason=reason[:500],
            ),
            subject=shipment.order,
        )
        return claim


def lock_claim(claim_id: Any, vendor_id: int | None) -> Claim:
    queryset = Claim.objects.all()
    if vendor_id is not None:
        queryset = queryset.filter(shipment__vendor_id=vendor_id)
    try:
        shipment_id = queryset.values_list("shipment_id", flat=True).get(pk=int(claim_id))
    except (Claim.DoesNotExist, TypeError, ValueError):
        raise NotFoundError() from None
    lock_shipment(shipment_id)
    return Claim.objects.select_for_update().select_related("shipment", "order").get(pk=claim_id)


def move_claim(claim: Claim, new: str, *, note: str = "", refund: Refund | None = None) -> None:
    old = claim.status
    check_transition(Claim.TRANSITIONS[claim.kind], old, new, label=_("This request"))
    claim.status = new
    claim.resolved_at = timezone.now()
    claim.resolution_note = str(note or "")[:200]
    if refund is not None:
        claim.refund = refund
    claim.save(update_fields=["status", "resolved_at", "resolution_note", "refund", "updated_at"])
    publish(
        ClaimStatusChanged(
            order_id=claim.order_id,
            claim_id=claim.pk,
            kind=claim.kind,
            vendor_id=claim.shipment.vendor_id,
            old_status=old,
            new_status=new,
            refund_id=refund.pk if refund else None,
        ),
        subject=claim.order,
    )


def claim_lines(claim: Claim) -> list[tuple[OrderLine, int]]:
    items = list(claim.lines.all())
    lines = OrderLine.objects.select_for_update().in_bulk([item.order_line_id for item in items])
    return [(lines[item.order_line_id], item.quantity) for item in items]


def mark_returned(*, claim_id: int, vendor_id: int | None = None, note: str = "") -> Claim:
    """The vendor received the returned goods: a refund less its return fee is requested.

    Returned goods are not put back on sale automatically: the vendor inspects them and
    adjusts stock by hand.
    """
    with transaction.atomic():
        claim = lock_claim(claim_id, vendor_id)
        if claim.kind != Claim.Kind.RETURN:
            raise TransitionError(_("Only a return can be marked returned."))
        check_transition(Claim.TRANSITIONS[claim.kind], claim.status, Claim.Status.RETURNED)
        lines = claim_lines(claim)
        quantities = {}
        whole = set()
        for line, quantity in lines:
            check_transition(OrderLine.TRANSITIONS, line.status, OrderLine.Status.RETURNED)
            if quantity == line.live_quantity:
                whole.add(line.pk)
            quantities[line] = quantity
        refund = create_refund(
            claim.order,
            kind="return",
            quantities=quantities,
            shipping={},
            reason=claim.reason,
            whole_lines=whole,
            deductions={claim.shipment.vendor_id: claim.fee},
        )
        for line, quantity in lines:
            line.returned_quantity += quantity
            line.status = OrderLine.Status.RETURNED
            line.save(update_fields=["returned_quantity", "status"])
        move_claim(claim, Claim.Status.RETURNED, note=note, refund=refund)
        return claim


def mark_exchanged(*, claim_id: int, vendor_id: int | None = None, note: str = "") -> Claim:
    """The vendor sent the replacement: the lines count as exchanged."""
    with transaction.atomic():
        claim = lock_claim(claim_id, vendor_id)
        if claim.kind != Claim.Kind.EXCHANGE:
            raise TransitionError(_("Only an exchange can be marked exchanged."))
        check_transition(Claim.TRANSITIONS[claim.kind], claim.status, Claim.Status.EXCHANGED)
        for line, _quantity in claim_lines(claim):
            check_transition(OrderLine.TRANSITIONS, line.status, OrderLine.Status.EXCHANGED)
            line.status = OrderLine.Status.EXCHANGED
            line.save(update_fields=["status"])
        move_claim(claim, Claim.Status.EXCHANGED, note=note)
        return claim


def reject_claim(*, claim_id: int, note: str, vendor_id: int | None = None) -> Claim:
    """Refuse a return or exchange request; its lines go back to where they were."""
    if not str(note or "").strip():
        raise OrderError(
            OrderErrorCode.INVALID_CLAIM,
            _("Tell the buyer why."),
            fields={"note": [_("This field is required.")]},
        )
    with transaction.atomic():
        claim = lock_claim(claim_id, vendor_id)
        check_transition(Claim.TRANSITIONS[claim.kind], claim.status, Claim.Status.REJECTED)
        for line, _quantity in claim_lines(claim):
            back = (
                OrderLine.Status.PARTIALLY_CANCELLED
                if line.cancelled_quantity or line.returned_quantity
                else OrderLine.Status.ORDERED
            )
            check_transition(OrderLine.TRANSITIONS, line.status, back)
            line.status = back
            line.save(update_fields=["status"])
        move_claim(claim, Claim.Status.REJECTED, note=note)
        return claim
