"""CSV and Excel import and export of products and variants: all rows or none, through the services."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import services
from catalog.importexport import formats
from catalog.importexport.formats import FileRefusedError
from catalog.importexport.services import export_catalog, import_catalog, snapshot
from catalog.models import Product, Variant
from catalog.notices import NoticeType
from shop.models import AuditEvent
from tests.catalog.factories import CategoryFactory, ProductFactory, full_notice
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "판매자",
    "상품 슬러그",
    "상품명",
    "판매가",
    "카테고리",
    "옵션명1",
    "옵션값1",
    "옵션가",
    "재고",
    "상품정보고시",
]
# A new product needs a complete 상품정보고시 of its type ("other goods" by default).
NOTICE = json.dumps(full_notice(NoticeType.ETC), ensure_ascii=False)


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in their English source text; the shop's default is Korean.
    with translation.override("en"):
        yield


@pytest.fixture
def vendor():
    return VendorFactory(slug="acme")


@pytest.fixture
def shirts(vendor):
    return CategoryFactory(slug="shirts")


def make_product(vendor, slug="linen-shirt", name="린넨 셔츠", price=39000, **values):
    product = services.create_product(
        vendor_id=vendor.pk,
        name=name,
        slug=slug,
        price=price,
        status="on_sale",
        notice_type=NoticeType.ETC,
        notice=full_notice(NoticeType.ETC),
        **values,
    )
    services.set_options(
        product_id=product.pk,
        groups=[
            {"name": "색상", "values": ["블랙", "화이트"]},
            {"name": "사이즈", "values": ["S", "M"]},
        ],
    )
    services.generate_variants(product_id=product.pk, stock=5)
    return product


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def new_rows(count, vendor="acme", category="shirts"):
    return [
        [vendor, f"tee-{n}", f"티셔츠 {n}", "12000", category, "색상", "블랙", "0", "3", NOTICE]
        for n in range(count)
    ]


def import_file(data, name="products.csv", **kwargs):
    return import_catalog(name=name, data=data, **kwargs)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read Korean UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def event_count():
    return AuditEvent.objects.count()


def last_event_id():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def new_event_types(after_id):
    return list(
        AuditEvent.objects.filter(pk__gt=after_id)
        .order_by("pk")
        .values_list("event_type", flat=True)
    )


# --- Round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_then_importing_the_same_file_changes_nothing(vendor, shirts, file_format):
    product = make_product(vendor, categories=[shirts.pk], brand="=HYPERLINK(1)")
    plain = services.create_product(
        vendor_id=vendor.pk,
        name="옵션 없는 상품",
        slug="plain",
        price=1000,
        notice_type=NoticeType.ETC,
        notice=full_notice(NoticeType.ETC),
    )
    services.generate_variants(product_id=plain.pk, stock=2)
    before = [snapshot(product.pk), snapshot(plain.pk)]
    exported = export_catalog(products=Product.objects.all(), file_format=file_format)
    events = last_event_id()

    result = import_file(exported.data, name=f"products.{file_format}")

    assert result.errors == []
    assert result.applied
    assert (result.products_created, result.products_updated, result.products_unchanged) == (
        0,
        0,
        2,
    )
    assert (result.variants_created, result.variants_updated) == (0, 0)
    assert [snapshot(product.pk), snapshot(plain.pk)] == before
    # Only the import's own summary was recorded: no product event, nothing changed.
    assert new_event_types(events) == ["catalog.CatalogImported"]


def test_export_has_korean_headers_and_one_row_per_variant(vendor, shirts):
    make_product(vendor, categories=[shirts.pk])
    rows = read_csv(export_catalog(products=Product.objects.all(), file_format="csv").data)
    assert rows[0][:4] == ["상품번호", "판매자", "상품 슬러그", "상품명"]
    assert {"옵션명1", "옵션값1", "옵션명2", "옵션값2", "옵션가", "재고"} <= set(rows[0])
    header = rows[0]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert len(body) == 4
    assert {(row["옵션값1"], row["옵션값2"]) for row in body} == {
        ("블랙", "S"),
        ("블랙", "M"),
        ("화이트", "S"),
        ("화이트", "M"),
    }
    assert {row["카테고리"] for row in body} == {"shirts"}
    assert json.loads(body[0]["상품정보고시"]) == full_notice(NoticeType.ETC)


def test_export_is_audited_as_a_bulk_read(vendor):
    make_product(vendor)
    export_catalog(products=Product.objects.all(), file_format="csv", vendor_id=vendor.pk)
    event = AuditEvent.objects.get(event_type="catalog.CatalogExported")
    assert event.payload["row_count"] == 4
    assert event.payload["vendor_id"] == vendor.pk


def test_export_query_count_does_not_grow_with_products(vendor):
    make_product(vendor, slug="a")
    with CaptureQueriesContext(connection) as one:
        export_catalog(products=Product.objects.all(), file_format="csv")
    for n in range(4):
        make_product(vendor, slug=f"more-{n}")
    with CaptureQueriesContext(connection) as five:
        export_catalog(products=Product.objects.all(), file_format="xlsx")
    assert len(five) == len(one)


# --- Creating and updating --------------------------------------------------------------------


def test_import_creates_products_with_variants_through_the_services(vendor, shirts):
    data = csv_bytes(
        [
            ["acme", "tee", "티셔츠", "12000", "shirts", "색상", "블랙", "0", "3", NOTICE],
            ["acme", "tee", "", "", "", "색상", "화이트", "1000", "4", ""],
        ]
    )
    result = import_file(data)
    assert result.errors == []
    assert (result.products_created, result.variants_created) == (1, 2)
    product = Product.objects.get(slug="tee")
    assert product.vendor_id == vendor.pk
    assert list(product.categories.all()) == [shirts]
    assert {(v.label, v.extra_price, v.stock) for v in product.variants.all()} == {
        ("블랙", Decimal(0), 3),
        ("화이트", Decimal(1000), 4),
    }
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"catalog.ProductCreated", "catalog.VariantsGenerated", "catalog.CatalogImported"} <= (
        types
    )
    summary = AuditEvent.objects.get(event_type="catalog.CatalogImported").payload
    assert (summary["products_created"], summary["variants_created"]) == (1, 2)


def test_import_updates_price_and_stock_and_adds_a_new_option_value(vendor):
    product = make_product(vendor)
    exported = read_csv(export_catalog(products=Product.objects.all(), file_format="csv").data)
    header, rows = exported[0], exported[1:]
    col = {name: header.index(name) for name in header}
    for row in rows:
        row[col["판매가"]] = "41000"
        row[col["재고"]] = "9"
    extra = list(rows[0])
    extra[col["옵션값1"]], extra[col["옵션값2"]], extra[col["재고"]] = "네이비", "S", "1"
    result = import_file(csv_bytes([*rows, extra], header=header))
    assert result.errors == []
    assert (result.products_updated, result.variants_created, result.variants_updated) == (1, 1, 4)
    product.refresh_from_db()
    assert product.price == Decimal(41000)
    assert sorted(product.variants.values_list("stock", flat=True)) == [1, 9, 9, 9, 9]
    assert product.variants.filter(label="네이비 / S").exists()


def test_dry_run_reports_counts_and_writes_nothing(vendor, shirts):
    events = event_count()
    result = import_file(csv_bytes(new_rows(3)), dry_run=True)
    assert result.ok
    assert not result.applied
    assert result.products_created == 3
    assert not Product.all_objects.exists()
    assert event_count() == events


# --- Bad rows: nothing is imported ------------------------------------------------------------


def test_a_bad_category_on_row_57_leaves_everything_untouched(vendor, shirts):
    existing = make_product(vendor)
    before = snapshot(existing.pk)
    rows = new_rows(60)
    rows[55][4] = "no-such-category"  # the 56th data row is row 57 under the header
    events = event_count()

    result = import_file(csv_bytes(rows))

    assert not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(57, "카테고리")]
    assert "no-such-category" in result.errors[0].message
    assert Product.objects.count() == 1
    assert snapshot(existing.pk) == before
    assert event_count() == events


@pytest.mark.parametrize("price", ["-1", "abc", "1000.5"])
def test_negative_or_non_numeric_price_is_a_row_error(vendor, shirts, price):
    rows = new_rows(3)
    rows[1][3] = price
    result = import_file(csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "판매가")]
    assert not Product.objects.exists()


def test_a_duplicate_option_combination_names_both_rows(vendor, shirts):
    rows = [
        ["acme", "tee", "티셔츠", "12000", "shirts", "색상", "블랙", "0", "3", NOTICE],
        ["acme", "tee", "티셔츠", "12000", "shirts", "색상", "블랙", "500", "1", NOTICE],
    ]
    result = import_file(csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "옵션값1")]
    assert "row 2" in result.errors[0].message
    assert not Product.objects.exists()


def test_service_rules_refuse_rows_too_and_every_bad_row_is_reported(vendor, shirts):
    make_product(vendor, slug="taken", price=1000)
    rows = [
        # 옵션가 below minus the price: the service's rule, reported on its row.
        ["acme", "cheap", "싼 상품", "1000", "shirts", "색상", "블랙", "-2000", "1", NOTICE],
        ["acme", "fine", "괜찮은 상품", "1000", "shirts", "색상", "블랙", "0", "1", NOTICE],
        ["acme", "bad-stock", "재고 오류", "1000", "shirts", "색상", "블랙", "0", "-3", NOTICE],
    ]
    result = import_file(csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "옵션가"), (4, "재고")]
    assert set(Product.objects.values_list("slug", flat=True)) == {"taken"}


def test_a_new_product_without_a_complete_notice_is_refused_by_the_service(vendor):
    header = ["판매자", "상품 슬러그", "상품명", "판매가", "상품정보고시 유형", "상품정보고시"]
    rows = [["acme", "dress", "원피스", "50000", "clothing", json.dumps({"color": "블랙"})]]
    result = import_file(csv_bytes(rows, header=header))
    assert [e.column for e in result.errors] == ["상품정보고시"]
    assert not Product.objects.exists()


def test_unknown_and_missing_columns_are_header_errors(vendor):
    data = csv_bytes([["acme", "x", "1000"]], header=["판매자", "상품 슬러그", "가격이요"])
    result = import_file(data)
    assert {(e.row, e.column) for e in result.errors} == {
        (1, "가격이요"),
        (1, "상품명"),
        (1, "판매가"),
    }


# --- Encodings, formats, limits ------------------------------------------------------------------


def test_a_cp949_csv_from_korean_excel_is_read(vendor, shirts):
    result = import_file(csv_bytes(new_rows(2), encoding="cp949"))
    assert result.errors == []
    assert set(Product.objects.values_list("name", flat=True)) == {"티셔츠 0", "티셔츠 1"}


def test_an_xlsx_file_is_read_with_numbers_as_numbers(vendor, shirts):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["acme", "mug", "머그컵", 12000, "shirts", "색상", "블랙", -1000.0, 7, NOTICE])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file(buffer.getvalue(), name="상품.xlsx")
    assert result.errors == []
    variant = Variant.objects.get(product__slug="mug")
    assert (variant.extra_price, variant.stock) == (Decimal(-1000), 7)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_cells_are_quoted_on_export_and_restored_on_import(vendor, file_format):
    product = make_product(vendor, name="=cmd|' /C calc'!A0", brand="@SUM(1)", summary="-2+3")
    exported = export_catalog(products=Product.objects.all(), file_format=file_format)
    if file_format == "csv":
        cells = [cell for row in read_csv(exported.data) for cell in row]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
        cells = [cell.value for row in sheet.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1)" in cells
    assert "'-2+3" in cells
    assert not any(isinstance(cell, str) and cell.startswith(("=", "@", "+")) for cell in cells)
    # Negative numbers stay numbers, not quoted text.
    result = import_file(exported.data, name=f"p.{file_format}")
    assert result.errors == []
    assert result.products_unchanged == 1
    product.refresh_from_db()
    assert (product.name, product.brand, product.summary) == (
        "=cmd|' /C calc'!A0",
        "@SUM(1)",
        "-2+3",
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("products.pdf", b"%PDF-1.4", "not a CSV or Excel"),
        ("products.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("products.csv", b"PK\x03\x04binary", "not a text"),
        ("products.xlsx", b"a,b\n1,2\n", "not an Excel"),
        ("products.csv", "상품명".encode("utf-16"), "neither UTF-8"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused_naming_the_file(name, data, message):
    with pytest.raises(FileRefusedError) as refused:
        import_file(data, name=name)
    assert message in refused.value.message
    assert name in refused.value.message


def test_a_file_too_big_or_with_too_many_rows_is_refused(vendor, shirts, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 5
    with pytest.raises(FileRefusedError, match="more than 5 rows"):
        import_file(csv_bytes(new_rows(6)))
    settings.CATALOG_IMPORT_MAX_BYTES = 1024 * 1024
    with pytest.raises(FileRefusedError, match="larger than 1 MB"):
        import_file(b"a" * (1024 * 1024 + 1))
    assert not Product.objects.exists()


def test_an_xlsx_zip_bomb_is_refused(settings):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (200 * 1024 * 1024))
    with pytest.raises(FileRefusedError, match="larger than"):
        import_file(buffer.getvalue(), name="bomb.xlsx")


def test_escape_and_unescape_are_inverse():
    for text in ["=1", "+1", "-1", "@a", "\tx", "'x", "''=y", "plain", "'"]:
        assert formats.unescape(formats.escape(text)) == text


# --- Vendor scoping -------------------------------------------------------------------------------


def test_a_seller_cannot_import_into_another_vendors_product_by_its_number(vendor):
    theirs = make_product(VendorFactory(slug="other"), slug="their-shirt")
    before = snapshot(theirs.pk)
    header = ["상품번호", "상품 슬러그", "상품명", "판매가"]
    result = import_file(
        csv_bytes([[str(theirs.pk), "their-shirt", "가로챈 이름", "1"]], header=header),
        vendor_id=vendor.pk,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "상품번호")]
    assert snapshot(theirs.pk) == before
    assert not Product.objects.filter(vendor=vendor).exists()


def test_a_seller_file_naming_another_vendor_is_refused(vendor, shirts):
    other = VendorFactory(slug="other")
    make_product(other, slug="tee-0")
    result = import_file(csv_bytes(new_rows(1, vendor="other")), vendor_id=vendor.pk)
    assert [(e.row, e.column) for e in result.errors] == [(2, "판매자")]
    assert Product.objects.filter(vendor=vendor).count() == 0


def test_a_seller_file_without_vendor_column_goes_to_the_sellers_vendor(vendor, shirts):
    other = VendorFactory(slug="other")
    theirs = make_product(other, slug="tee-0", price=5)
    rows = [row[1:] for row in new_rows(1)]
    result = import_file(csv_bytes(rows, header=HEADER[1:]), vendor_id=vendor.pk)
    assert result.errors == []
    assert result.products_created == 1
    assert Product.objects.get(vendor=vendor, slug="tee-0").price == Decimal(12000)
    theirs.refresh_from_db()
    assert theirs.price == Decimal(5)


def test_the_platform_import_needs_the_vendor_and_never_moves_a_product(vendor):
    product = make_product(vendor)
    other = VendorFactory(slug="other")
    header = ["상품번호", "판매자", "상품 슬러그", "상품명", "판매가"]
    result = import_file(
        csv_bytes([[str(product.pk), other.slug, product.slug, product.name, "1"]], header=header)
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "판매자")]
    assert Product.objects.get(pk=product.pk).vendor_id == vendor.pk
    result = import_file(csv_bytes([["x"]], header=["상품 슬러그"]))
    assert (1, "판매자") in [(e.row, e.column) for e in result.errors]


def test_a_soft_deleted_products_slug_is_not_reused_by_an_import(vendor, shirts):
    gone = ProductFactory(vendor=vendor, slug="tee-0")
    services.delete_product(product_id=gone.pk)
    result = import_file(csv_bytes(new_rows(1)))
    assert [(e.row, e.column) for e in result.errors] == [(2, "상품 슬러그")]
