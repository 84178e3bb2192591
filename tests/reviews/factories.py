"""Factories for reviews and questions, and the confirmed order line a review needs."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import OrderLine
from reviews.models import Question, Review
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory
from tests.catalog.media_files import image_bytes
from tests.orders.factories import OrderLineFactory


def confirmed_line(user, product=None, *, status: str = OrderLine.Status.PURCHASE_CONFIRMED):
    """Return a line of ``user``'s order for ``product`` (made if None), confirmed by default."""
    product = product or ProductFactory()
    return OrderLineFactory(
        shipment__vendor=product.vendor,
        shipment__order__user=user,
        product=product,
        product_name=product.name,
        status=status,
    )


def photo(name: str = "photo.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or image_bytes(800, 600), content_type="image/jpeg")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row written directly (for pages); rules are tested through the services."""

    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    order_line = factory.LazyAttribute(lambda review: confirmed_line(review.user, review.product))
    rating = 5
    text = "좋아요"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    text = "언제 배송되나요?"
