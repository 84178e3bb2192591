"""Demo of the wishlist: the demo shopper wishes two products and waits for a sold-out option.

Runs after accounts and catalog (INSTALLED_APPS order); running it again changes nothing.
"""

from __future__ import annotations

from typing import TextIO

from accounts.demo import SHOPPER_EMAIL
from accounts.models import User
from catalog.models import Product, Status, Variant
from shop.audit import Actor, acting_as
from wishlist import services


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    shopper = User.objects.filter(email=SHOPPER_EMAIL).first()
    if shopper is None:
        return []
    with acting_as(Actor.system("demo")):
        for product in Product.objects.on_sale().order_by("pk")[:2]:
            services.add_to_wishlist(user=shopper, product_id=product.pk)
        sold_out = (
            Variant.objects.filter(
                stock=0,
                is_active=True,
                product__deleted_at__isnull=True,
                product__status__in=(Status.ON_SALE, Status.SOLD_OUT),
            )
            .order_by("pk")
            .first()
        )
        if sold_out is not None:
            services.request_restock_alert(user=shopper, variant_id=sold_out.pk)
    stdout.write(f"  wishlist: {shopper.email} wishes 2 products\n")
    return []
