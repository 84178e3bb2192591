"""Turn a file's rows into one plan per product, collecting every row-level error.

Nothing is written here. Each cell is checked on its own (numbers, statuses, Y/N,
JSON), the rows of one product are checked against each other (the same product
values, the same option groups, no option combination twice), and the names the file
uses (vendors, categories, product numbers) are looked up in a few queries for the
whole file. The rules that need the database state (a slug already taken, a complete
product notice, an 옵션가 that would sink a price below zero) are the services' and
are checked when the plans are applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from catalog import services
from catalog.exceptions import CatalogError
from catalog.importexport import layout
from catalog.importexport.formats import Table
from catalog.models import Category, Product
from catalog.notices import NoticeType
from vendors.models import Vendor

TRUE_WORDS = {"y", "yes", "true", "1", "o", "예", "네", "사용", "판매"}
FALSE_WORDS = {"n", "no", "false", "0", "x", "아니오", "아니요", "미사용", "중지"}


@dataclass(frozen=True, order=True)
class RowError:
    """One error of the file: its row (1 is the header), the column's header and the message."""

    row: int
    column: str
    message: str


@dataclass
class VariantRow:
    row: int
    options: list[tuple[str, str]]
    sku: str | None = None
    extra_price: Decimal | None = None
    stock: int | None = None
    active: bool | None = None


@dataclass
class ProductPlan:
    """What the file says about one product: its values and its variants' rows."""

    first_row: int
    vendor_id: int
    product_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    categories: list[int] | None = None
    variants: list[VariantRow] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    failed: bool = False


class Parser:
    """Read a ``Table`` into ``ProductPlan``s for the acting vendor (None: the platform)."""

    def __init__(self, table: Table, *, acting_vendor_id: int | None) -> None:
        self.table = table
        self.acting_vendor_id = acting_vendor_id
        self.errors: list[RowError] = []
        self.keys: list[str | None] = []
        self.option_count = 0

    def error(self, row: int, key: str, message: str) -> None:
        column = layout.header_of(key) if key else ""
        self.errors.append(RowError(row, column, message))

    # --- The header ----------------------------------------------------------------------

    def read_header(self) -> bool:
        seen: set[str] = set()
        for header in self.table.header:
            key = layout.key_of(header) if header.strip() else None
            if header.strip() and key is None:
                self.errors.append(RowError(1, header.strip(), _("Unknown column.")))
            elif key in seen:
                self.errors.append(RowError(1, header.strip(), _("This column appears twice.")))
                key = None
            if key:
                seen.add(key)
            self.keys.append(key)
        required = set(layout.REQUIRED_KEYS)
        if self.acting_vendor_id is None:
            required.add("vendor")  # the platform imports for any vendor: the file must say which
        for key in sorted(required - seen):
            self.error(1, key, _("This column is required."))
        self.option_count = layout.option_count_of([key for key in self.keys if key])
        return not self.errors

    # --- Rows -------------------------------------------------------------------------------

    def plans(self) -> list[ProductPlan]:
        if not self.read_header():
            return []
        cells = [(number, self.cells_of(texts)) for number, texts in self.table.rows]
        vendors = self.vendors_by_slug(cells)
        categories = self.categories_by_slug(cells)
        plans: dict[tuple[int, str], ProductPlan] = {}
        for number, row in cells:
            vendor_id = self.vendor_of(number, row, vendors)
            slug = row.get("slug", "").strip()
            if not slug:
                self.error(number, "slug", _("Enter the product's slug."))
            if vendor_id is None or not slug:
                continue
            plan = plans.get((vendor_id, slug))
            if plan is None:
                plan = plans[(vendor_id, slug)] = ProductPlan(first_row=number, vendor_id=vendor_id)
                self.read_product(plan, number, row, categories)
            else:
                self.check_same_product(plan, number, row)
            plan.rows.append(number)
            variant = self.read_variant(number, row)
            if variant is not None:
                plan.variants.append(variant)
        result = list(plans.values())
        for plan in result:
            self.check_variants(plan)
        self.resolve_products(result)
        bad_rows = {error.row for error in self.errors}
        for plan in result:
            # A product with a bad row anywhere is not applied (the file is refused anyway),
            # but the others still are, in the rolled-back run, to find their errors too.
            plan.failed = plan.failed or bool(bad_rows.intersection(plan.rows))
        return result

    def cells_of(self, texts: list[str]) -> dict[str, str]:
        return {
            key: (texts[index] if index < len(texts) else "").strip()
            for index, key in enumerate(self.keys)
            if key
        }

    def vendors_by_slug(self, cells: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
        slugs = {row.get("vendor", "") for _number, row in cells} - {""}
        return dict(Vendor.objects.filter(slug__in=slugs).values_list("slug", "pk"))

    def categories_by_slug(self, cells: list[tuple[int, dict[str, str]]]) -> dict[str, int]:
        slugs = {slug for _number, row in cells for slug in split_categories(row)}
        return dict(Category.objects.filter(slug__in=slugs).values_list("slug", "pk"))

    def vendor_of(self, number: int, row: dict[str, str], vendors: dict[str, int]) -> int | None:
        named = row.get("vendor", "")
        if self.acting_vendor_id is not None:
            # The seller center imports for the member's own vendor only: another vendor
            # named in the file is refused, not silently replaced.
            if named and vendors.get(named) != self.acting_vendor_id:
                self.error(number, "vendor", _("You can import your own vendor's products only."))
                return None
            return self.acting_vendor_id
        if not named:
            self.error(number, "vendor", _("Enter the vendor's slug."))
            return None
        if named not in vendors:
            self.error(number, "vendor", _("No vendor has the slug “%(slug)s”.") % {"slug": named})
            return None
        return vendors[named]

    def read_product(
        self, plan: ProductPlan, number: int, row: dict[str, str], categories: dict[str, int]
    ) -> None:
        plan.raw = {key: row.get(key, "") for key in ["id", *layout.PRODUCT_KEYS] if key in row}
        before = len(self.errors)
        if row.get("id"):
            plan.product_id = self.parse_int(number, "id", row["id"], minimum=1)
        for key in layout.PRODUCT_KEYS:
            if key in row and key not in {"vendor", "categories"}:
                parsed = self.parse_product_value(number, key, row[key])
                if parsed is not _LEAVE:
                    plan.values[key] = parsed
        if "categories" in row:
            plan.categories = []
            for slug in split_categories(row):
                if slug in categories:
                    plan.categories.append(categories[slug])
                else:
                    self.error(
                        number,
                        "categories",
                        _("No category has the slug “%(slug)s”.") % {"slug": slug},
                    )
        plan.failed = len(self.errors) > before

    def check_same_product(self, plan: ProductPlan, number: int, row: dict[str, str]) -> None:
        """A product's later rows repeat its values or leave them empty, nothing else."""
        for key, first in plan.raw.items():
            text = row.get(key, "")
            if text and text != first:
                plan.failed = True
                self.error(
                    number,
                    key,
                    _("Differs from row %(row)d of the same product; repeat it or leave it empty.")
                    % {"row": plan.first_row},
                )

    def parse_product_value(self, number: int, key: str, text: str) -> Any:
        if key == "name":
            if not text:
                self.error(number, key, _("Enter the product's name."))
            return text
        if key in {"slug", "summary", "brand", "description"}:
            return text
        if key == "price":
            return self.parse_money(number, key, text, minimum=Decimal(0), required=True)
        if key == "status":
            return self.parse_choice(number, key, text, Product.Status)
        if key == "notice_type":
            return self.parse_choice(number, key, text, NoticeType)
        if key == "is_tax_free":
            return self.parse_bool(number, key, text)
        if key == "weight_grams":
            return self.parse_int(number, key, text, minimum=0) if text else None
        if key == "notice":
            return self.parse_notice(number, key, text)
        raise AssertionError(key)

    def read_variant(self, number: int, row: dict[str, str]) -> VariantRow | None:
        options: list[tuple[str, str]] = []
        for n in range(1, self.option_count + 1):
            name, value = row.get(f"option_name_{n}", ""), row.get(f"option_value_{n}", "")
            if not name and not value:
                continue
            if not name or not value:
                missing = f"option_name_{n}" if not name else f"option_value_{n}"
                self.error(number, missing, _("Enter both the option's name and its value."))
                continue
            if name in dict(options):
                self.error(number, f"option_name_{n}", _("This option appears twice in the row."))
                continue
            options.append((name, value))
        variant = VariantRow(row=number, options=options)
        if row.get("sku"):
            variant.sku = row["sku"]
            if len(variant.sku) > 64:
                self.error(number, "sku", _("Enter a code of at most 64 characters."))
        if row.get("extra_price"):
            variant.extra_price = self.parse_money(number, "extra_price", row["extra_price"])
        if row.get("stock"):
            variant.stock = self.parse_int(
                number, "stock", row["stock"], minimum=0, maximum=services.MAX_STOCK
            )
        if row.get("active"):
            variant.active = self.parse_bool(number, "active", row["active"])
        described = [variant.sku, variant.extra_price, variant.stock, variant.active]
        if not options and all(value is None for value in described):
            return None  # a row of product columns only (a product without variants)
        return variant

    def check_variants(self, plan: ProductPlan) -> None:
        """Every variant row names the same option groups; no combination is listed twice."""
        seen: dict[frozenset[tuple[str, str]], int] = {}
        groups: tuple[list[str], int] | None = None
        for variant in plan.variants:
            names = sorted(name for name, _value in variant.options)
            if groups is None:
                groups = (names, variant.row)
            elif names != groups[0]:
                plan.failed = True
                self.error(
                    variant.row,
                    "option_name_1",
                    _("Names other option groups than row %(row)d of the same product.")
                    % {"row": groups[1]},
                )
                continue
            combination = frozenset(variant.options)
            if combination in seen:
                plan.failed = True
                self.error(
                    variant.row,
                    "option_value_1" if variant.options else "sku",
                    _("This option combination is already on row %(row)d.")
                    % {"row": seen[combination]},
                )
            seen.setdefault(combination, variant.row)

    def resolve_products(self, plans: list[ProductPlan]) -> None:
        """Find each plan's product: by its number if given, else by vendor and slug."""
        by_id = {plan.product_id for plan in plans if plan.product_id}
        products = Product.objects.filter(pk__in=by_id)
        if self.acting_vendor_id is not None:
            products = products.filter(vendor_id=self.acting_vendor_id)
        vendor_of = dict(products.values_list("pk", "vendor_id"))
        slugs = {plan.values.get("slug", "") for plan in plans if not plan.product_id}
        by_slug = {
            (vendor_id, slug): pk
            for pk, vendor_id, slug in Product.objects.filter(slug__in=slugs).values_list(
                "pk", "vendor_id", "slug"
            )
        }
        claimed: dict[int, int] = {}
        for plan in plans:
            if plan.product_id:
                if plan.product_id not in vendor_of:
                    # Another vendor's number looks exactly like a number that does not exist.
                    plan.failed = True
                    self.error(plan.first_row, "id", _("No product has this number."))
                    continue
                if vendor_of[plan.product_id] != plan.vendor_id:
                    plan.failed = True
                    self.error(
                        plan.first_row, "vendor", _("A product never moves to another vendor.")
                    )
                    continue
            else:
                plan.product_id = by_slug.get((plan.vendor_id, plan.values.get("slug", "")))
            if plan.product_id in claimed:
                plan.failed = True
                self.error(
                    plan.first_row,
                    "id",
                    _("The same product is already on row %(row)d.")
                    % {"row": claimed[plan.product_id]},
                )
            elif plan.product_id:
                claimed[plan.product_id] = plan.first_row

    # --- Cells --------------------------------------------------------------------------------

    def parse_money(
        self, number: int, key: str, text: str, *, minimum: Decimal | None = None, required=False
    ) -> Decimal | None:
        if not text:
            if required:
                self.error(number, key, _("Enter a whole number of won."))
            return None
        try:
            return services.parse_krw(text, field=key, minimum=minimum)
        except CatalogError as error:
            self.error(number, key, " ".join(error.fields.get(key, [error.message])))
            return None

    def parse_int(
        self, number: int, key: str, text: str, *, minimum: int = 0, maximum: int = 2**31 - 1
    ) -> int | None:
        if not text.isdigit() or not minimum <= int(text) <= maximum:
            self.error(
                number, key, _("Enter a whole number of %(min)d or more.") % {"min": minimum}
            )
            return None
        return int(text)

    def parse_bool(self, number: int, key: str, text: str) -> Any:
        if not text:
            return _LEAVE
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(number, key, _("Enter Y or N."))
        return _LEAVE

    def parse_choice(self, number: int, key: str, text: str, choices: Any) -> Any:
        if not text:
            return _LEAVE
        by_label = {}
        for language in ("ko", "en"):
            with translation.override(language):
                by_label.update({str(label): value for value, label in choices.choices})
        if text in choices.values:
            return text
        if text in by_label:
            return by_label[text]
        self.error(
            number,
            key,
            _("Select one of: %(choices)s.") % {"choices": ", ".join(choices.values)},
        )
        return _LEAVE

    def parse_notice(self, number: int, key: str, text: str) -> Any:
        if not text:
            return _LEAVE
        try:
            notice = json.loads(text)
        except ValueError:
            notice = None
        if not isinstance(notice, dict):
            self.error(number, key, _('Enter the notice items as JSON, e.g. {"material": "면"}.'))
            return _LEAVE
        return notice


_LEAVE = object()  # an empty cell that keeps the stored value


def split_categories(row: dict[str, str]) -> list[str]:
    text = row.get("categories", "")
    return [slug.strip() for slug in text.split(layout.CATEGORY_SEPARATOR) if slug.strip()]
