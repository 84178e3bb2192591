"""Member grades: the confirmed purchases they are earned by, and their recompute.

The orders app copies each purchase confirmation here (``record_confirmed_purchase``,
called by orders.listeners: orders is above accounts and may call down, never the
reverse). The daily beat job ``accounts.tasks.recompute_grades`` lets purchases older
than the window age out.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.events import MemberGradeChanged
from accounts.models import ConfirmedPurchase, MemberGrade, User
from shop.events import publish
from shop.money import to_decimal


def months_ago(moment: datetime, months: int) -> datetime:
    """Return ``moment`` moved back ``months`` calendar months (31 March - 1 = 28/29 Feb)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def qualifying_grade(
    grades: Iterable[MemberGrade], count: int, amount: Decimal
) -> MemberGrade | None:
    """Return the highest grade whose non-zero thresholds ``count`` and ``amount`` reach."""
    best = None
    for grade in sorted(grades, key=lambda g: g.position):
        if count >= grade.min_purchase_count and amount >= grade.min_purchase_amount:
            best = grade
    return best


@transaction.atomic
def record_confirmed_purchase(
    *, user_id: int, order_id: int, vendor_id: int, amount: Decimal | str, confirmed_at: datetime
) -> ConfirmedPurchase:
    """Count one vendor part of a member's order as a confirmed purchase; regrade them.

    Idempotent: the same (order, vendor) recorded again changes nothing. The member's
    row is locked first, so two confirmations at once are counted one after the other.
    """
    lock_member(user_id)
    purchase, _created = ConfirmedPurchase.objects.get_or_create(
        order_id=order_id,
        vendor_id=vendor_id,
        defaults={"user_id": user_id, "amount": to_decimal(amount), "confirmed_at": confirmed_at},
    )
    recompute_grade(user_id=user_id)
    return purchase


@transaction.atomic
def record_purchase_refund(*, order_id: int, vendor_id: int, amount: Decimal | str) -> None:
    """Lower a confirmed purchase by a refund made after confirmation; regrade the member.

    A refund before confirmation is already out of the confirmed amount: nothing to do.
    """
    purchase = (
        ConfirmedPurchase.objects.select_for_update()
        .filter(order_id=order_id, vendor_id=vendor_id)
        .first()
    )
    if purchase is None:
        return
    lock_member(purchase.user_id)
    purchase.amount = max(Decimal(0), purchase.amount - to_decimal(amount))
    purchase.save(update_fields=["amount"])
    recompute_grade(user_id=purchase.user_id)


def window_start(now: datetime | None = None) -> datetime:
    return months_ago(now or timezone.now(), settings.ACCOUNTS_GRADE_WINDOW_MONTHS)


def lock_member(user_id: int) -> None:
    """Lock the member's row until the transaction ends.

    Every grade change of a member takes it before summing their purchases: two
    purchases confirmed at once would otherwise each be summed without the other,
    and neither would raise the grade both together earn.
    """
    User.objects.select_for_update().filter(pk=user_id).first()


@transaction.atomic
def recompute_grade(*, user_id: int, now: datetime | None = None) -> MemberGrade | None:
    """Give one member the grade their confirmed purchases in the window earn."""
    lock_member(user_id)
    figures = ConfirmedPurchase.objects.filter(
        user_id=user_id, confirmed_at__gte=window_start(now)
    ).aggregate(count=Count("order_id", distinct=True), amount=Sum("amount"))
    grades = list(MemberGrade.objects.all())
    count, amount = figures["count"] or 0, figures["amount"] or Decimal(0)
    return _apply(user_id, grades, qualifying_grade(grades, count, amount), count, amount)


def recompute_grades(*, now: datetime | None = None) -> int:
    """Regrade every member from their confirmed purchases in the window.

    One aggregate query for all figures; only members whose grade changes are written,
    each in its own short transaction with its event. Returns how many changed.
    """
    grades = list(MemberGrade.objects.all())
    if not grades:
        return 0
    figures = {
        row["user_id"]: (row["count"], row["amount"])
        for row in ConfirmedPurchase.objects.filter(confirmed_at__gte=window_start(now))
        .values("user_id")
        .annotate(count=Count("order_id", distinct=True), amount=Sum("amount"))
    }
    default_id = min(grades, key=lambda g: g.position).pk
    changed = 0
    for user_id, grade_id in User.objects.values_list("pk", "grade_id").iterator():
        count, amount = figures.get(user_id, (0, Decimal(0)))
        target = qualifying_grade(grades, count, amount)
        if (target.pk if target else None) != (grade_id or default_id):
            with transaction.atomic():
                _apply(user_id, grades, target, count, amount)
            changed += 1
    return changed


def _apply(
    user_id: int,
    grades: list[MemberGrade],
    grade: MemberGrade | None,
    count: int,
    amount: Decimal,
) -> MemberGrade | None:
    """Set the member's grade under their row lock; publish MemberGradeChanged if it moved.

    No grade yet means the default grade, so a new member is not "changed" to it.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("grade").get(pk=user_id)
    default_id = min(grades, key=lambda g: g.position).pk if grades else None
    if (user.grade_id or default_id) == (grade.pk if grade else None):
        return grade
    old = user.grade.code if user.grade else None
    user.grade, user.grade_changed_at = grade, timezone.now()
    user.save(update_fields=["grade", "grade_changed_at"])
    publish(
        MemberGradeChanged(
            user_id=user_id,
            old_grade=old,
            new_grade=grade.code if grade else None,
            purchase_count=count,
            purchase_amount=str(amount),
        ),
        subject=user,
    )
    return grade
