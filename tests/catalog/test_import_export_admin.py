"""The import and export pages of the product list, on the platform admin and the seller center."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog.models import Product
from shop.models import AuditEvent
from tests.catalog.factories import CategoryFactory, ProductFactory
from tests.catalog.test_import_export import HEADER, csv_bytes, make_product, new_rows
from tests.vendors.factories import MembershipFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def english_client() -> Client:
    """A browser asking for English pages, so the messages below read in English."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def _shirts():
    return CategoryFactory(slug="shirts")


@pytest.fixture
def admin_client(staff_user):
    client = english_client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def seller():
    vendor = VendorFactory(slug="acme")
    client = english_client()
    client.force_login(MembershipFactory(vendor=vendor).user)
    return vendor, client


def url(site, name):
    return reverse(f"{site}:catalog_product_{name}")


def upload(data, name="products.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def csv_rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("site", ["admin", "sellercenter"])
def test_the_product_list_has_import_and_export_buttons(site, admin_client, seller):
    client = admin_client if site == "admin" else seller[1]
    page = client.get(url(site, "changelist")).content.decode()
    assert url(site, "import") in page
    assert f"{url(site, 'export')}?format=csv" in page
    assert f"{url(site, 'export')}?format=xlsx" in page
    assert client.get(url(site, "import")).status_code == 200


def test_admin_preview_writes_nothing_and_confirm_imports(admin_client):
    VendorFactory(slug="acme")
    response = admin_client.post(url("admin", "import"), {"file": upload(csv_bytes(new_rows(2)))})
    assert response.status_code == 200
    assert response.context["result"].products_created == 2
    token = response.context["token"]
    assert token
    assert "Confirm the import" in response.content.decode()
    assert not Product.objects.exists()

    response = admin_client.post(url("admin", "import"), {"token": token})
    assert response.status_code == 302
    assert Product.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="catalog.CatalogImported").count() == 1
    # A token is used once: a second confirm (a double click) imports nothing more.
    response = admin_client.post(url("admin", "import"), {"token": token})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="catalog.CatalogImported").count() == 1


def test_a_file_with_a_bad_row_shows_every_error_and_no_confirm_button(admin_client):
    VendorFactory(slug="acme")
    rows = new_rows(3)
    rows[0][3] = "-5"
    rows[2][4] = "nope"
    response = admin_client.post(url("admin", "import"), {"file": upload(csv_bytes(rows))})
    page = response.content.decode()
    assert response.status_code == 200
    assert [(e.row, e.column) for e in response.context["errors"]] == [
        (2, "판매가"),
        (4, "카테고리"),
    ]
    assert "import-errors" in page
    assert "nope" in page
    assert not response.context["token"]
    assert not Product.objects.exists()


def test_a_file_of_another_kind_or_too_big_is_a_form_error(admin_client, settings):
    response = admin_client.post(url("admin", "import"), {"file": upload(b"%PDF", "a.pdf")})
    assert "not a CSV or Excel" in str(response.context["form"].errors["file"])
    settings.CATALOG_IMPORT_MAX_BYTES = 1024 * 1024
    big = upload(b"x" * (1024 * 1024 + 10))
    response = admin_client.post(url("admin", "import"), {"file": big})
    assert "larger than 1 MB" in str(response.context["form"].errors["file"])
    assert response.context["result"] is None


def test_a_confirm_token_belongs_to_the_user_who_previewed(admin_client, staff_user):
    from tests.accounts.factories import UserFactory

    VendorFactory(slug="acme")
    response = admin_client.post(url("admin", "import"), {"file": upload(csv_bytes(new_rows(1)))})
    token = response.context["token"]
    intruder = english_client()
    intruder.force_login(UserFactory(is_staff=True, is_superuser=True))
    intruder.post(url("admin", "import"), {"token": token})
    assert not Product.objects.exists()


def test_admin_export_follows_the_list_filters_and_is_audited(admin_client):
    vendor = VendorFactory(slug="acme")
    make_product(vendor, slug="a")
    hidden = ProductFactory(vendor=vendor, slug="b", status=Product.Status.HIDDEN)
    response = admin_client.get(
        url("admin", "export"), {"format": "csv", "status__exact": "hidden"}
    )
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    rows = csv_rows(response)
    assert {row[2] for row in rows[1:]} == {hidden.slug}
    assert AuditEvent.objects.filter(event_type="catalog.CatalogExported").count() == 1


def test_admin_export_action_downloads_the_selected_rows_as_excel(admin_client):
    import openpyxl

    vendor = VendorFactory(slug="acme")
    chosen = make_product(vendor, slug="a")
    make_product(vendor, slug="b")
    response = admin_client.post(
        url("admin", "changelist"),
        {"action": "export_products_xlsx", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    slugs = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert slugs == {"a"}


def test_seller_export_has_only_the_sellers_products(seller):
    vendor, client = seller
    make_product(vendor, slug="mine")
    make_product(VendorFactory(), slug="theirs")
    for response in [
        client.get(url("sellercenter", "export"), {"format": "csv"}),
        client.post(
            url("sellercenter", "changelist"),
            {
                "action": "export_products_csv",
                "_selected_action": list(Product.objects.values_list("pk", flat=True)),
            },
        ),
    ]:
        rows = csv_rows(response)
        assert {row[2] for row in rows[1:]} == {"mine"}
    event = AuditEvent.objects.filter(event_type="catalog.CatalogExported").first()
    assert (event.actor_kind, event.payload["vendor_id"]) == ("vendor", vendor.pk)


def test_seller_import_goes_to_the_sellers_vendor_and_refuses_another(seller):
    vendor, client = seller
    theirs = make_product(VendorFactory(slug="other"), slug="theirs", price=5)
    header = ["상품번호", *HEADER[1:]]
    rows = [[str(theirs.pk), *row[1:]] for row in new_rows(1)]
    response = client.post(url("sellercenter", "import"), {"file": upload(csv_bytes(rows, header))})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "상품번호")]

    response = client.post(url("sellercenter", "import"), {"file": upload(csv_bytes(new_rows(1)))})
    token = response.context["token"]
    client.post(url("sellercenter", "import"), {"token": token})
    assert list(Product.objects.filter(vendor=vendor).values_list("slug", flat=True)) == ["tee-0"]
    theirs.refresh_from_db()
    assert theirs.name != "티셔츠 0"
    event = AuditEvent.objects.get(event_type="catalog.CatalogImported")
    assert (event.actor_kind, event.actor_vendor_id) == ("vendor", vendor.pk)


def test_seller_staff_without_add_permission_cannot_import():
    vendor = VendorFactory(slug="acme")
    client = english_client()
    client.force_login(MembershipFactory(vendor=vendor, role="staff").user)
    assert client.get(url("sellercenter", "import")).status_code == 403
    page = client.get(url("sellercenter", "changelist")).content.decode()
    assert url("sellercenter", "import") not in page
