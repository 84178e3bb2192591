"""What a shopper may buy: out-of-stock or hidden variants cannot be added; text options are limited."""

import pytest
from django.utils.translation import gettext

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import Product
from tests.catalog.factories import TextOptionFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_a_variant_in_stock_can_be_bought():
    variant = VariantFactory(stock=2)
    assert services.check_purchasable(variant_id=variant.pk, quantity=2) == variant


@pytest.mark.parametrize(
    ("stock", "quantity", "message"),
    [(0, 1, "Out of stock."), (2, 3, "Only %(stock)d left.")],
)
def test_more_than_the_stock_cannot_be_added(stock, quantity, message):
    message = gettext(message) % {"stock": stock} if "%" in message else gettext(message)
    variant = VariantFactory(stock=stock)
    with pytest.raises(CatalogError) as caught:
        services.check_purchasable(variant_id=variant.pk, quantity=quantity)
    assert caught.value.fields == {"quantity": [message]}
    assert caught.value.status_code == 409


@pytest.mark.parametrize(
    "make",
    [
        lambda: VariantFactory(is_active=False),
        lambda: VariantFactory(product__status=Product.Status.HIDDEN),
        lambda: VariantFactory(product__status=Product.Status.SOLD_OUT),
    ],
)
def test_inactive_variants_and_products_not_on_sale_cannot_be_added(make):
    variant = make()
    with pytest.raises(CatalogError) as caught:
        services.check_purchasable(variant_id=variant.pk, quantity=1)
    assert "variant" in caught.value.fields


@pytest.mark.parametrize("quantity", [0, -1, "2", True])
def test_quantity_must_be_a_positive_whole_number(quantity):
    variant = VariantFactory()
    with pytest.raises(CatalogError) as caught:
        services.check_purchasable(variant_id=variant.pk, quantity=quantity)
    assert "quantity" in caught.value.fields


def test_text_options_enforce_required_and_the_length_limit():
    engraving = TextOptionFactory(label="각인", max_length=5, is_required=True)
    note = TextOptionFactory(product=engraving.product, label="메모", max_length=3)
    product_id = engraving.product_id
    assert services.clean_text_inputs(
        product_id=product_id, inputs={engraving.pk: " 사랑해 ", note.pk: ""}
    ) == {engraving.pk: "사랑해"}
    with pytest.raises(CatalogError) as caught:
        services.clean_text_inputs(product_id=product_id, inputs={note.pk: "너무 길어요"})
    assert set(caught.value.fields) == {f"text_options.{engraving.pk}", f"text_options.{note.pk}"}
    stranger = TextOptionFactory()
    with pytest.raises(CatalogError) as caught:
        services.clean_text_inputs(
            product_id=product_id, inputs={engraving.pk: "ok", stranger.pk: "x"}
        )
    assert list(caught.value.fields) == [f"text_options.{stranger.pk}"]
