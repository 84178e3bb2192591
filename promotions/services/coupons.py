"""Coupons: creating them, putting them in wallets, using them at checkout, freeing them.

A member holds copies (``UserCoupon``) of a coupon, at most its ``per_customer_limit``;
each copy is used by one order. Using one is two conditional UPDATEs in the order's
transaction: the copy from unused to used, and the coupon's ``redeemed_count`` up by
one only while it is under the usage limit. Concurrent checkouts queue on the coupon's
row; once the limit is reached every other UPDATE matches no row and that order rolls
back with a clear reason. A cancellation frees the copy and lowers the count, once: the
redemption row records when it was released.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from promotions.events import CouponIssued, CouponRedeemed, CouponReleased, CouponSaved
from promotions.exceptions import PromotionError, PromotionErrorCode
from promotions.models import Coupon, CouponRedemption, UserCoupon, new_coupon_code
from promotions.pricing import CouponRule
from shop.events import publish


def used_up() -> PromotionError:
    message = _("This coupon has been used up.")
    return PromotionError(
        PromotionErrorCode.COUPON_USED_UP, message, fields={"coupon": [message]}, status_code=409
    )


def coupon_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """Return what is wrong with a coupon's fields (the admin forms show it per field)."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if kind == Coupon.Kind.FIXED and not (data.get("amount") or 0) > 0:
        errors["amount"] = [_("Enter the amount the coupon takes off.")]
    if kind == Coupon.Kind.PERCENT and not 0 < (data.get("percent") or 0) <= 100:
        errors["percent"] = [_("Enter a percentage between 0 and 100.")]
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("The end must come after the start.")]
    return errors


def save_coupon(*, coupon: Coupon, created: bool) -> Coupon:
    """Validate and save a coupon (demo, scripts); a code coupon gets its unguessable code."""
    errors = coupon_errors(
        {
            name: getattr(coupon, name)
            for name in ("kind", "amount", "percent", "starts_at", "ends_at")
        }
    )
    if coupon.usage_limit is not None and coupon.usage_limit < coupon.redeemed_count:
        errors["usage_limit"] = [_("More orders than that have used it already.")]
    if errors:
        raise PromotionError(
            PromotionErrorCode.INVALID_COUPON, _("Check the coupon."), fields=errors
        )
    if coupon.issue == Coupon.Issue.CODE and not coupon.code:
        coupon.code = new_coupon_code()
    with transaction.atomic():
        coupon.save()
        publish(CouponSaved(coupon_id=coupon.pk, created=created, vendor_id=coupon.vendor_id))
    return coupon


def issue_coupon(*, coupon: Coupon, user: Any, source: str) -> UserCoupon:
    """Put a copy of ``coupon`` in the member's wallet; refused past the per-customer limit.

    ``source`` names why ("download", "signup", "birthday:2026", "code"); a second copy
    for the same source is refused, so a retried listener or a double click issues once.
    """
    now = timezone.now()
    with transaction.atomic():
        # One member's copies of one coupon are counted under this lock.
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if not locked.is_valid_at(now):
            message = _("This coupon is not available now.")
            raise PromotionError(
                PromotionErrorCode.COUPON_NOT_APPLICABLE, message, fields={"coupon": [message]}
            )
        if locked.usage_limit is not None and locked.redeemed_count >= locked.usage_limit:
            raise used_up()
        held = UserCoupon.objects.filter(coupon=locked, user=user)
        if locked.issue == Coupon.Issue.BIRTHDAY:
            held = held.filter(source=source)  # the limit holds per year ("birthday:2027")
        if held.filter(source=source).exists() or held.count() >= locked.per_customer_limit:
            message = _("You already have this coupon.")
            raise PromotionError(
                PromotionErrorCode.COUPON_ALREADY_HELD,
                message,
                fields={"coupon": [message]},
                status_code=409,
            )
        try:
            with transaction.atomic():
                copy = UserCoupon.objects.create(
                    coupon=locked, user=user, source=source, issued_at=now
                )
        except IntegrityError:
            message = _("You already have this coupon.")
            raise PromotionError(
                PromotionErrorCode.COUPON_ALREADY_HELD, message, fields={"coupon": [message]}
            ) from None
        publish(
            CouponIssued(
                user_id=user.pk, coupon_id=locked.pk, user_coupon_id=copy.pk, source=source
            )
        )
        return copy


def download_coupon(*, coupon_id: Any, user: Any) -> UserCoupon:
    """Take a coupon from the download zone (쿠폰존) into the wallet."""
    coupon = Coupon.objects.filter(
        pk=int(coupon_id) if str(coupon_id).isdigit() else 0, issue=Coupon.Issue.DOWNLOAD
    ).first()
    if coupon is None:
        raise not_found()
    return issue_coupon(coupon=coupon, user=user, source="download")


def not_found() -> PromotionError:
    message = _("There is no such coupon.")
    return PromotionError(
        PromotionErrorCode.COUPON_NOT_FOUND, message, fields={"code": [message]}, status_code=404
    )


def claim_code(*, code: Any, user: Any) -> UserCoupon:
    """Put the coupon with this code in the wallet (the caller rate-limits attempts)."""
    code = "".join(str(code or "").split()).replace("-", "").upper()
    coupon = Coupon.objects.filter(code=code, issue=Coupon.Issue.CODE).first() if code else None
    if coupon is None:
        raise not_found()
    return issue_coupon(coupon=coupon, user=user, source="code")


def issue_automatic(*, user: Any, issue: str, source: str) -> list[UserCoupon]:
    """Give the member every active coupon issued on ``issue`` (signup, birthday), once each."""
    now = timezone.now()
    issued = []
    for coupon in Coupon.objects.filter(issue=issue, is_active=True).order_by("pk"):
        if not coupon.is_valid_at(now):
            continue
        try:
            issued.append(issue_coupon(coupon=coupon, user=user, source=source))
        except PromotionError:
            continue  # already given for this source, or used up: nothing to give
    return issued


def rule_of(coupon: Coupon) -> CouponRule:
    return CouponRule(
        coupon_id=coupon.pk,
        kind=coupon.kind,
        amount=coupon.amount,
        percent=coupon.percent,
        max_discount=coupon.max_discount,
        min_order_amount=coupon.min_order_amount,
        vendor_id=coupon.vendor_id,
        product_ids=frozenset(p.pk for p in coupon.products.all()),
        category_ids=frozenset(c.pk for c in coupon.categories.all()),
        vendor_ids=frozenset(v.pk for v in coupon.vendors.all()),
        waives_remote_surcharge=coupon.waives_remote_surcharge,
    )


def availability_problem(coupon: Coupon, now: dt.datetime) -> str:
    """Why a held coupon cannot be used now, apart from the cart (dates, limit)."""
    if not coupon.is_active:
        return _("This coupon is no longer offered.")
    if coupon.starts_at > now:
        return _("This coupon can be used from %(date)s.") % {
            "date": timezone.localtime(coupon.starts_at).strftime("%Y-%m-%d %H:%M")
        }
    if coupon.ends_at is not None and coupon.ends_at <= now:
        return _("This coupon has expired.")
    if coupon.usage_limit is not None and coupon.redeemed_count >= coupon.usage_limit:
        return _("This coupon has been used up.")
    return ""


def redeem(*, user_coupon_id: int, user_id: int, order_id: int, amount: Decimal) -> None:
    """Use the member's coupon copy for ``order_id`` (inside the order's transaction).

    Raise ``PromotionError`` when the copy is used already or the coupon's usage limit
    is reached; the caller's transaction then rolls back the whole order.
    """
    now = timezone.now()
    taken = UserCoupon.objects.filter(
        pk=user_coupon_id, user_id=user_id, used_at__isnull=True
    ).update(used_at=now, order_id=order_id)
    if taken != 1:
        message = _("This coupon was used by another order.")
        raise PromotionError(
            PromotionErrorCode.COUPON_USED_UP,
            message,
            fields={"coupon": [message]},
            status_code=409,
        )
    coupon_id = (
        UserCoupon.objects.filter(pk=user_coupon_id).values_list("coupon_id", flat=True).get()
    )
    count_redemption(coupon_id)
    CouponRedemption.objects.create(
        user_coupon_id=user_coupon_id,
        coupon_id=coupon_id,
        order_id=order_id,
        amount=amount,
        redeemed_at=now,
    )
    publish(
        CouponRedeemed(
            coupon_id=coupon_id,
            user_coupon_id=user_coupon_id,
            user_id=user_id,
            order_id=order_id,
            amount=str(amount),
        )
    )


def count_redemption(coupon_id: int) -> None:
    """Raise the coupon's count by one while under its limit: one conditional UPDATE."""
    counted = (
        Coupon.objects.filter(pk=coupon_id)
        .filter(Q(usage_limit__isnull=True) | Q(redeemed_count__lt=F("usage_limit")))
        .update(redeemed_count=F("redeemed_count") + 1)
    )
    if counted != 1:
        raise used_up()


def release(*, order_id: int) -> bool:
    """Give the coupon an order used back to its owner's wallet; ``False`` if none or done."""
    now = timezone.now()
    redemption = (
        CouponRedemption.objects.select_for_update()
        .filter(order_id=order_id, released_at__isnull=True)
        .first()
    )
    if redemption is None:
        return False
    redemption.released_at = now
    redemption.save(update_fields=["released_at"])
    UserCoupon.objects.filter(pk=redemption.user_coupon_id, order_id=order_id).update(
        used_at=None, order_id=None
    )
    Coupon.objects.filter(pk=redemption.coupon_id, redeemed_count__gt=0).update(
        redeemed_count=F("redeemed_count") - 1
    )
    user_id = (
        UserCoupon.objects.filter(pk=redemption.user_coupon_id)
        .values_list("user_id", flat=True)
        .get()
    )
    publish(
        CouponReleased(
            coupon_id=redemption.coupon_id,
            user_coupon_id=redemption.user_coupon_id,
            user_id=user_id,
            order_id=order_id,
        )
    )
    return True


def issue_birthday_coupons(*, today: dt.date | None = None) -> list[UserCoupon]:
    """Give members born on this day the active birthday coupons, once a year each.

    The birth date is the one identity verification (본인인증) confirmed; members born on
    29 February get theirs on 28 February in other years. The source names the year, so
    a second run on the same day (or a retried task) gives nothing more.
    """
    from accounts.models import User

    today = today or timezone.localdate()
    if not Coupon.objects.filter(issue=Coupon.Issue.BIRTHDAY, is_active=True).exists():
        return []
    days = [(today.month, today.day)]
    if (today.month, today.day) == (2, 28) and not _is_leap(today.year):
        days.append((2, 29))
    born = Q()
    for month, day in days:
        born |= Q(identity__birth_date__month=month, identity__birth_date__day=day)
    issued = []
    for user in User.objects.filter(born, is_active=True).order_by("pk"):
        issued += issue_automatic(
            user=user, issue=Coupon.Issue.BIRTHDAY, source=f"birthday:{today.year}"
        )
    return issued


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
