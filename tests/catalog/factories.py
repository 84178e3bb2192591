"""Factories for categories, products, options, variants, add-ons and text options.

``ProductFactory`` makes a valid product of the "other goods" notice type with every
notice item filled; children accept ``product__vendor=...`` for the seller-center matrix.
"""

from decimal import Decimal

import factory

from catalog.media.models import ProductMedia
from catalog.models import (
    AddOn,
    Category,
    OptionGroup,
    OptionValue,
    Product,
    TextOption,
    Variant,
)
from catalog.notices import NoticeType, notice_fields
from tests.vendors.factories import VendorFactory


def full_notice(notice_type: str) -> dict[str, str]:
    """Return a notice of ``notice_type`` with every required item filled."""
    return dict.fromkeys(notice_fields(notice_type), "상세페이지 참조")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"카테고리{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"상품{n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    price = Decimal(10000)
    status = Product.Status.ON_SALE
    notice_type = NoticeType.ETC
    notice = factory.LazyAttribute(lambda product: full_notice(product.notice_type))


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionGroup

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"옵션{n}")


class OptionValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptionValue

    group = factory.SubFactory(OptionGroupFactory)
    value = factory.Sequence(lambda n: f"값{n}")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    option_key = factory.Sequence(lambda n: f"k{n}")
    label = factory.Sequence(lambda n: f"옵션 조합 {n}")
    stock = 10


class AddOnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AddOn

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"추가상품{n}")
    price = Decimal(3000)
    stock = 5


class TextOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TextOption

    product = factory.SubFactory(ProductFactory)
    label = "각인 문구"
    max_length = 10


class ProductMediaFactory(factory.django.DjangoModelFactory):
    """A pending image row; its original path is a name only (no file is written)."""

    class Meta:
        model = ProductMedia

    product = factory.SubFactory(ProductFactory)
    kind = "image"
    original = factory.Sequence(lambda n: f"catalog/originals/test-{n}.jpg")
    original_name = "test.jpg"
    position = factory.Sequence(lambda n: n)
