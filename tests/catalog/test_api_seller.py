"""The seller catalog API: a vendor's staff manage their own products through the services."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.models import Product, Variant
from shop.models import AuditEvent
from tests.catalog.factories import (
    CategoryFactory,
    OptionGroupFactory,
    OptionValueFactory,
    ProductFactory,
    VariantFactory,
    full_notice,
)
from tests.vendors.factories import MembershipFactory, VendorFactory
from vendors.models import Vendor, VendorMembership

pytestmark = pytest.mark.django_db

SELLER = "/api/v1/seller/products/"


def url(product: Product, suffix: str = "") -> str:
    return f"{SELLER}{product.pk}/{suffix}"


def stock_url(variant: Variant) -> str:
    return f"/api/v1/seller/variants/{variant.pk}/stock/"


@pytest.fixture
def membership():
    return MembershipFactory(role=VendorMembership.Role.OWNER)


@pytest.fixture
def seller(membership) -> APIClient:
    client = APIClient()
    client.force_authenticate(membership.user)
    return client


@pytest.fixture
def own(membership) -> Product:
    return ProductFactory(vendor=membership.vendor, status=Product.Status.DRAFT)


def assert_error(response, status: int, code: str | None = None, fields: set | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    if fields is not None:
        assert set(body["fields"]) == fields, body["fields"]
    return body


# --- Who may ---------------------------------------------------------------------------------


def test_a_visitor_and_a_shopper_are_refused(api_client, user_client, own):
    assert_error(api_client.get(SELLER), 403, "not_authenticated")
    assert_error(user_client.get(SELLER), 403, "permission_denied")
    assert_error(user_client.patch(url(own), {"name": "x"}), 403)
    assert Product.objects.get(pk=own.pk).name != "x"


def test_another_vendors_product_is_not_found_everywhere(seller):
    theirs = ProductFactory()
    variant = VariantFactory(product=theirs, stock=5)
    attempts = [
        seller.get(url(theirs)),
        seller.patch(url(theirs), {"name": "탈취"}),
        seller.delete(url(theirs)),
        seller.post(url(theirs, "status/"), {"status": "hidden"}),
        seller.put(url(theirs, "options/"), {"groups": [{"name": "색", "values": ["a"]}]}),
        seller.post(url(theirs, "variants/generate/"), {}),
        seller.patch(url(theirs, "variants/"), {"rows": [{"variant_id": variant.pk, "stock": 0}]}),
        seller.post(stock_url(variant), {"delta": -5}),
    ]

    for response in attempts:
        assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert (theirs.name, theirs.status, theirs.deleted_at) == (theirs.name, "on_sale", None)
    assert theirs.name != "탈취"
    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert not AuditEvent.objects.filter(subject_id=str(theirs.pk)).exists()


def test_the_list_shows_only_the_vendors_products_in_any_status(seller, own, membership):
    hidden = ProductFactory(vendor=membership.vendor, status=Product.Status.HIDDEN)
    ProductFactory()

    body = seller.get(SELLER).json()

    assert {item["id"] for item in body["results"]} == {own.pk, hidden.pk}
    only = seller.get(f"{SELLER}?status=hidden").json()["results"]
    assert [item["id"] for item in only] == [hidden.pk]
    assert_error(seller.get(f"{SELLER}?status=bogus"), 400, fields={"status"})


def test_staff_may_change_but_not_add_or_delete(own, membership):
    staff = MembershipFactory(vendor=membership.vendor, role=VendorMembership.Role.STAFF)
    client = APIClient()
    client.force_authenticate(staff.user)

    assert client.patch(url(own), {"name": "새 이름"}).status_code == 200
    assert_error(client.post(SELLER, {"name": "신상품", "price": "1000"}), 403)
    assert_error(client.delete(url(own)), 403)
    assert Product.objects.filter(pk=own.pk).exists()


def test_a_suspended_vendors_staff_are_refused(seller, own, membership):
    Vendor.objects.filter(pk=membership.vendor_id).update(status=Vendor.Status.SUSPENDED)

    assert_error(seller.get(url(own)), 403)


def test_a_bearer_token_works_and_the_header_picks_one_of_several_vendors(membership):
    second = MembershipFactory(user=membership.user)
    theirs = ProductFactory(vendor=second.vendor)
    token = Token.objects.create(user=membership.user)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")

    response = client.patch(url(theirs), {"brand": "둘째"}, HTTP_X_VENDOR_ID=str(second.vendor_id))

    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(event_type="catalog.ProductChanged")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", second.vendor_id)
    stranger = VendorFactory()
    assert_error(client.get(SELLER, HTTP_X_VENDOR_ID=str(stranger.pk)), 403)


# --- Products --------------------------------------------------------------------------------


def test_create_a_product_as_a_draft_with_categories_and_a_made_up_slug(seller, membership):
    category = CategoryFactory()

    response = seller.post(
        SELLER,
        {
            "name": "여름 티셔츠",
            "price": "19900",
            "categories": [category.pk],
            "description": '<p onclick="x()">좋은 옷</p><script>alert(1)</script>',
            "notice_type": "etc",
            "notice": full_notice("etc"),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["price"], body["slug"]) == ("draft", "19900", "여름-티셔츠")
    assert body["categories"] == [category.pk]
    assert "script" not in body["description"]
    assert "onclick" not in body["description"]
    product = Product.objects.get(pk=body["id"])
    assert product.vendor_id == membership.vendor_id
    assert AuditEvent.objects.filter(event_type="catalog.ProductCreated").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "a", "price": "-1"}, "price"),
        ({"name": "a", "price": "만원"}, "price"),
        ({"name": "a", "price": "10.5"}, "price"),
        ({"name": "a", "price": "1000", "categories": [999999]}, "categories"),
        ({"name": "a", "price": "1000", "shipping_policy": 999999}, "shipping_policy"),
        ({"name": "a", "price": "1000", "vendor": 1}, "vendor"),
        ({"name": "a", "price": "1000", "status": "gone"}, "status"),
        ({"name": "a", "price": "1000", "notice_type": "etc", "notice": {}}, "notice"),
        ({"price": "1000"}, "name"),
    ],
)
def test_bad_product_input_is_a_400_naming_the_field_and_writes_nothing(seller, payload, field):
    notice = {} if "notice" in payload else {"notice_type": "etc", "notice": full_notice("etc")}
    response = seller.post(SELLER, {**notice, **payload})

    body = assert_error(response, 400)
    assert field in body["fields"], body
    assert not Product.all_objects.exists()


def test_a_taken_slug_is_refused_by_the_service(seller, own):
    payload = {"name": "x", "slug": own.slug, "price": 1, "notice": full_notice("etc")}
    body = assert_error(seller.post(SELLER, {**payload, "notice_type": "etc"}), 400)

    assert set(body["fields"]) == {"slug"}


def test_update_status_and_soft_delete(seller, own):
    response = seller.patch(url(own), {"price": 15000, "brand": "브랜드"})
    assert response.status_code == 200, response.content
    assert response.json()["price"] == "15000"

    assert_error(seller.patch(url(own), {"status": "on_sale"}), 400, "unknown_field", {"status"})
    response = seller.post(url(own, "status/"), {"status": "on_sale"})
    assert response.json()["status"] == "on_sale"

    assert seller.delete(url(own)).status_code == 204
    assert Product.all_objects.get(pk=own.pk).deleted_at is not None
    assert_error(seller.get(url(own)), 404)


# --- Options, variants, grid, stock -----------------------------------------------------------


def test_options_then_generate_then_grid_then_stock(seller, own):
    response = seller.put(
        url(own, "options/"),
        {
            "groups": [
                {"name": "색상", "values": ["블랙", "화이트"]},
                {"name": "사이즈", "values": ["M"]},
            ]
        },
    )
    assert response.status_code == 200, response.content

    response = seller.post(url(own, "variants/generate/"), {"stock": 2})
    variants = response.json()["variants"]
    assert sorted(v["label"] for v in variants) == ["블랙 / M", "화이트 / M"]

    first, second = variants
    response = seller.patch(
        url(own, "variants/"),
        {
            "rows": [
                {"variant_id": first["id"], "extra_price": "1000", "stock": 7, "sku": "T-BK-M"},
                {"variant_id": second["id"], "extra_price": -500, "stock_was": 2, "stock": 0},
            ]
        },
    )
    assert response.status_code == 200, response.content
    saved = {v["id"]: v for v in response.json()["variants"]}
    assert (saved[first["id"]]["price"], saved[first["id"]]["stock"]) == ("11000", 7)
    assert saved[second["id"]]["price"] == "9500"

    response = seller.post(stock_url(Variant.objects.get(pk=first["id"])), {"delta": -3})
    assert response.json() == {"variant_id": first["id"], "stock": 4}


def test_grid_errors_name_the_row_and_field_and_save_nothing(seller, own):
    first = VariantFactory(product=own, stock=1)
    second = VariantFactory(product=own, stock=1)

    body = assert_error(
        seller.patch(
            url(own, "variants/"),
            {
                "rows": [
                    {"variant_id": first.pk, "stock": 5},
                    {"variant_id": second.pk, "stock": -1, "extra_price": "abc"},
                ]
            },
        ),
        400,
    )

    assert set(body["fields"]) == {"rows.1.stock", "rows.1.extra_price"}
    assert Variant.objects.get(pk=first.pk).stock == 1
    unknown = seller.patch(
        url(own, "variants/"), {"rows": [{"variant_id": first.pk, "colour": "x"}]}
    )
    assert_error(unknown, 400, "unknown_field", {"rows.0.colour"})


def test_grid_refuses_a_sku_another_product_of_the_vendor_uses(seller, own, membership):
    VariantFactory(product__vendor=membership.vendor, sku="DUP")
    variant = VariantFactory(product=own)

    body = assert_error(
        seller.patch(url(own, "variants/"), {"rows": [{"variant_id": variant.pk, "sku": "DUP"}]}),
        400,
        "invalid_variant_grid",
    )

    assert set(body["fields"]) == {"rows.0.sku"}


def test_adding_an_existing_combination_is_a_400_naming_option_values(seller, own):
    group = OptionGroupFactory(product=own)
    value = OptionValueFactory(group=group)
    created = seller.post(url(own, "variants/"), {"option_value_ids": [value.pk], "stock": 3})
    assert created.status_code == 201, created.content

    body = assert_error(
        seller.post(url(own, "variants/"), {"option_value_ids": [value.pk]}),
        400,
        "duplicate_combination",
    )

    assert set(body["fields"]) == {"option_values"}
    assert own.variants.count() == 1


def test_bad_options_are_named_per_group(seller, own):
    body = assert_error(
        seller.put(url(own, "options/"), {"groups": [{"name": "색", "values": []}, {"name": ""}]}),
        400,
    )

    assert {"groups.0.values", "groups.1.name", "groups.1.values"} <= set(body["fields"])


def test_stock_changes_refuse_zero_and_below_zero(seller, own):
    variant = VariantFactory(product=own, stock=2)

    assert_error(seller.post(stock_url(variant), {"delta": 0}), 400, fields={"delta"})
    assert_error(seller.post(stock_url(variant), {"delta": "many"}), 400, fields={"delta"})
    assert_error(seller.post(stock_url(variant), {"delta": -3}), 409, "out_of_stock")
    assert Variant.objects.get(pk=variant.pk).stock == 2


def test_selling_out_through_the_api_flips_an_on_sale_product(seller, own):
    own.status = Product.Status.ON_SALE
    own.save()
    variant = VariantFactory(product=own, stock=1)

    seller.post(stock_url(variant), {"delta": -1})

    assert seller.get(url(own)).json()["status"] == "sold_out"
    seller.post(stock_url(variant), {"delta": 4})
    assert seller.get(url(own)).json()["status"] == "on_sale"


def test_seller_detail_queries_do_not_grow_with_variants(
    seller, own, django_assert_max_num_queries
):
    VariantFactory.create_batch(30, product=own)

    with django_assert_max_num_queries(12):
        response = seller.get(url(own))

    assert len(response.json()["variants"]) == 30
