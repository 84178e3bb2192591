"""Wishlist and restock alerts: every write, in its own transaction, audited.

A restock alert sends exactly one message: ``send_restock_alerts`` claims each waiting
request with a conditional UPDATE (``notified_at IS NULL``) in the same transaction as
the ``notify`` call, so a doubly delivered stock event, or two workers at once, claim it
once; the message leaves only if that transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Status, Variant
from notifications.services import notify
from shop.events import publish
from shop.exceptions import NotFoundError
from wishlist.events import (
    ProductUnwished,
    ProductWished,
    RestockAlertRequested,
    RestockAlertSent,
)
from wishlist.exceptions import WishlistError, WishlistErrorCode
from wishlist.models import RestockSubscription, WishlistItem

VISIBLE = (Status.ON_SALE, Status.SOLD_OUT)
CONFIRM_SALT = "wishlist.restock.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week to follow the link


def add_to_wishlist(*, user: Any, product_id: int) -> WishlistItem:
    """Wish a product shown in the storefront; wishing it again changes nothing."""
    if not Product.objects.alive().filter(pk=product_id, status__in=VISIBLE).exists():
        raise NotFoundError()
    existing = WishlistItem.objects.filter(user=user, product_id=product_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            item = WishlistItem.objects.create(user=user, product_id=product_id)
            publish(ProductWished(user_id=user.pk, product_id=product_id))
    except IntegrityError:  # a double click raced this one: that one counts
        return WishlistItem.objects.get(user=user, product_id=product_id)
    return item


def remove_from_wishlist(*, user: Any, product_id: int) -> bool:
    """Unwish a product; return whether it was on the list."""
    with transaction.atomic():
        deleted, _rows = WishlistItem.objects.filter(user=user, product_id=product_id).delete()
        if deleted:
            publish(ProductUnwished(user_id=user.pk, product_id=product_id))
    return bool(deleted)


def _waitable_variant(variant_id: int) -> Variant:
    """A sold-out option shown in the storefront, or a clear refusal."""
    variant = (
        Variant.objects.filter(
            pk=variant_id,
            is_active=True,
            product__deleted_at__isnull=True,
            product__status__in=VISIBLE,
        )
        .select_related("product")
        .first()
    )
    if variant is None:
        raise NotFoundError()
    if variant.stock > 0 and variant.product.status == Status.ON_SALE:
        raise WishlistError(
            WishlistErrorCode.NOT_SOLD_OUT,
            _("This option is in stock: you can buy it now."),
            fields={"variant_id": [_("This option is in stock: you can buy it now.")]},
        )
    return variant


def request_restock_alert(*, user: Any, variant_id: int) -> RestockSubscription:
    """Ask to hear once when a sold-out variant is back; asking twice keeps one request."""
    variant = _waitable_variant(variant_id)
    waiting = RestockSubscription.objects.filter(
        user=user, variant=variant, notified_at__isnull=True
    ).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            subscription = RestockSubscription.objects.create(user=user, variant=variant)
            publish(
                RestockAlertRequested(
                    subscription_id=subscription.pk, user_id=user.pk, variant_id=variant.pk
                ),
                subject=variant,
            )
    except IntegrityError:
        return RestockSubscription.objects.get(user=user, variant=variant, notified_at__isnull=True)
    return subscription


def request_guest_restock_alert(*, email: str, variant_id: int) -> RestockSubscription:
    """A guest's "notify me": it counts once they follow the link mailed to ``email``.

    One confirmation mail per address and option while the request waits, however often
    the form is sent, so the form cannot flood a stranger's inbox (the view rate-limits
    per IP on top).
    """
    email = email.strip().lower()
    variant = _waitable_variant(variant_id)
    waiting = RestockSubscription.objects.filter(
        user__isnull=True, email=email, variant=variant, notified_at__isnull=True
    ).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            subscription = RestockSubscription.objects.create(email=email, variant=variant)
            notify(
                template="restock.confirm",
                email=email,
                context={
                    "product": variant.product.name,
                    "option": variant.label,
                    "confirm_link": _confirm_link(subscription),
                },
            )
    except IntegrityError:
        return RestockSubscription.objects.get(
            user__isnull=True, email=email, variant=variant, notified_at__isnull=True
        )
    return subscription


def confirm_guest_restock_alert(*, token: str) -> RestockSubscription:
    """Follow a guest's confirmation link; an expired or forged one is "not found"."""
    try:
        subscription_id = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as error:
        raise NotFoundError() from error
    subscription = RestockSubscription.objects.filter(pk=subscription_id, user__isnull=True).first()
    if subscription is None:
        raise NotFoundError()
    with transaction.atomic():
        confirmed = RestockSubscription.objects.filter(
            pk=subscription.pk, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        if confirmed:
            publish(
                RestockAlertRequested(
                    subscription_id=subscription.pk,
                    user_id=None,
                    variant_id=subscription.variant_id,
                ),
                subject=subscription.variant,
            )
    subscription.refresh_from_db()
    return subscription


def _confirm_link(subscription: RestockSubscription) -> str:
    token = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
    try:
        path = reverse("wishlist:confirm_restock", args=[token])
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def cancel_restock_alert(*, user: Any, subscription_id: int) -> None:
    """Withdraw one's own waiting request; another member's is "not found"."""
    deleted, _rows = RestockSubscription.objects.filter(
        pk=subscription_id, user=user, notified_at__isnull=True
    ).delete()
    if not deleted:
        raise NotFoundError()


def send_restock_alerts(*, variant_ids: Iterable[int] = (), product_id: int | None = None) -> int:
    """Alert everyone waiting for these variants (or any of the product's) now in stock.

    Reads the stock again rather than trusting the event: a variant sold out again
    meanwhile alerts nobody. Returns how many alerts were sent.
    """
    which = Q(variant_id__in=list(variant_ids))
    if product_id is not None:
        which |= Q(variant__product_id=product_id)
    waiting = (
        RestockSubscription.objects.filter(which, notified_at__isnull=True)
        .filter(Q(user__isnull=False) | Q(confirmed_at__isnull=False))
        .filter(
            variant__stock__gt=0,
            variant__is_active=True,
            variant__product__status=Status.ON_SALE,
            variant__product__deleted_at__isnull=True,
        )
        .values_list("pk", flat=True)
    )
    return sum(_send_one(subscription_id) for subscription_id in list(waiting))


def _send_one(subscription_id: int) -> bool:
    with transaction.atomic():
        claimed = RestockSubscription.objects.filter(
            pk=subscription_id, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:  # another delivery of the same event got here first
            return False
        subscription = RestockSubscription.objects.select_related("user", "variant__product").get(
            pk=subscription_id
        )
        variant = subscription.variant
        notify(
            template="restock.available",
            user=subscription.user,
            email=subscription.email,
            context={
                "product": variant.product.name,
                "option": variant.label,
                "link": product_link(variant.product),
            },
        )
        publish(
            RestockAlertSent(
                subscription_id=subscription.pk,
                user_id=subscription.user_id,
                variant_id=variant.pk,
            ),
            subject=variant,
        )
    return True


def product_link(product: Product) -> str:
    try:
        path = reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug})
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path
