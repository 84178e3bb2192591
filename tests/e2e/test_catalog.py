"""A product from the admin to the shopper: options, variant grid, image, storefront price."""

import json
import re
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from celery.signals import task_postrun
from django.conf import settings
from playwright.sync_api import expect

from catalog.models import Product
from catalog.notices import NoticeType, notice_fields
from tests.accounts.factories import UserFactory
from tests.catalog import media_files
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.vendors.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # UserFactory's
NOTICE = json.dumps(
    dict.fromkeys(notice_fields(NoticeType.ETC), "상세페이지 참조"), ensure_ascii=False
)
GENERATE_BUTTON = "form[action$='/generate-variants/'] button"  # "모든 조합 생성"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def serve_media(page, base_url: str, media_root: Path) -> None:
    """Answer MEDIA_URL from MEDIA_ROOT, as the web server or CDN in front of the shop does
    (the Django app itself serves no media)."""
    prefix = base_url + settings.MEDIA_URL

    def fulfil(route) -> None:
        path = media_root / route.request.url.removeprefix(prefix).split("?", 1)[0]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    page.route(prefix + "**", fulfil)


@pytest.fixture
def image_processed() -> Iterator[threading.Event]:
    """An event the Celery worker sets when it has finished processing an image."""
    done = threading.Event()

    def finished(sender=None, **kwargs) -> None:
        if sender is not None and sender.name == "catalog.tasks.process_image":
            done.set()

    task_postrun.connect(finished, weak=False)
    yield done
    task_postrun.disconnect(finished)


def sign_in(page, email: str, start: str) -> None:
    page.goto(start)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form:has(#id_login) button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(start) + "$"))


# The image goes the production way: the upload commits, its task goes through Redis to a
# real Celery worker on the media queue (``celery_worker`` in tests/conftest.py), as in CI
# with REDIS_URL set. Without Redis or PostgreSQL (the worker thread needs a database it
# can share with the live server) the test skips on a laptop and fails in CI.
@pytest.mark.postgres
@pytest.mark.redis
def test_staff_create_a_product_with_options_and_a_shopper_sees_the_option_price(
    desktop_page,
    page,
    live_server,
    celery_worker,
    image_processed,
    media_root,
    screenshot,
    page_errors,
    tmp_path,
) -> None:
    admin = desktop_page
    serve_media(admin, live_server.url, media_root)
    serve_media(page, live_server.url, media_root)
    staff = UserFactory(email="md@shop.example", is_staff=True, is_superuser=True)
    vendor = VendorFactory(name="서울마켓")
    category = CategoryFactory(name="셔츠", slug="shirts")

    sign_in(admin, staff.email, "/admin/")
    admin.goto("/admin/catalog/product/add/")

    # Vendor: the autocomplete (select2) asks the admin's search for "서울".
    admin.locator(".field-vendor .select2-selection").click()
    admin.locator(".select2-search__field").fill("서울")
    admin.locator(".select2-results__option", has_text="서울마켓").click()
    admin.locator("#id_slug").fill("linen-shirt")  # first: a typed slug stops prepopulation
    admin.locator("#id_name").fill("린넨 셔츠")
    admin.locator("#id_summary").fill("시원한 여름 셔츠")
    admin.locator("#id_price").fill("39000")
    admin.locator("#id_categories_from").select_option(label=category.name)
    admin.locator("#id_categories_add").click()
    expect(admin.locator("#id_categories_to option")).to_have_text([category.name])
    admin.locator("#id_notice").fill(NOTICE)
    # Two option groups: the inline has one empty row, the second comes from "add another".
    admin.locator("#id_option_groups-0-name").fill("색상")
    admin.locator("#id_option_groups-0-values_text").fill("블랙, 화이트")
    admin.locator("#option_groups-group .add-row a").click()
    admin.locator("#id_option_groups-1-name").fill("사이즈")
    admin.locator("#id_option_groups-1-values_text").fill("M, L")
    admin.locator("#id_option_groups-1-position").fill("1")
    photo = tmp_path / "linen-front.jpg"
    photo.write_bytes(media_files.image_bytes(1200, 900))
    admin.locator("#id_media-0-original").set_input_files(photo)
    admin.locator("#id_media-0-alt_text").fill("린넨 셔츠 앞면")
    screenshot(admin, "admin-add")
    admin.locator("input[name=_continue]").click()
    expect(admin).to_have_url(re.compile(r"/admin/catalog/product/\d+/change/$"))
    expect(admin.locator("ul.messagelist")).to_contain_text("린넨 셔츠")
    screenshot(admin, "admin-saved")
    admin.locator(GENERATE_BUTTON).click()  # "모든 조합 생성": 2 colours x 2 sizes

    # The variant grid: 옵션가 and stock of every combination in one table.
    grid = {
        "블랙 / M": ("0", "5"),
        "블랙 / L": ("2000", "3"),
        "화이트 / M": ("0", "4"),
        "화이트 / L": ("2000", "0"),  # out of stock
    }
    rows = admin.locator("#variants-group tr.form-row")
    expect(rows.locator("td.field-label")).to_have_text(list(grid))
    expect(admin.locator("ul.messagelist")).to_contain_text("4")
    screenshot(admin, "admin-generated")
    for label, (extra_price, stock) in grid.items():
        row = rows.filter(has=admin.locator("td.field-label", has_text=label))
        row.locator("input[name$=-extra_price]").fill(extra_price)
        row.locator("input[name$=-stock]").fill(stock)
    screenshot(admin, "admin-variant-grid")
    admin.locator("input[name=_continue]").click()
    expect(admin.locator("ul.messagelist")).to_contain_text("린넨 셔츠")  # saved, not generated
    black_large = rows.filter(has=admin.locator("td.field-label", has_text="블랙 / L"))
    expect(black_large.locator("td.field-final_price")).to_have_text("41,000원")
    expect(black_large.locator("input[name$=-stock]")).to_have_value("3")
    white_large = rows.filter(has=admin.locator("td.field-label", has_text="화이트 / L"))
    expect(white_large.locator("td.field-availability")).to_have_text("품절")

    # The worker processes the image off the request; once it has, the page shows the
    # thumbnail (the 320 px WebP rendition) and the status "ready".
    assert image_processed.wait(timeout=60), "the worker never finished the image"
    admin.reload()
    thumbnail = admin.locator("#media-group td.field-preview img")
    expect(thumbnail).to_have_attribute("alt", "린넨 셔츠 앞면")
    expect(thumbnail).to_have_js_property("naturalWidth", 320)  # loaded, at its 320 px width
    expect(admin.locator("#media-group td.field-processing_status").first).to_have_text("준비됨")
    screenshot(admin, "admin-thumbnail")

    # Publish from the list: the bulk action puts it on sale.
    admin.goto("/admin/catalog/product/")
    admin.locator("#result_list tr", has_text="린넨 셔츠").locator("input.action-select").check()
    admin.locator("select[name=action]").select_option("publish_products")
    admin.locator("button[name=index]").click()
    expect(admin.locator("ul.messagelist")).to_be_visible()
    expect(admin.locator("#result_list tr", has_text="린넨 셔츠")).to_contain_text("판매 중")
    screenshot(admin, "admin-published")
    product = Product.objects.get(slug="linen-shirt")
    assert product.status == Product.Status.ON_SALE
    assert list(product.categories.all()) == [category]
    assert product.vendor == vendor
    assert {v.label: (v.extra_price, v.stock) for v in product.variants.all()} == {
        label: (Decimal(extra_price), int(stock)) for label, (extra_price, stock) in grid.items()
    }

    # The shopper finds it in its category and on the search page.
    shopper = page
    shopper.goto(f"/c/{category.slug}/")
    card = shopper.locator(".product-card", has_text="린넨 셔츠")
    expect(card.locator(".product-card__price")).to_have_text("39,000원")
    expect(card.locator("img")).to_have_attribute("srcset", re.compile(r"/320\.webp 320w"))
    expect(card.locator("img")).not_to_have_js_property("naturalWidth", 0)  # it loaded
    screenshot(shopper, "category")
    shopper.locator("#site-search").fill("린넨")
    shopper.locator("#site-search").press("Enter")
    expect(shopper).to_have_url(re.compile(r"/search/\?q="))
    screenshot(shopper, "search")
    shopper.locator(".product-card", has_text="린넨 셔츠").get_by_role("link").click()
    expect(shopper.locator("h1.product__name")).to_have_text("린넨 셔츠")
    expect(shopper.locator("#product-price")).to_have_text("39,000원")
    screenshot(shopper, "product")

    colour, size = (
        shopper.locator(".option-select").nth(0),
        shopper.locator(".option-select").nth(1),
    )
    colour.select_option(label="블랙")
    size.select_option(label="L")
    expect(shopper.locator("#product-price")).to_have_text("41,000원")  # 39,000 + 2,000 옵션가
    expect(shopper.locator("#product-total")).to_have_text("41,000원")
    expect(shopper.locator("#variant-status")).to_contain_text("블랙 / L")
    screenshot(shopper, "black-large")

    size.select_option(label="M")
    expect(shopper.locator("#product-price")).to_have_text("39,000원")
    expect(shopper.locator("#variant-status")).to_contain_text("블랙 / M")

    # 화이트 / L has no stock: with 화이트 chosen, L is marked sold out and cannot be picked.
    colour.select_option(label="화이트")
    large = size.locator("option", has_text="L")
    expect(large).to_have_text("L (품절)")
    expect(large).to_be_disabled()
    expect(shopper.locator("#variant-status")).to_contain_text("화이트 / M")
    expect(shopper.locator("#variant-status")).to_contain_text("4")
    expect(shopper.locator(".variant-list__item.is-soldout")).to_have_count(1)
    expect(shopper.locator(".variant-list__item.is-soldout")).to_contain_text("화이트 / L")
    expect(shopper.locator(".variant-list__item.is-soldout")).to_contain_text("품절")
    screenshot(shopper, "white-large-sold-out")
    assert admin.page_errors == []
    assert page_errors == []


def test_vendor_owner_creates_a_product_in_the_seller_center_and_sees_only_their_own(
    desktop_page, live_server, screenshot, transactional_db
) -> None:
    page = desktop_page
    own_vendor, other_vendor = VendorFactory(name="서울마켓"), VendorFactory(name="부산상회")
    other = ProductFactory(vendor=other_vendor, name="부산 어묵", slug="fishcake")
    owner = MembershipFactory(vendor=own_vendor, user=UserFactory(email="owner@seoul.example"))

    sign_in(page, owner.user.email, "/seller/")
    page.goto("/seller/catalog/product/")
    expect(page.locator("#result_list")).to_have_count(0)  # nothing of their own yet
    expect(page.locator("body")).not_to_contain_text(other.name)
    page.goto("/seller/catalog/product/add/")
    expect(page.locator("#id_vendor")).to_have_count(0)  # the product is the member's vendor's
    page.locator("#id_slug").fill("tumbler")
    page.locator("#id_name").fill("보온 텀블러")
    page.locator("#id_price").fill("18000")
    page.locator("#id_notice").fill(NOTICE)
    page.locator("#id_option_groups-0-name").fill("용량")
    page.locator("#id_option_groups-0-values_text").fill("350ml, 500ml")
    screenshot(page, "seller-add")
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist")).to_contain_text("보온 텀블러")
    page.locator(GENERATE_BUTTON).click()
    rows = page.locator("#variants-group tr.form-row")
    expect(rows.locator("td.field-label")).to_have_text(["350ml", "500ml"])
    screenshot(page, "seller-generated")

    page.goto("/seller/catalog/product/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("보온 텀블러")
    expect(page.locator("body")).not_to_contain_text(other.name)
    screenshot(page, "seller-list")
    created = Product.objects.get(slug="tumbler")
    assert created.vendor == own_vendor
    assert created.variants.count() == 2
    assert page.page_errors == []
