"""The order's life after placement: payment, fulfilment per vendor, confirmation, cancellation.

One function per transition; each runs in its own transaction, locks the order row
(``select_for_update``; a vendor part locks its order first, so every path takes locks
in the same order), checks the transition table, changes the rows and publishes one
event. A refused transition raises ``TransitionError`` and changes nothing. A refund
that a cancellation creates also publishes ``RefundRequested`` (see ``claims``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.discounts import release_shares
from orders.events import (
    OrderCancelled,
    OrderPaid,
    OrderPartiallyCancelled,
    OrderShipped,
    PurchaseConfirmed,
    ShipmentStatusChanged,
    TrackingChanged,
)
from orders.exceptions import OrderError, OrderErrorCode, TransitionError
from orders.models import Carrier, Claim, Order, OrderLine, PaymentMethod, VendorShipment
from orders.services.claims import create_refund
from orders.services.common import (
    check_transition,
    lock_order,
    lock_shipment,
    release_lines,
    sync_order_status,
)
from orders.services.shipping import requote_shipment
from promotions import services as promotions
from shop.events import publish
from shop.money import vat_included

ZERO = Decimal(0)
UNSHIPPED = {
    VendorShipment.Status.PENDING_PAYMENT,
    VendorShipment.Status.PAID,
    VendorShipment.Status.PREPARING,
}

# --- Payment ----------------------------------------------------------------------------------


def mark_paid(*, order_id: int, amount: Decimal | str | None = None) -> Order:
    """Move an order awaiting payment to paid (the payments app calls this on capture).

    ``amount``, when given, must equal the order's total: a mismatch never marks it paid.
    """
    with transaction.atomic():
        order = lock_order(order_id)
        check_transition(Order.TRANSITIONS, order.status, Order.Status.PAID)
        if amount is not None and Decimal(str(amount)) != order.total_amount:
            raise OrderError(
                OrderErrorCode.INVALID_TRANSITION,
                _("The amount paid does not match the order total."),
                fields={"amount": [_("The amount paid does not match the order total.")]},
                status_code=409,
            )
        now = timezone.now()
        order.status = Order.Status.PAID
        order.paid_at = now
        order.save(update_fields=["status", "paid_at", "updated_at"])
        VendorShipment.objects.filter(
            order=order, status=VendorShipment.Status.PENDING_PAYMENT
        ).update(status=VendorShipment.Status.PAID, updated_at=now)
        publish(
            OrderPaid(
                order_id=order.pk,
                number=order.number,
                payment_method=order.payment_method,
                amount=str(order.total_amount),
                paid_at=now.isoformat(),
            ),
            subject=order,
        )
        return order


def mark_deposit_confirmed(*, order_id: int) -> Order:
    """Staff saw the bank deposit (무통장입금) arrive: the order becomes paid."""
    order = Order.objects.filter(pk=order_id).only("payment_method").first()
    if order is not None and order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise TransitionError(_("Only a bank-transfer order waits for a deposit."))
    return mark_paid(order_id=order_id)


# --- Fulfilment per vendor part ----------------------------------------------------------------


def move_shipment(shipment: VendorShipment, new: str, **fields: Any) -> str:
    old = shipment.status
    check_transition(
        VendorShipment.TRANSITIONS, old, new, label=_("This vendor's part of the order")
    )
    shipment.status = new
    for name, value in fields.items():
        setattr(shipment, name, value)
    shipment.save(update_fields=["status", "updated_at", *fields])
    return old


def publish_shipment_change(shipment: VendorShipment, old: str) -> None:
    publish(
        ShipmentStatusChanged(
            order_id=shipment.order_id,
            shipment_id=shipment.pk,
            vendor_id=shipment.vendor_id,
            old_status=old,
            new_status=shipment.status,
            order_status=shipment.order.status,
        ),
        subject=shipment.order,
    )


def start_preparing(*, shipment_id: int, vendor_id: int | None = None) -> VendorShipment:
    """The vendor started preparing its part (상품준비중); the buyer can no longer cancel freely."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id, vendor_id=vendor_id)
        old = move_shipment(shipment, VendorShipment.Status.PREPARING)
        sync_order_status(shipment.order)
        publish_shipment_change(shipment, old)
        return shipment


def clean_tracking(carrier: Any, tracking_number: Any) -> tuple[str, str]:
    carrier = str(carrier or "")
    number = "".join(str(tracking_number or "").split()).replace("-", "")
    errors: dict[str, list[str]] = {}
    if carrier not in Carrier.values:
        errors["carrier"] = [_("Choose a carrier.")]
    if not (6 <= len(number) <= 40 and number.isalnum()):
        errors["tracking_number"] = [_("Enter the waybill number (6 to 40 letters or digits).")]
    if errors:
        raise OrderError(OrderErrorCode.INVALID_TRACKING, _("Check the tracking."), fields=errors)
    return carrier, number


def ship(
    *, shipment_id: int, carrier: Any, tracking_number: Any, vendor_id: int | None = None
) -> VendorShipment:
    """The vendor handed its part to a carrier with a waybill number (발송처리)."""
    carrier, number = clean_tracking(carrier, tracking_number)
    with transaction.atomic():
        shipment = lock_shipment(shipment_id, vendor_id=vendor_id)
        now = timezone.now()
        move_shipment(
            shipment,
            VendorShipment.Status.SHIPPED,
            carrier=carrier,
            tracking_number=number,
            shipped_at=now,
        )
        sync_order_status(shipment.order)
        publish(
            OrderShipped(
                order_id=shipment.order_id,
                number=shipment.order.number,
                shipment_id=shipment.pk,
                vendor_id=shipment.vendor_id,
                carrier=carrier,
                tracking_number=number,
                tracking_url=shipment.tracking_url,
                shipped_at=now.isoformat(),
                order_status=shipment.order.status,
            ),
            subject=shipment.order,
        )
        return shipment


def update_tracking(
    *, shipment_id: int, carrier: Any, tracking_number: Any, vendor_id: int | None = None
) -> VendorShipment:
    """Correct the carrier or waybill number of a part already shipped."""
    carrier, number = clean_tracking(carrier, tracking_number)
    with transaction.atomic():
        shipment = lock_shipment(shipment_id, vendor_id=vendor_id)
        if shipment.status != VendorShipment.Status.SHIPPED:
            raise TransitionError(_("Only a shipped parcel's tracking can be corrected."))
        changes = {}
        if carrier != shipment.carrier:
            changes["carrier"] = [shipment.carrier, carrier]
        if number != shipment.tracking_number:
            changes["tracking_number"] = [shipment.tracking_number, number]
        if not changes:
            return shipment
        shipment.carrier, shipment.tracking_number = carrier, number
        shipment.save(update_fields=["carrier", "tracking_number", "updated_at"])
        publish(
            TrackingChanged(
                order_id=shipment.order_id,
                shipment_id=shipment.pk,
                vendor_id=shipment.vendor_id,
                changes=changes,
            ),
            subject=shipment.order,
        )
        return shipment


def mark_delivered(*, shipment_id: int, vendor_id: int | None = None) -> VendorShipment:
    """The parcel reached the buyer (배송완료); automatic confirmation counts from here."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id, vendor_id=vendor_id)
        old = move_shipment(shipment, VendorShipment.Status.DELIVERED, delivered_at=timezone.now())
        sync_order_status(shipment.order)
        publish_shipment_change(shipment, old)
        return shipment


CONFIRMABLE_LINES = {
    OrderLine.Status.ORDERED,
    OrderLine.Status.PARTIALLY_CANCELLED,
    OrderLine.Status.EXCHANGED,
}


def confirm_purchase(*, shipment_id: int, shopper: Any = None) -> VendorShipment:
    """Make one vendor's delivered part final (구매확정): by the buyer, or automatically.

    With ``shopper``, only that member's order can be confirmed. Refused while a return
    or exchange of the part is open. Publishes ``PurchaseConfirmed`` with the amount the
    buyer paid for the live lines, net of earlier refunds, which the vendor's settlement
    books.
    """
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shopper is not None and shipment.order.user_id != getattr(shopper, "pk", None):
            from shop.exceptions import NotFoundError

            raise NotFoundError()
        if Claim.objects.filter(
            shipment=shipment, status__in=[Claim.Status.REQUESTED, Claim.Status.RETURNED]
        ).exists():
            raise TransitionError(_("A return or exchange of this parcel is still open."))
        now = timezone.now()
        move_shipment(shipment, VendorShipment.Status.PURCHASE_CONFIRMED, confirmed_at=now)
        lines = list(
            OrderLine.objects.select_for_update().filter(
                shipment=shipment, status__in=CONFIRMABLE_LINES
            )
        )
        for line in lines:
            check_transition(
                OrderLine.TRANSITIONS, line.status, OrderLine.Status.PURCHASE_CONFIRMED
            )
        OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
            status=OrderLine.Status.PURCHASE_CONFIRMED
        )
        sync_order_status(shipment.order)
        publish(
            PurchaseConfirmed(
                order_id=shipment.order_id,
                order_line_ids=[line.pk for line in lines],
                vendor_id=shipment.vendor_id,
                gross_amount=str(sum((line.live_vendor_amount for line in lines), ZERO)),
                # The vendor is paid the fee less what its own free-shipping coupon took off.
                shipping_amount=str(
                    max(shipment.shipping_fee - shipment.vendor_shipping_discount, ZERO)
                ),
                confirmed_at=now.isoformat(),
                paid_amount=str(sum((line.live_paid_amount for line in lines), ZERO)),
                vendor_discount_amount=str(
                    sum(
                        (
                            line.vendor_discount_amount - line.vendor_discount_released
                            for line in lines
                        ),
                        ZERO,
                    )
                ),
                user_id=shipment.order.user_id,
            ),
            subject=shipment.order,
        )
        return shipment


def due_for_confirmation() -> list[int]:
    """Return the ids of parts delivered at least ORDERS_AUTO_CONFIRM_DAYS ago, no claim open."""
    cutoff = timezone.now() - timedelta(days=settings.ORDERS_AUTO_CONFIRM_DAYS)
    return list(
        VendorShipment.objects.filter(
            status=VendorShipment.Status.DELIVERED, delivered_at__lte=cutoff
        )
        .exclude(claims__status__in=[Claim.Status.REQUESTED, Claim.Status.RETURNED])
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Cancellation and expiry -------------------------------------------------------------------


def cancel_order(*, order_id: int, reason: str = "", shopper: Any = None) -> Order:
    """Cancel the whole order before anything shipped; stock goes back.

    Unpaid: nothing else. Paid: a refund of everything not refunded yet is requested.
    With ``shopper``, only that member's order, and only before the vendor prepares it.
    """
    with transaction.atomic():
        order = lock_order(order_id, shopper=shopper)
        check_transition(Order.TRANSITIONS, order.status, Order.Status.CANCELLED)
        if shopper is not None and order.status == Order.Status.PREPARING:
            raise TransitionError(
                _("The seller is preparing your order; ask for cancellation instead.")
            )
        return cancel_locked(order, reason=str(reason or "")[:200], expired=False)


def cancel_locked(order: Order, *, reason: str, expired: bool) -> Order:
    shipments = list(VendorShipment.objects.select_for_update().filter(order=order))
    if any(s.status not in UNSHIPPED | {VendorShipment.Status.CANCELLED} for s in shipments):
        raise TransitionError(_("A parcel of this order has shipped; request a return instead."))
    old = order.status
    was_paid = old != Order.Status.PENDING_PAYMENT
    lines = list(OrderLine.objects.select_for_update().filter(order=order))
    live = [line for line in lines if line.live_quantity > 0]
    # The coupon goes back to the wallet, once (before stock: the lock order of placement).
    promotions.release(order_id=order.pk)
    refund = None
    if was_paid and live:
        refund = create_refund(
            order,
            kind="cancellation",
            quantities={line: line.live_quantity for line in live},
            shipping={s.vendor_id: paid_shipping(s) for s in shipments},
            reason=reason,
        )
    elif live:
        restore_unpaid_points(order, {line: line.live_quantity for line in live})
    if order.stock_released_at is None:
        release_lines(
            [(line, line.live_quantity, True) for line in live],
            reason=f"order {order.number} cancelled",
        )
    now = timezone.now()
    for line in live:
        line.cancelled_quantity += line.live_quantity
        line.status = OrderLine.Status.CANCELLED
    OrderLine.objects.bulk_update(live, ["cancelled_quantity", "status"])
    VendorShipment.objects.filter(order=order).exclude(
        status=VendorShipment.Status.CANCELLED
    ).update(status=VendorShipment.Status.CANCELLED, updated_at=now)
    order.status = Order.Status.CANCELLED
    order.cancelled_at = now
    order.cancel_reason = reason
    order.stock_released_at = order.stock_released_at or now
    order.save(
        update_fields=["status", "cancelled_at", "cancel_reason", "stock_released_at", "updated_at"]
    )
    publish(
        OrderCancelled(
            order_id=order.pk,
            number=order.number,
            old_status=old,
            reason=reason,
            expired=expired,
            stock_released=True,
            refund_id=refund.pk if refund else None,
        ),
        subject=order,
    )
    return order


def expire_order(*, order_id: int) -> Order:
    """Cancel an unpaid order past its payment deadline and give its stock back, once.

    The status check under the row lock is the guard: a second call (a retried task, two
    beat workers) finds the order cancelled and is refused, so stock returns exactly once.
    """
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != Order.Status.PENDING_PAYMENT:
            raise TransitionError(_("Only an order awaiting payment can expire."))
        if order.payment_expires_at is None or order.payment_expires_at > timezone.now():
            raise TransitionError(_("The payment deadline has not passed yet."))
        return cancel_locked(order, reason=_("Payment deadline passed."), expired=True)


def due_for_expiry() -> list[int]:
    return list(
        Order.objects.filter(
            status=Order.Status.PENDING_PAYMENT, payment_expires_at__lte=timezone.now()
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def partial_cancel(
    *, order_id: int, quantities: Mapping[Any, Any], reason: str = "", shopper: Any = None
) -> Order:
    """Cancel some quantities of lines before their parcel ships; re-quote its shipping.

    ``quantities`` is ``{line_id: quantity}``. Each touched vendor part's shipping fee
    is worked out again by the shipping engine for what remains (a parcel that drops
    below the free-shipping threshold starts paying; an emptied part pays nothing).
    Unpaid: the order's amounts shrink. Paid: a refund is requested for the cancelled
    items and the shipping difference (a higher fee is deducted from it).
    """
    from orders.services.cart import parse_quantity

    wanted: dict[int, int] = {}
    for raw_id, raw_quantity in quantities.items():
        if not str(raw_id).isdigit():
            raise OrderError(
                OrderErrorCode.INVALID_LINE,
                _("Choose lines of this order."),
                fields={f"lines.{raw_id}": [_("Choose lines of this order.")]},
            )
        wanted[int(raw_id)] = parse_quantity(raw_quantity, field=f"lines.{raw_id}")
    if not wanted:
        raise OrderError(
            OrderErrorCode.INVALID_LINE,
            _("Choose what to cancel."),
            fields={"lines": [_("Choose what to cancel.")]},
        )
    with transaction.atomic():
        order = lock_order(order_id, shopper=shopper)
        lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update()
            .select_related("shipment")
            .filter(order=order, pk__in=wanted)
        }
        errors = {}
        for line_id, quantity in wanted.items():
            line = lines.get(line_id)
            if line is None:
                errors[f"lines.{line_id}"] = [_("Choose lines of this order.")]
            elif line.shipment.status not in UNSHIPPED:
                errors[f"lines.{line_id}"] = [_("This line has shipped; request a return.")]
            elif quantity > line.live_quantity:
                errors[f"lines.{line_id}"] = [
                    _("At most %(n)d can be cancelled.") % {"n": line.live_quantity}
                ]
        if errors:
            raise TransitionError(_("These lines cannot be cancelled."), fields=errors)
        if order.status not in {
            Order.Status.PENDING_PAYMENT,
            Order.Status.PAID,
            Order.Status.PREPARING,
        }:
            raise TransitionError(_("This order can no longer be cancelled."))
        was_paid = order.status != Order.Status.PENDING_PAYMENT
        if order.points_amount > 0 and order.user_id is not None:
            promotions.lock_account(order.user_id)  # before stock, as placement does
        cancelled_lines = [(lines[pk], q) for pk, q in wanted.items()]
        release_lines(
            [(line, q, q == line.live_quantity) for line, q in cancelled_lines],
            reason=f"order {order.number} partly cancelled",
        )
        items_refund: dict[OrderLine, int] = {}
        for line, quantity in cancelled_lines:
            new_status = (
                OrderLine.Status.CANCELLED
                if quantity == line.live_quantity
                else OrderLine.Status.PARTIALLY_CANCELLED
            )
            check_transition(OrderLine.TRANSITIONS, line.status, new_status, label=str(line))
            items_refund[line] = quantity
            line.cancelled_quantity += quantity
            line.status = new_status
            line.save(update_fields=["cancelled_quantity", "status"])
        shipments = {line.shipment_id: line.shipment for line, _q in cancelled_lines}
        fees: dict[str, list[str]] = {}
        shipping_delta: dict[int, Decimal] = {}
        shipping_discount_delta: dict[int, Decimal] = {}
        for shipment in shipments.values():
            old_fee = shipment.shipping_fee
            old_paid = paid_shipping(shipment)
            new_fee = requote_shipment(shipment, order)
            fees[str(shipment.vendor_id)] = [str(old_fee), str(new_fee)]
            # A free-shipping coupon covers at most what it covered at placement.
            new_discount = min(shipment.shipping_discount, new_fee)
            shipping_discount_delta[shipment.vendor_id] = shipment.shipping_discount - new_discount
            shipment.shipping_discount = new_discount
            shipment.vendor_shipping_discount = min(shipment.vendor_shipping_discount, new_discount)
            shipment.shipping_fee = new_fee
            shipping_delta[shipment.vendor_id] = old_paid - paid_shipping(shipment)
            discount_fields = ["shipping_discount", "vendor_shipping_discount"]
            if not shipment.lines.exclude(status=OrderLine.Status.CANCELLED).exists():
                move_shipment(
                    shipment,
                    VendorShipment.Status.CANCELLED,
                    shipping_fee=new_fee,
                    shipping_discount=new_discount,
                    vendor_shipping_discount=shipment.vendor_shipping_discount,
                )
            else:
                shipment.save(update_fields=["shipping_fee", *discount_fields, "updated_at"])
        refund = None
        if was_paid:
            refund = create_refund(
                order,
                kind="cancellation",
                quantities=items_refund,
                shipping=shipping_delta,
                reason=reason,
                whole_lines={line.pk for line in items_refund if line.live_quantity == 0},
            )
        else:
            shrink_unpaid_order(order, items_refund, shipping_delta, shipping_discount_delta)
        sync_order_status(order)
        if order.status == Order.Status.CANCELLED:
            promotions.release(order_id=order.pk)
            order.cancelled_at = timezone.now()
            order.stock_released_at = order.cancelled_at
            order.save(update_fields=["cancelled_at", "stock_released_at"])
        publish(
            OrderPartiallyCancelled(
                order_id=order.pk,
                lines={str(line.pk): q for line, q in items_refund.items()},
                shipping_fees=fees,
                refund_id=refund.pk if refund else None,
                reason=str(reason or "")[:200],
            ),
            subject=order,
        )
        return order


def paid_shipping(shipment: VendorShipment) -> Decimal:
    """What the buyer pays for a part's shipping: its fee less a free-shipping coupon."""
    return max(shipment.shipping_fee - shipment.shipping_discount, ZERO)


def give_back_points(order: Order, points: Decimal) -> None:
    """Return ``points`` of an order's cancelled items to the member, once per step.

    The source holds the points the order's lines gave back so far, which grows with
    every cancellation that returns any, so a step never returns its points twice.
    """
    if points <= 0 or order.user_id is None:
        return
    released = OrderLine.objects.filter(order=order).aggregate(total=Sum("points_released"))
    promotions.restore_points(
        user_id=order.user_id,
        amount=int(points),
        order_id=order.pk,
        source=f"order:{order.pk}:cancel:{released['total']}",
    )


def restore_unpaid_points(order: Order, cancelled: Mapping[OrderLine, int]) -> None:
    """An unpaid order is cancelled whole: its lines' points go back to the member."""
    points = ZERO
    for line, quantity in cancelled.items():
        points += release_shares(line, quantity, whole=True).points
    give_back_points(order, points)


def shrink_unpaid_order(
    order: Order,
    cancelled: Mapping[OrderLine, int],
    shipping_delta: Mapping[int, Decimal],
    shipping_discount_delta: Mapping[int, Decimal],
) -> None:
    """Lower an unpaid order's amounts by what was cancelled: the buyer pays the rest.

    The cancelled items' shares of the discounts and points come off too (the points go
    back to the member), and so does what a free-shipping coupon no longer covers.
    """
    items = extras = tax_free = discount = points = ZERO
    for line, quantity in cancelled.items():
        addons = line.addons_amount if line.live_quantity == 0 else ZERO
        items += line.unit_price * quantity + addons
        extras += line.extra_price * quantity
        shares = release_shares(line, quantity, whole=line.live_quantity == 0)
        discount += shares.discount
        points += shares.points
        if line.is_tax_free:
            tax_free += line.unit_total * quantity + addons - shares.discount - shares.points
    give_back_points(order, points)
    order.items_amount -= items
    order.option_extras_amount -= extras
    shipping_discount = sum(shipping_discount_delta.values(), ZERO)
    order.shipping_amount -= sum(shipping_delta.values(), ZERO) + shipping_discount
    order.discount_amount -= discount + shipping_discount
    order.points_amount -= points
    order.tax_free_amount -= tax_free
    order.total_amount = (
        order.items_amount
        + order.option_extras_amount
        + order.shipping_amount
        - order.discount_amount
        - order.points_amount
    )
    order.vat_amount = vat_included(order.total_amount, tax_free=order.tax_free_amount)
    order.save(
        update_fields=[
            "items_amount",
            "option_extras_amount",
            "shipping_amount",
            "discount_amount",
            "points_amount",
            "tax_free_amount",
            "total_amount",
            "vat_amount",
            "updated_at",
        ]
    )
