"""PRIV-01 and PRIV-07: no resident registration number and no card number, anywhere.

The shop has no field, form, API property or checkout input for a 주민등록번호 or a card
(payments redirect to the providers: PCI DSS SAQ A), and what a customer types into free
text anyway is stored masked (``shop.dlp``).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from shop.dlp import luhn_valid, mask_free_text
from tests.accounts.factories import AddressFactory
from tests.orders.helpers import guest_cart, place, variant_of
from tests.orders.test_views_checkout import fill_cart
from tests.reviews.factories import QuestionFactory, ReviewFactory

OUR_APPS = [
    "shop",
    "accounts",
    "vendors",
    "catalog",
    "shipping",
    "promotions",
    "notifications",
    "wishlist",
    "orders",
    "payments",
    "reviews",
]
RRN_WORDS = re.compile(
    r"rrn|jumin|resident|주민|(^|[^a-z])ssn([^a-z]|$)|social.?security|외국인.?등록", re.I
)
CARD_WORDS = re.compile(
    r"card.?(number|num|no)([^a-z]|$)|(^|[^a-z])pan([^a-z]|$)|cvc|cvv|cvn|card.?expir|"
    r"exp(iry)?.?(month|year)|security.?code|카드.?번호|유효.?기간|track.?data",
    re.I,
)
# A 주민등록번호 as data: a valid birth date, a dash, the sex/century digit and six more.
RRN_VALUE = re.compile(r"(?<!\d)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])-[1-8]\d{6}(?!\d)")
PAN_VALUE = re.compile(r"(?<![\d-])\d{13,19}(?![\d-])")
CARD = "4111 1111 1111 1111"  # Luhn-valid (the well-known test Visa)
RRN = "900101-1234567"


def offending(text: str) -> bool:
    return bool(RRN_WORDS.search(text) or CARD_WORDS.search(text))


def import_our(module: str) -> None:
    for app in OUR_APPS:
        try:
            importlib.import_module(f"{app}.{module}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{app}.{module}":
                raise


def all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.extend([sub, *all_subclasses(sub)])
    return found


def test_no_model_field_is_for_an_rrn_or_a_card():
    checked = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            texts = [field.name, str(getattr(field, "verbose_name", "") or "")]
            texts += [str(getattr(field, "help_text", "") or ""), getattr(field, "db_column", "")]
            for text in filter(None, texts):
                checked += 1
                assert not offending(text), f"{model._meta.label}.{field.name}: {text!r}"
    assert checked > 500  # every model of every app was looked at


def test_no_form_field_is_for_an_rrn_or_a_card():
    for module in ("forms", "admin", "views", "seller_admin", "forms_admin"):
        import_our(module)
    form_classes = [cls for cls in all_subclasses(forms.BaseForm) if hasattr(cls, "base_fields")]
    assert len(form_classes) > 30
    for form in form_classes:
        for name, field in form.base_fields.items():
            for text in (name, str(field.label or ""), str(field.help_text or "")):
                assert not offending(text), f"{form.__module__}.{form.__qualname__}.{name}"


def walk_property_names(node, path: str = ""):
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{path}.{key}", key, str(value.get("description", ""))
        for key, value in node.items():
            yield from walk_property_names(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_property_names(value, f"{path}[{index}]")


def test_no_api_property_or_parameter_is_for_an_rrn_or_a_card():
    """Every serializer the API exposes, as the OpenAPI schema describes it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    properties = list(walk_property_names(schema))
    assert len(properties) > 100
    for where, name, description in properties:
        assert not offending(name), where
        assert not offending(description), where
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert not offending(parameter["name"]), f"{path} {parameter['name']}"


def test_no_template_input_asks_for_an_rrn_or_a_card():
    names = re.compile(r"""name=["']([^"']+)["']""")
    templates = list((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
    assert templates
    for template in templates:
        for name in names.findall(template.read_text(encoding="utf-8")):
            assert not offending(name), f"{template}: {name}"


def test_no_demo_data_or_fixture_holds_an_rrn_or_a_card_number():
    base = Path(settings.BASE_DIR)
    sources = [base / app / "demo.py" for app in OUR_APPS if (base / app / "demo.py").exists()]
    sources += [path for app in OUR_APPS for path in (base / app).glob("fixtures/*")]
    assert sources
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert not RRN_VALUE.search(text), source
        pans = [number for number in PAN_VALUE.findall(text) if luhn_valid(number)]
        assert not pans, f"{source}: {pans}"


@pytest.mark.django_db
def test_a_card_number_or_rrn_typed_into_checkout_is_stored_masked():
    cart = guest_cart("dlp")
    from orders import services as order_services

    order_services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    order = place(
        cart,
        delivery_memo=f"카드 {CARD} 로 결제해 주세요, 주민번호 {RRN}",
        detail_address=f"101동 {RRN}",
    ).order

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT delivery_memo, detail_address FROM orders_order WHERE id = %s", [order.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert "4111 1111 1111 1111" not in stored
    assert "1234567" not in stored
    assert "************1111" in stored  # the last four, as PCI DSS allows to show
    assert "900101-*******" in stored


@pytest.mark.django_db(transaction=True)
def test_the_checkout_page_never_asks_for_a_card(settings, live_server):
    """Paying is choosing a provider; its own page (after a redirect) takes the card."""
    settings.SITE_URL = live_server.url
    shopper = Client(HTTP_ACCEPT_LANGUAGE="en")
    fill_cart(shopper, variant_of())
    page = shopper.get(reverse("orders:checkout"))
    inputs = re.findall(
        r"""<(?:input|select|textarea)[^>]*name=["']([^"']+)["']""", page.content.decode()
    )

    assert page.status_code == 200
    assert "payment_method" in inputs
    assert not [name for name in inputs if offending(name)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field"),
    [(AddressFactory, "detail_address"), (QuestionFactory, "text"), (ReviewFactory, "text")],
    ids=["address", "question", "review"],
)
def test_free_text_written_elsewhere_is_stored_masked(factory, field):
    row = factory(**{field: f"card {CARD.replace(' ', '')} / {RRN}"})
    row.refresh_from_db()
    value = getattr(row, field)
    assert "4111111111111111" not in value
    assert "1234567" not in value


@pytest.mark.parametrize(
    "text",
    [
        "tracking 612345678901",  # 12 digits: a parcel, not a card
        "order 20261204-000123",
        "4111 1111 1111 1112",  # 16 digits failing Luhn
        "call 010-1234-5678",  # the customer's own phone, for the courier
    ],
)
def test_masking_leaves_ordinary_numbers_alone(text):
    assert mask_free_text(text) == text
