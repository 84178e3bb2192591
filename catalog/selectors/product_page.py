"""Everything the product page shows, read in a fixed number of queries and cached per product.

The page is built from plain values (no model instances) so the cached copy is small
and a template never triggers a lazy query. It is cached under the product's own token,
which ``catalog.listeners`` moves when the product, its price, stock, options or media
change; a copy under a key never changes, so the process keeps its last ones too.

Queries on a miss, whatever the number of variants: the product with its vendor, its
category ids, its option values (groups joined), its variants with their value links,
add-ons, text options and ready media: seven; and the category tree for the breadcrumb
(itself cached).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.utils.html import json_script

from catalog.media.models import MediaKind, MediaStatus, ProductMedia, widest_within
from catalog.models import AddOn, OptionValue, Product, TextOption, Variant
from catalog.notices import notice_fields
from catalog.sanitize import clean_description
from catalog.selectors import caching, compiled
from catalog.selectors.storefront import CategoryEntry, CategoryIndex, category_index
from vendors.models import Vendor

OPTIONS_SCRIPT_ID = "product-options"
GALLERY_WIDTH = 1024
THUMB_WIDTH = 320
VENDOR_FIELDS = (
    "vendor__name",
    "vendor__slug",
    "vendor__representative_name",
    "vendor__business_registration_number",
    "vendor__mail_order_report_number",
    "vendor__contact_phone",
    "vendor__contact_email",
    "vendor__address",
)


@dataclass
class ProductPage:
    """The product page's data; money stays ``Decimal`` and travels to JS as text."""

    id: int
    slug: str
    name: str
    summary: str
    description: str
    brand: str
    price: Decimal
    status: str
    is_tax_free: bool
    vendor: dict[str, Any]
    vendor_id: int
    shipping_policy_id: int | None
    category_ids: list[int]
    option_groups: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    addons: list[dict[str, Any]] = field(default_factory=list)
    text_options: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    videos: list[dict[str, Any]] = field(default_factory=list)
    notice: list[tuple[str, str]] = field(default_factory=list)
    # ``options_json()`` as the page's <script type="application/json">, made once per
    # cache fill rather than on every view.
    options_script: str = ""
    # The first active category's trail, root first. The copy is cached under the catalog
    # generation, which a category edit changes, so it is never staler than the tree;
    # None in a copy cached before the field (the view then reads the tree itself).
    breadcrumb: list[CategoryEntry] | None = None
    # Sold to identity-verified adults only (19+); False in a copy cached before the field.
    adult_only: bool = False

    @property
    def purchasable(self) -> bool:
        return self.status == Product.Status.ON_SALE and any(v["in_stock"] for v in self.variants)

    @property
    def cover(self) -> dict[str, Any] | None:
        return self.images[0] if self.images else None

    def options_json(self) -> dict[str, Any]:
        """Return what the option picker's script needs (money as text, never a float)."""
        return {
            "price": str(self.price),
            "groups": [group["id"] for group in self.option_groups],
            "variants": [
                {
                    "id": variant["id"],
                    "values": variant["value_ids"],
                    "price": str(variant["price"]),
                    "extra": str(variant["extra_price"]),
                    "stock": variant["stock"],
                    "in_stock": variant["in_stock"],
                    "label": variant["label"],
                }
                for variant in self.variants
            ],
            "addons": {str(addon["id"]): str(addon["price"]) for addon in self.addons},
        }


def _visible(product_id: int) -> QuerySet[Product]:
    return Product.objects.filter(
        pk=product_id,
        status__in=[Product.Status.ON_SALE, Product.Status.SOLD_OUT],
        vendor__status=Vendor.Status.APPROVED,
    )


def product_page(*, product_id: int) -> ProductPage | None:
    """Return the product page of a visible product (None when there is none), cached."""
    return caching.cached(caching.product_key(product_id), lambda: _build(product_id), local=True)


PRODUCT_VALUES = (
    "id",
    "slug",
    "name",
    "summary",
    "description",
    "brand",
    "price",
    "status",
    "is_tax_free",
    "adult_only",
    "vendor_id",
    "shipping_policy_id",
    "notice_type",
    "notice",
    *VENDOR_FIELDS,
)


def _rows(name: str, build: Callable[[int], QuerySet[Any]], product_id: int) -> list[dict]:
    """Return the rows of one of the page's reads, its SQL compiled once per process."""
    return compiled.fetch_values(
        build, ("product_page", name), router.db_for_read(Product), product_id
    )


def _build(product_id: int) -> ProductPage | None:
    found = _rows("product", lambda pk: _visible(pk).values(*PRODUCT_VALUES)[:1], product_id)
    if not found:
        return None
    row = found[0]
    vendor = {name.removeprefix("vendor__"): row.pop(name) for name in VENDOR_FIELDS}
    # Services sanitise on save; cleaning again here (once per cache miss) also covers
    # rows written around them, since the template prints this HTML as it is.
    row["description"] = clean_description(row["description"] or "")
    notice_type, notice = row.pop("notice_type"), row.pop("notice") or {}
    links = Product.categories.through.objects
    page = ProductPage(
        **row,
        vendor=vendor,
        category_ids=[
            link["category_id"]
            for link in _rows(
                "categories",
                lambda pk: links.filter(product_id=pk).values("category_id"),
                product_id,
            )
        ],
        notice=[
            (str(label), str(notice.get(key, "")))
            for key, label in notice_fields(notice_type).items()
        ],
    )
    _add_options(page)
    _add_extras(page)
    _add_media(page)
    page.options_script = options_script(page)
    page.breadcrumb = breadcrumb(page.category_ids, category_index())
    return page


def breadcrumb(category_ids: list[int], index: CategoryIndex) -> list[CategoryEntry]:
    """Return the trail of the first of ``category_ids`` that is active, root first."""
    return next((index.ancestors(index.by_id[pk]) for pk in category_ids if pk in index.by_id), [])


def options_script(page: ProductPage) -> str:
    """Return the option picker's data as an HTML-safe JSON script element."""
    return json_script(page.options_json(), OPTIONS_SCRIPT_ID)


def _add_options(page: ProductPage) -> None:
    groups: dict[int, dict[str, Any]] = {}
    values = _rows(
        "option_values",
        lambda pk: (
            OptionValue.objects.filter(group__product_id=pk)
            .order_by("group__position", "group_id", "position", "id")
            .values("id", "value", "group_id", "group__name")
        ),
        page.id,
    )
    for row in values:
        group_id = row["group_id"]
        group = groups.setdefault(
            group_id, {"id": group_id, "name": row["group__name"], "values": []}
        )
        group["values"].append({"id": row["id"], "value": row["value"]})
    page.option_groups = list(groups.values())
    # One row per (variant, value): the value links come with the variants, not in a
    # query of their own (a variant without options has one row, value None).
    variants: dict[int, dict[str, Any]] = {}
    rows = _rows(
        "variants",
        lambda pk: Variant.objects.filter(product_id=pk, is_active=True).values_list(
            "id", "label", "sku", "extra_price", "stock", "option_values__id"
        ),
        page.id,
    )
    for variant_id, label, sku, extra, stock, value_id in map(dict.values, rows):
        variant = variants.get(variant_id)
        if variant is None:
            variant = variants[variant_id] = {
                "id": variant_id,
                "label": label or sku,
                "extra_price": extra,
                "price": page.price + extra,
                "stock": stock,
                "in_stock": stock > 0,
                "value_ids": [],
            }
        if value_id is not None:
            variant["value_ids"].append(value_id)
    for variant in variants.values():
        variant["value_ids"].sort()
    page.variants = list(variants.values())


def _add_extras(page: ProductPage) -> None:
    addons = _rows(
        "addons",
        lambda pk: AddOn.objects.filter(product_id=pk, is_active=True).values(
            "id", "name", "price", "stock"
        ),
        page.id,
    )
    page.addons = [{**addon, "in_stock": addon["stock"] > 0} for addon in addons]
    options = _rows(
        "text_options",
        lambda pk: TextOption.objects.filter(product_id=pk).values(
            "id", "label", "max_length", "is_required"
        ),
        page.id,
    )
    page.text_options = [
        {
            "id": row["id"],
            "label": row["label"],
            "max_length": row["max_length"],
            "required": row["is_required"],
        }
        for row in options
    ]


def _add_media(page: ProductPage) -> None:
    rows = ProductMedia.objects.filter(product_id=page.id, status=MediaStatus.READY).order_by(
        "position", "id"
    )
    for media in rows:
        if media.kind == MediaKind.IMAGE:
            # Each format's URLs once: every url() and srcset() asked the storage again.
            webp, jpeg = media.image_urls(), media.image_urls("jpeg")
            page.images.append(
                {
                    "id": media.pk,
                    "variant_id": media.variant_id,
                    "src": widest_within(webp, GALLERY_WIDTH),
                    "thumb": widest_within(webp, THUMB_WIDTH),
                    "srcset": ", ".join(f"{url} {width}w" for width, url in webp.items()),
                    "fallback": widest_within(jpeg, GALLERY_WIDTH),
                    "alt": media.alt_text or page.name,
                    "width": media.width,
                    "height": media.height,
                }
            )
        elif media.video_url:
            page.videos.append({"id": media.pk, "src": media.video_url, "poster": media.poster_url})
