"""What a shopper may buy: out-of-stock or hidden variants cannot be added; text options are limited."""

import pytest
from django.utils.translation import gettext

from catalog import services
from catalog.exceptions import CatalogError
from catalog.models import AddOn, Product, Variant
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.catalog.factories import AddOnFactory, TextOptionFactory, VariantFactory

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


def test_taking_stock_for_an_order_takes_every_line():
    first, second = VariantFactory(stock=3), VariantFactory(stock=1)
    stocks = services.take_stock(quantities={first.pk: 2, second.pk: 1}, reason="order A-1")
    assert stocks == {first.pk: 1, second.pk: 0}
    events = AuditEvent.objects.filter(event_type="catalog.StockChanged")
    assert sorted(event.payload["delta"] for event in events) == [-2, -1]


def test_one_short_line_takes_nothing_from_the_others():
    plenty, short = VariantFactory(stock=5), VariantFactory(stock=1)
    with pytest.raises(CatalogError) as caught:
        services.take_stock(quantities={plenty.pk: 2, short.pk: 2})
    assert list(caught.value.fields) == [f"variants.{short.pk}"]
    assert Variant.objects.get(pk=plenty.pk).stock == 5
    assert not AuditEvent.objects.filter(event_type="catalog.StockChanged").exists()


def test_released_stock_comes_back():
    variant = VariantFactory(stock=0)
    assert services.release_stock(quantities={variant.pk: 2}, reason="expired") == {variant.pk: 2}


@pytest.mark.parametrize("quantities", [{}, {1: 0}, {1: -2}])
def test_bad_quantities_are_refused(quantities):
    with pytest.raises(CatalogError):
        services.take_stock(quantities=quantities)


def test_releasing_an_unknown_variant_changes_nothing():
    variant = VariantFactory(stock=1)
    with pytest.raises(NotFoundError):
        services.release_stock(quantities={variant.pk: 1, variant.pk + 1000: 1})
    assert Variant.objects.get(pk=variant.pk).stock == 1


def test_addon_stock_is_taken_all_or_nothing_and_released():
    case, strap = AddOnFactory(stock=2), AddOnFactory(stock=0)
    with pytest.raises(CatalogError) as caught:
        services.take_addon_stock(quantities={case.pk: 1, strap.pk: 1})
    assert list(caught.value.fields) == [f"addons.{strap.pk}"]
    assert AddOn.objects.get(pk=case.pk).stock == 2
    assert services.take_addon_stock(quantities={case.pk: 2}, reason="order") == {case.pk: 0}
    assert services.release_addon_stock(quantities={case.pk: 1}) == {case.pk: 1}
    deltas = AuditEvent.objects.filter(event_type="catalog.AddOnStockChanged").order_by("pk")
    assert [event.payload["delta"] for event in deltas] == [-2, 1]
