"""Reads of promotions: wallets, balances, the download zone. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from promotions.models import Coupon, PointAccount, PointEntry, UserCoupon


def list_usable_coupons(*, user: Any) -> list[UserCoupon]:
    """Return the member's unused coupons valid now, soonest to end first."""
    now = timezone.now()
    return list(
        UserCoupon.objects.filter(
            user=user,
            used_at__isnull=True,
            coupon__is_active=True,
            coupon__starts_at__lte=now,
        )
        .filter(Q(coupon__ends_at__isnull=True) | Q(coupon__ends_at__gt=now))
        .select_related("coupon__vendor")
        .prefetch_related("coupon__products", "coupon__categories", "coupon__vendors")
        .order_by(F("coupon__ends_at").asc(nulls_last=True), "pk")
    )


def list_wallet(*, user: Any) -> QuerySet[UserCoupon]:
    """Return every coupon the member holds, used ones too, newest first."""
    return UserCoupon.objects.filter(user=user).select_related("coupon__vendor")


def points_balance(*, user: Any) -> int:
    return (
        PointAccount.objects.filter(user_id=user.pk).values_list("balance", flat=True).first() or 0
    )


def list_point_entries(*, user: Any) -> QuerySet[PointEntry]:
    """Return the member's points ledger, newest first."""
    return PointEntry.objects.filter(user=user).order_by("-created_at", "-pk")


def list_download_zone(*, user: Any = None) -> list[Coupon]:
    """Return the coupons of the download zone valid now; ``held`` marks the member's own."""
    now = timezone.now()
    coupons = list(
        Coupon.objects.filter(issue=Coupon.Issue.DOWNLOAD, is_active=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(Q(usage_limit__isnull=True) | Q(redeemed_count__lt=F("usage_limit")))
        .select_related("vendor")
        .order_by(F("ends_at").asc(nulls_last=True), "pk")
    )
    held: set[int] = set()
    if user is not None and user.is_authenticated:
        held = set(
            UserCoupon.objects.filter(user=user, coupon__in=coupons).values_list(
                "coupon_id", flat=True
            )
        )
    for coupon in coupons:
        coupon.held = coupon.pk in held
    return coupons


def category_ids_of(product_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Return each product's category ids (for coupons scoped by category)."""
    from catalog.models import Product

    through = Product.categories.through
    found: dict[int, set[int]] = {}
    for product_id, category_id in through.objects.filter(
        product_id__in=list(product_ids)
    ).values_list("product_id", "category_id"):
        found.setdefault(product_id, set()).add(category_id)
    return {key: frozenset(value) for key, value in found.items()}
