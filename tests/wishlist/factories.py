"""Factories for wishlists and restock alerts (the seller-center scoping matrix finds them)."""

import factory

from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from wishlist.models import RestockSubscription, WishlistItem


class WishlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WishlistItem

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)


class RestockSubscriptionFactory(factory.django.DjangoModelFactory):
    """A member waiting for a sold-out variant."""

    class Meta:
        model = RestockSubscription

    user = factory.SubFactory(UserFactory)
    variant = factory.SubFactory(VariantFactory, stock=0)
