"""The points ledger (적립금): earn, spend, expire, restore, adjust.

Every movement locks the member's ``PointAccount`` row first (created on first use), then
appends one ``PointEntry`` and moves the account's balance by the same amount, in one
transaction with one ``PointsChanged`` event. The balance is therefore the sum of the
ledger, and the lock makes two checkouts spending the same balance run one after the
other: the second sees what the first left and is refused if it is not enough (the
CHECK on the balance is the last guard).

A cause books once: ``source`` is unique ("review:12", "order:5:spend"), and a second
call with the same source returns ``None`` without booking.

Expiry is first-in first-out. Every credit (earn, restore, positive adjustment) expires
``PROMOTIONS_POINTS_EXPIRY_DAYS`` after it is booked, so credits expire in the order
they were booked and every debit uses the oldest credits first. What is due to expire
at a moment is then the credits expiring by then minus every debit so far (spent,
expired, taken off), when positive; expiring it is a debit, so a second run finds
nothing more.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from promotions.events import PointsChanged
from promotions.exceptions import PromotionError, PromotionErrorCode
from promotions.models import PointAccount, PointEntry
from shop.events import publish

Kind = PointEntry.Kind


def lock_account(user_id: int) -> PointAccount:
    """Return the member's account row locked until the transaction ends (created if new)."""
    # ON CONFLICT DO NOTHING: two first movements at once do not collide on the insert.
    PointAccount.objects.bulk_create([PointAccount(user_id=user_id)], ignore_conflicts=True)
    return PointAccount.objects.select_for_update().get(user_id=user_id)


def book(
    *,
    user_id: int,
    kind: str,
    amount: int,
    reason: str,
    source: str | None = None,
    order_id: int | None = None,
    created_by: Any = None,
    now: Any = None,
) -> PointEntry | None:
    """Append one movement and move the balance; ``None`` when ``source`` booked already.

    Raise ``PromotionError`` when a debit is larger than the balance.
    """
    amount = int(amount)
    if amount == 0:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        account = lock_account(user_id)
        if source and PointEntry.objects.filter(source=source).exists():
            return None
        balance = account.balance + amount
        if balance < 0:
            raise PromotionError(
                PromotionErrorCode.INSUFFICIENT_POINTS,
                _("You have %(balance)s points.") % {"balance": f"{account.balance:,}"},
                fields={"points": [_("You do not have that many points.")]},
                status_code=409,
            )
        entry = PointEntry.objects.create(
            user_id=user_id,
            kind=kind,
            amount=amount,
            balance_after=balance,
            reason=str(reason)[:200],
            source=source or None,
            order_id=order_id,
            expires_at=now + timedelta(days=settings.PROMOTIONS_POINTS_EXPIRY_DAYS)
            if amount > 0
            else None,
            created_by=created_by if getattr(created_by, "pk", None) else None,
            created_at=now,
        )
        account.balance = balance
        account.save(update_fields=["balance", "updated_at"])
        publish(
            PointsChanged(
                user_id=user_id,
                entry_id=entry.pk,
                kind=kind,
                amount=amount,
                balance_after=balance,
                reason=entry.reason,
                source=entry.source,
                order_id=order_id,
            )
        )
        return entry


def earn_points(*, user: Any, amount: int, reason: str, source: str) -> PointEntry | None:
    """Give ``amount`` points to a member for ``source`` (e.g. "review:123"), once.

    A second call with the same ``source`` grants nothing and returns ``None``; so does
    an amount of zero or less, or a guest.
    """
    if user is None or not getattr(user, "pk", None) or int(amount) <= 0:
        return None
    if not str(source or "").strip():
        raise PromotionError(
            PromotionErrorCode.INVALID_POINTS,
            _("Points need a source."),
            fields={"source": [_("This field is required.")]},
        )
    return book(user_id=user.pk, kind=Kind.EARN, amount=int(amount), reason=reason, source=source)


def spend_points(*, user_id: int, amount: int, order_id: int) -> PointEntry | None:
    """Use ``amount`` points for an order, once per order (the order's transaction)."""
    return book(
        user_id=user_id,
        kind=Kind.SPEND,
        amount=-int(amount),
        reason=_("Used for an order"),
        source=f"order:{order_id}:spend",
        order_id=order_id,
    )


def restore_points(*, user_id: int, amount: int, order_id: int, source: str) -> PointEntry | None:
    """Give back points an order used, once per ``source`` (a cancellation, a refund)."""
    if int(amount) <= 0:
        return None
    return book(
        user_id=user_id,
        kind=Kind.RESTORE,
        amount=int(amount),
        reason=_("Returned from a cancelled order"),
        source=source,
        order_id=order_id,
    )


def adjust_points(*, user: Any, amount: Any, reason: str, staff: Any) -> PointEntry | None:
    """Staff add (positive) or take off (negative) points, always with a reason."""
    errors: dict[str, list[str]] = {}
    try:
        value = int(Decimal(str(amount).strip()))
        if Decimal(str(amount).strip()) != value or value == 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["amount"] = [_("Enter a whole number of points other than 0.")]
        value = 0
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the points change.")]
    if errors:
        raise PromotionError(
            PromotionErrorCode.INVALID_POINTS, _("Check the adjustment."), fields=errors
        )
    # No source: an adjustment always books.
    return book(user_id=user.pk, kind=Kind.ADJUST, amount=value, reason=reason, created_by=staff)


def due_to_expire(*, user_id: int, now: Any = None) -> int:
    """Return how many of the member's points have expired and are not yet written off."""
    now = now or timezone.now()
    entries = PointEntry.objects.filter(user_id=user_id)
    credits_due = (
        entries.filter(amount__gt=0, expires_at__lte=now).aggregate(s=Sum("amount"))["s"] or 0
    )
    debits = -(entries.filter(amount__lt=0).aggregate(s=Sum("amount"))["s"] or 0)
    return max(credits_due - debits, 0)


def expire_points(*, user_id: int, now: Any = None) -> PointEntry | None:
    """Write off the member's expired points (one ``expire`` entry), if any."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_account(user_id)
        amount = due_to_expire(user_id=user_id, now=now)
        if amount <= 0:
            return None
        return book(
            user_id=user_id,
            kind=Kind.EXPIRE,
            amount=-amount,
            reason=_("Expired"),
            now=now,
        )


def members_with_expired_points(*, now: Any = None) -> list[int]:
    """Return the ids of members holding a credit past its expiry (candidates to expire)."""
    now = now or timezone.now()
    return list(
        PointEntry.objects.filter(amount__gt=0, expires_at__lte=now)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def usable_points(*, balance: int, requested: int, payable: Decimal) -> tuple[int, str]:
    """Return the points a checkout may use of ``requested`` and why not, if refused.

    Rules (settings): the balance must reach ``PROMOTIONS_POINTS_MIN_BALANCE`` to use any,
    and at most ``PROMOTIONS_POINTS_MAX_SHARE_PERCENT`` percent of the items' price after
    discounts (shipping excluded) is paid with points.
    """
    if requested <= 0:
        return 0, ""
    cap = int(payable * Decimal(settings.PROMOTIONS_POINTS_MAX_SHARE_PERCENT) / 100)
    minimum = settings.PROMOTIONS_POINTS_MIN_BALANCE
    if balance < minimum:
        return 0, _("Points can be used from a balance of %(min)s.") % {"min": f"{minimum:,}"}
    if requested > balance:
        return 0, _("You have %(balance)s points.") % {"balance": f"{balance:,}"}
    if requested > cap:
        return 0, _("You can use at most %(cap)s points on this order.") % {"cap": f"{cap:,}"}
    return requested, ""


def earn_for_purchase(
    *, user_id: int, order_id: int, vendor_id: int, paid_amount: Decimal | str
) -> PointEntry | None:
    """Give points on a confirmed purchase (구매확정 적립) at the member's grade rate, once.

    ``paid_amount`` is what the buyer paid for the confirmed lines after discounts and
    points; the rate (a fraction) is the member's grade's now; rounded down to a point.
    """
    from accounts.models import User
    from accounts.selectors import member_benefits

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    rate = member_benefits(user).point_rate
    amount = int(Decimal(str(paid_amount)) * rate)
    return earn_points(
        user=user,
        amount=amount,
        reason=_("Purchase confirmed"),
        source=f"purchase:{order_id}:{vendor_id}",
    )
