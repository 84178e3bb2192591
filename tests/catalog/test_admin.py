"""Product and category pages of the platform admin and the seller center, saved through the services."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from catalog import services
from catalog.models import Category, OptionGroup, Product, Variant
from catalog.notices import NoticeType
from shop.models import AuditEvent
from tests.catalog.factories import CategoryFactory, ProductFactory, VariantFactory, full_notice
from tests.vendors.factories import MembershipFactory, VendorFactory
from tests.vendors.scoping import changeform_post_data

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = ["option_groups", "variants", "addons", "text_options", "media"]


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def admin_url(name, *args):
    return reverse(f"admin:catalog_{name}", args=args)


def empty_inlines():
    data = {}
    for prefix in INLINE_PREFIXES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def new_product_data(vendor, **overrides):
    data = {
        "vendor": str(vendor.pk),
        "name": "린넨 셔츠",
        "slug": "linen-shirt",
        "summary": "시원한 여름 셔츠",
        "description": '<p>좋아요</p><img src="x.jpg" onerror="alert(1)"><script>x()</script>',
        "status": "draft",
        "price": "39000",
        "notice_type": NoticeType.CLOTHING,
        "notice": __import__("json").dumps(full_notice(NoticeType.CLOTHING), ensure_ascii=False),
        **empty_inlines(),
        "option_groups-TOTAL_FORMS": "2",
        "option_groups-0-name": "색상",
        "option_groups-0-values_text": "블랙, 화이트",
        "option_groups-0-position": "0",
        "option_groups-1-name": "사이즈",
        "option_groups-1-values_text": "S, M",
        "option_groups-1-position": "1",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_admin_pages_render(admin_client):
    product = ProductFactory()
    VariantFactory(product=product)
    for url in [
        admin_url("product_changelist"),
        admin_url("product_add"),
        admin_url("product_change", product.pk),
        admin_url("category_changelist"),
        admin_url("category_add"),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_adding_a_product_goes_through_the_service(admin_client):
    vendor = VendorFactory()
    response = admin_client.post(admin_url("product_add"), new_product_data(vendor))
    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(slug="linen-shirt")
    assert "onerror" not in product.description
    assert "script" not in product.description
    assert [group.name for group in product.option_groups.all()] == ["색상", "사이즈"]
    assert AuditEvent.objects.filter(
        event_type="catalog.ProductCreated", subject_id=str(product.pk)
    ).exists()


@pytest.mark.parametrize("price", ["-1", "abc"])
def test_bad_price_is_a_field_error_on_the_page(admin_client, price):
    response = admin_client.post(
        admin_url("product_add"), new_product_data(VendorFactory(), price=price)
    )
    assert response.status_code == 200
    assert "price" in response.context["adminform"].form.errors
    assert not Product.all_objects.exists()


def test_incomplete_notice_is_a_field_error_on_the_page(admin_client):
    response = admin_client.post(
        admin_url("product_add"), new_product_data(VendorFactory(), notice='{"color": "블랙"}')
    )
    assert response.status_code == 200
    assert "notice" in response.context["adminform"].form.errors


def test_generate_all_combinations_action_creates_the_variants(admin_client):
    admin_client.post(admin_url("product_add"), new_product_data(VendorFactory()))
    product = Product.objects.get(slug="linen-shirt")
    response = admin_client.post(
        admin_url("product_changelist"),
        {"action": "generate_all_combinations", "_selected_action": [product.pk]},
    )
    assert response.status_code == 302
    assert sorted(product.variants.values_list("label", flat=True)) == [
        "블랙 / M",
        "블랙 / S",
        "화이트 / M",
        "화이트 / S",
    ]


def product_with_grid():
    product = ProductFactory(price=Decimal(10000))
    services.set_options(
        product_id=product.pk, groups=[{"name": "색상", "values": ["블랙", "화이트"]}]
    )
    services.generate_variants(product_id=product.pk, stock=1)
    return product, list(product.variants.order_by("pk"))


def test_variant_grid_saves_price_and_stock_through_the_service(admin_client):
    product, variants = product_with_grid()
    data = changeform_post_data(admin_client.get(admin_url("product_change", product.pk)))
    data.update({"variants-0-stock": "25", "variants-1-extra_price": "-3000", "_save": "Save"})
    response = admin_client.post(admin_url("product_change", product.pk), data)
    assert response.status_code == 302
    assert Variant.objects.get(pk=variants[0].pk).stock == 25
    assert Variant.objects.get(pk=variants[1].pk).extra_price == Decimal(-3000)
    event = AuditEvent.objects.filter(event_type="catalog.ProductChanged").order_by("-pk")[0]
    assert event.payload["changes"][f"variants.{variants[0].pk}.stock"] == [1, 25]


def test_variant_grid_refuses_a_final_price_below_zero_and_saves_no_row(admin_client):
    product, variants = product_with_grid()
    data = changeform_post_data(admin_client.get(admin_url("product_change", product.pk)))
    data.update({"variants-0-stock": "25", "variants-1-extra_price": "-10001", "_save": "Save"})
    response = admin_client.post(admin_url("product_change", product.pk), data)
    assert response.status_code == 200
    grid = next(
        item.formset
        for item in response.context["inline_admin_formsets"]
        if item.formset.model is Variant
    )
    assert "extra_price" in grid.forms[1].errors
    assert Variant.objects.get(pk=variants[0].pk).stock == 1


def test_publish_hide_and_price_actions_go_through_the_services(admin_client):
    first = ProductFactory(status=Product.Status.DRAFT, price=Decimal(10000))
    second = ProductFactory(status=Product.Status.DRAFT, price=Decimal(20000))
    selected = [first.pk, second.pk]
    admin_client.post(
        admin_url("product_changelist"),
        {"action": "publish_products", "_selected_action": selected},
    )
    assert set(Product.objects.values_list("status", flat=True)) == {"on_sale"}
    admin_client.post(
        admin_url("product_changelist"),
        {"action": "hide_products", "_selected_action": [first.pk]},
    )
    assert Product.objects.get(pk=first.pk).status == "hidden"
    admin_client.post(
        admin_url("product_changelist"),
        {"action": "change_price_by_percent", "percent": "-10", "_selected_action": selected},
    )
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal(9000),
        Decimal(18000),
    ]
    assert AuditEvent.objects.filter(event_type="catalog.ProductStatusChanged").count() == 3
    assert AuditEvent.objects.filter(event_type="catalog.PriceChanged").count() == 2


def test_deleting_in_the_admin_is_a_soft_delete(admin_client):
    product = ProductFactory()
    response = admin_client.post(admin_url("product_delete", product.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert Product.all_objects.get(pk=product.pk).deleted_at is not None


def test_category_cannot_be_moved_under_its_own_child(admin_client):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    response = admin_client.post(
        admin_url("category_change", parent.pk),
        {"parent": str(child.pk), "name": parent.name, "slug": parent.slug, "position": "0"},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Category.objects.get(pk=parent.pk).parent_id is None


@pytest.fixture
def seller(db):
    vendor = VendorFactory()
    client = Client()
    client.force_login(MembershipFactory(vendor=vendor).user)
    return vendor, client


def seller_url(name, *args):
    return reverse(f"sellercenter:catalog_{name}", args=args)


def test_seller_adds_a_product_for_its_own_vendor_only(seller):
    vendor, client = seller
    other = VendorFactory()
    data = new_product_data(other)
    response = client.post(seller_url("product_add"), data)
    assert response.status_code == 302
    product = Product.objects.get(slug="linen-shirt")
    assert product.vendor_id == vendor.pk
    event = AuditEvent.objects.get(event_type="catalog.ProductCreated")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_seller_list_and_actions_never_touch_another_vendors_products(seller):
    vendor, client = seller
    own = ProductFactory(vendor=vendor, name="내 상품", status=Product.Status.DRAFT)
    theirs = ProductFactory(name="남의 상품", status=Product.Status.DRAFT)
    page = client.get(seller_url("product_changelist")).content.decode()
    assert "내 상품" in page
    assert "남의 상품" not in page
    client.post(
        seller_url("product_changelist"),
        {"action": "publish_products", "_selected_action": [own.pk, theirs.pk]},
    )
    assert Product.objects.get(pk=own.pk).status == "on_sale"
    assert Product.objects.get(pk=theirs.pk).status == "draft"


def test_seller_option_groups_are_saved_through_the_service(seller):
    vendor, client = seller
    product = ProductFactory(vendor=vendor)
    data = changeform_post_data(client.get(seller_url("product_change", product.pk)))
    data.update(
        {
            "option_groups-TOTAL_FORMS": "1",
            "option_groups-0-name": "사이즈",
            "option_groups-0-values_text": "250, 260, 270",
            "option_groups-0-position": "0",
            "_save": "Save",
        }
    )
    response = client.post(seller_url("product_change", product.pk), data)
    assert response.status_code == 302
    group = OptionGroup.objects.get(product=product)
    assert [value.value for value in group.values.all()] == ["250", "260", "270"]


def test_variant_grid_shows_final_price_and_availability(admin_client):
    product, variants = product_with_grid()
    services.update_variant_grid(
        product_id=product.pk,
        rows=[{"variant_id": variants[0].pk, "extra_price": 2500, "stock": 0}],
    )
    page = admin_client.get(admin_url("product_change", product.pk)).content.decode()
    assert "12,500" in page
    with translation.override("ko"):  # the page's language (LANGUAGE_CODE)
        assert translation.gettext("Out of stock") in page


def test_admin_product_list_query_count_does_not_grow_with_rows(
    admin_client, django_assert_num_queries
):
    category = CategoryFactory()
    ProductFactory().categories.add(category)
    page = admin_url("product_changelist")
    admin_client.get(page)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as one_row:
        admin_client.get(page)
    for _ in range(5):
        ProductFactory().categories.add(category)
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = admin_client.get(page)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 6


def test_seller_reusing_one_of_its_slugs_gets_a_slug_error(seller):
    vendor, client = seller
    ProductFactory(vendor=vendor, slug="linen-shirt")
    response = client.post(seller_url("product_add"), new_product_data(vendor))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Product.objects.filter(vendor=vendor).count() == 1


def test_generate_button_on_the_product_page_creates_the_combinations(admin_client):
    product = ProductFactory()
    services.set_options(
        product_id=product.pk, groups=[{"name": "색상", "values": ["블랙", "레드"]}]
    )
    page = admin_client.get(admin_url("product_change", product.pk)).content.decode()
    button_url = admin_url("product_generate_variants", product.pk)
    assert button_url in page
    assert admin_client.get(button_url).status_code == 405
    response = admin_client.post(button_url)
    assert response.status_code == 302
    assert product.variants.count() == 2


def test_seller_cannot_generate_combinations_of_another_vendors_product(seller):
    _vendor, client = seller
    theirs = ProductFactory()
    services.set_options(product_id=theirs.pk, groups=[{"name": "색상", "values": ["블랙"]}])
    response = client.post(seller_url("product_generate_variants", theirs.pk))
    assert response.status_code in {302, 404}
    assert not theirs.variants.exists()


def test_a_products_vendor_cannot_be_changed_in_the_admin(admin_client):
    product = ProductFactory()
    other = VendorFactory()
    response = admin_client.get(admin_url("product_change", product.pk))
    assert "vendor" not in response.context["adminform"].form.fields
    data = changeform_post_data(response)
    data.update({"vendor": str(other.pk), "_save": "Save"})
    admin_client.post(admin_url("product_change", product.pk), data)
    assert Product.objects.get(pk=product.pk).vendor_id == product.vendor_id


def test_deleted_products_are_listed_apart_read_only_and_can_be_restored(admin_client):
    live = ProductFactory(name="살아있는 상품")
    gone = ProductFactory(name="지운 상품")
    services.delete_product(product_id=gone.pk)
    listed = admin_client.get(admin_url("product_changelist")).content.decode()
    assert live.name in listed
    assert gone.name not in listed
    deleted_list = admin_client.get(admin_url("product_changelist") + "?deleted=yes")
    assert [row.pk for row in deleted_list.context["cl"].result_list] == [gone.pk]
    page = admin_client.get(admin_url("product_change", gone.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    admin_client.post(
        admin_url("product_changelist") + "?deleted=yes",
        {"action": "restore_products", "_selected_action": [gone.pk]},
    )
    assert Product.objects.filter(pk=gone.pk).exists()
    assert AuditEvent.objects.filter(event_type="catalog.ProductRestored").count() == 1


def test_seller_price_change_by_percent_skips_other_vendors_products(seller):
    vendor, client = seller
    own = ProductFactory(vendor=vendor, price=Decimal(10000))
    theirs = ProductFactory(price=Decimal(10000))
    client.post(
        seller_url("product_changelist"),
        {
            "action": "change_price_by_percent",
            "percent": "5",
            "_selected_action": [own.pk, theirs.pk],
        },
    )
    assert Product.objects.get(pk=own.pk).price == Decimal(10500)
    assert Product.objects.get(pk=theirs.pk).price == Decimal(10000)
    event = AuditEvent.objects.get(event_type="catalog.PriceChanged")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_price_change_without_a_percent_changes_nothing(admin_client):
    product = ProductFactory(price=Decimal(10000))
    response = admin_client.post(
        admin_url("product_changelist"),
        {"action": "change_price_by_percent", "percent": "", "_selected_action": [product.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Product.objects.get(pk=product.pk).price == Decimal(10000)
    assert len(list(response.context["messages"])) == 1


def test_grid_never_overwrites_a_sale_made_while_the_page_was_open(admin_client):
    product, variants = product_with_grid()
    page = admin_client.get(admin_url("product_change", product.pk))
    assert 'type="hidden" name="variants-0-stock_was" value="1"' in page.content.decode()
    data = changeform_post_data(page)
    services.adjust_stock(variant_id=variants[0].pk, delta=-1, reason="sold meanwhile")

    # Editing another column of the row leaves the stock as the sale left it.
    edit_price = {**data, "variants-0-extra_price": "500", "_save": "Save"}
    assert admin_client.post(admin_url("product_change", product.pk), edit_price).status_code == 302
    assert Variant.objects.get(pk=variants[0].pk).stock == 0

    # Typing a stock over the stale one is refused on the field.
    edit_stock = {**data, "variants-0-stock": "9", "_save": "Save"}
    response = admin_client.post(admin_url("product_change", product.pk), edit_stock)
    assert response.status_code == 200
    grid = next(
        item.formset
        for item in response.context["inline_admin_formsets"]
        if item.formset.model is Variant
    )
    assert "stock" in grid.forms[0].errors
    assert Variant.objects.get(pk=variants[0].pk).stock == 0


@pytest.mark.parametrize("site", ["admin", "seller"])
def test_product_page_query_count_does_not_grow_with_options_and_variants(
    site, admin_client, seller
):
    vendor, seller_client = seller
    client, url_of = (admin_client, admin_url) if site == "admin" else (seller_client, seller_url)
    counts = []
    for colors, sizes in [(["블랙"], ["S"]), (["블랙", "화이트", "레드"], ["S", "M", "L", "XL"])]:
        product = ProductFactory(vendor=vendor)
        groups = [{"name": "색상", "values": colors}, {"name": "사이즈", "values": sizes}]
        if len(colors) > 1:
            groups.append({"name": "소재", "values": ["면", "린넨"]})
        services.set_options(product_id=product.pk, groups=groups)
        services.generate_variants(product_id=product.pk)
        page = url_of("product_change", product.pk)
        client.get(page)  # warm the session and content-type caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
