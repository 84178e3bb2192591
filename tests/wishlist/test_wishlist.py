"""Wishing and unwishing products."""

from __future__ import annotations

import pytest

from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from wishlist import services
from wishlist.models import WishlistItem

pytestmark = pytest.mark.django_db


def test_wishing_twice_keeps_one_item_and_unwishing_removes_it() -> None:
    member = UserFactory()
    product = ProductFactory()
    first = services.add_to_wishlist(user=member, product_id=product.pk)
    assert services.add_to_wishlist(user=member, product_id=product.pk) == first
    assert WishlistItem.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="wishlist.ProductWished").count() == 1

    assert services.remove_from_wishlist(user=member, product_id=product.pk) is True
    assert services.remove_from_wishlist(user=member, product_id=product.pk) is False
    assert not WishlistItem.objects.exists()


def test_a_product_not_in_the_storefront_cannot_be_wished() -> None:
    draft = ProductFactory(status="draft")
    with pytest.raises(NotFoundError):
        services.add_to_wishlist(user=UserFactory(), product_id=draft.pk)
    with pytest.raises(NotFoundError):
        services.add_to_wishlist(user=UserFactory(), product_id=999_999)
