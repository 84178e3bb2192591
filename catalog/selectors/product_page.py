"""Everything the product page shows, read in a fixed number of queries and cached per product.

The page is built from plain values (no model instances) so the cached copy is small
and a template never triggers a lazy query. It is cached under the product's own token,
which ``catalog.listeners`` moves when the product, its price, stock, options or media
change; a copy under a key never changes, so the process keeps its last ones too.

Queries on a miss, whatever the number of variants: the product with its vendor, its
category ids, its option values (groups joined), its variants with their value links,
add-ons, text options and ready media: seven; and the category tree for the breadcrumb
(itself cached). Each is compiled once per process and run again with the next
product's id (``compiled.fetch``): building and compiling them was half of a miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.html import json_script

from catalog.media.models import MediaKind, MediaStatus, ProductMedia
from catalog.models import AddOn, OptionValue, Product, TextOption, Variant
from catalog.notices import notice_fields
from catalog.sanitize import clean_description
from catalog.selectors import caching, compiled
from catalog.selectors.storefront import (
    CategoryEntry,
    CategoryIndex,
    category_index,
    media_url,
    rendition_urls,
)
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
    "vendor_id",
    "shipping_policy_id",
    "notice_type",
    "notice",
    *VENDOR_FIELDS,
)


def _visible(product_id: int) -> QuerySet[Product]:
    return Product.objects.filter(
        pk=product_id,
        status__in=[Product.Status.ON_SALE, Product.Status.SOLD_OUT],
        vendor__status=Vendor.Status.APPROVED,
    )


def _rows(name: str, build: Any, product_id: int) -> list[Any]:
    """Run the product page's query ``name`` (``build(product_id)``) for ``product_id``."""
    return compiled.fetch(build, ("product_page", name), Product.objects.db, (product_id,))


def product_page(*, product_id: int) -> ProductPage | None:
    """Return the product page of a visible product (None when there is none), cached."""
    return caching.cached(caching.product_key(product_id), lambda: _build(product_id), local=True)


def _product_row(product_id: int) -> QuerySet[Product]:
    return _visible(product_id).values(*PRODUCT_VALUES).order_by()[:1]


def _category_ids(product_id: int) -> QuerySet[Any]:
    through = Product.categories.through.objects.filter(product_id=product_id)
    return through.order_by("pk").values_list("category_id", flat=True)


def _build(product_id: int) -> ProductPage | None:
    found = _rows("product", _product_row, product_id)
    if not found:
        return None
    row = found[0]
    vendor = {name.removeprefix("vendor__"): row.pop(name) for name in VENDOR_FIELDS}
    # Services sanitise on save; cleaning again here (once per cache miss) also covers
    # rows written around them, since the template prints this HTML as it is.
    row["description"] = clean_description(row["description"] or "")
    notice_type, notice = row.pop("notice_type"), row.pop("notice") or {}
    page = ProductPage(
        **row,
        vendor=vendor,
        category_ids=_rows("categories", _category_ids, product_id),
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


def _option_values(product_id: int) -> QuerySet[Any]:
    return (
        OptionValue.objects.filter(group__product_id=product_id)
        .order_by("group__position", "group_id", "position", "id")
        .values_list("id", "value", "group_id", "group__name")
    )


def _variant_rows(product_id: int) -> QuerySet[Any]:
    # One row per (variant, value): the value links come with the variants, not in a
    # query of their own (a variant without options has one row, value None).
    return (
        Variant.objects.filter(product_id=product_id, is_active=True)
        .order_by("position", "pk")
        .values_list("id", "label", "sku", "extra_price", "stock", "option_values__id")
    )


def _add_options(page: ProductPage) -> None:
    groups: dict[int, dict[str, Any]] = {}
    for value_id, value, group_id, group_name in _rows("values", _option_values, page.id):
        group = groups.setdefault(group_id, {"id": group_id, "name": group_name, "values": []})
        group["values"].append({"id": value_id, "value": value})
    page.option_groups = list(groups.values())
    variants: dict[int, dict[str, Any]] = {}
    for variant_id, label, sku, extra, stock, value_id in _rows("variants", _variant_rows, page.id):
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


def _addon_rows(product_id: int) -> QuerySet[Any]:
    return (
        AddOn.objects.filter(product_id=product_id, is_active=True)
        .order_by("position", "pk")
        .values_list("id", "name", "price", "stock")
    )


def _text_option_rows(product_id: int) -> QuerySet[Any]:
    return (
        TextOption.objects.filter(product_id=product_id)
        .order_by("position", "pk")
        .values_list("id", "label", "max_length", "is_required")
    )


def _add_extras(page: ProductPage) -> None:
    page.addons = [
        {"id": pk, "name": name, "price": price, "stock": stock, "in_stock": stock > 0}
        for pk, name, price, stock in _rows("addons", _addon_rows, page.id)
    ]
    page.text_options = [
        {"id": pk, "label": label, "max_length": max_length, "required": required}
        for pk, label, max_length, required in _rows("text_options", _text_option_rows, page.id)
    ]


def _media_rows(product_id: int) -> QuerySet[Any]:
    return (
        ProductMedia.objects.filter(product_id=product_id, status=MediaStatus.READY)
        .order_by("position", "id")
        .values_list(
            "id", "kind", "variant_id", "renditions", "poster", "alt_text", "width", "height"
        )
    )


def _widest(urls: dict[int, str], max_width: int) -> str:
    """The widest of ``urls`` no wider than ``max_width`` (the narrowest if none is), as
    ``ProductMedia.url`` picks it."""
    if not urls:
        return ""
    fitting = [width for width in urls if width <= max_width]
    return urls[max(fitting) if fitting else min(urls)]


def _add_media(page: ProductPage) -> None:
    # From the rows' values, each URL made once (ProductMedia.url() and srcset() made
    # every rendition's URL again for each of the four an image needs).
    for pk, kind, variant_id, renditions, poster, alt, width, height in _rows(
        "media", _media_rows, page.id
    ):
        renditions = renditions or {}
        if kind == MediaKind.IMAGE:
            webp = rendition_urls(renditions, "webp")
            page.images.append(
                {
                    "id": pk,
                    "variant_id": variant_id,
                    "src": _widest(webp, GALLERY_WIDTH),
                    "thumb": _widest(webp, THUMB_WIDTH),
                    "srcset": ", ".join(f"{url} {size}w" for size, url in webp.items()),
                    "fallback": _widest(rendition_urls(renditions, "jpeg"), GALLERY_WIDTH),
                    "alt": alt or page.name,
                    "width": width,
                    "height": height,
                }
            )
        elif videos := renditions.get("mp4"):
            page.videos.append(
                {
                    "id": pk,
                    "src": media_url(next(iter(videos.values()))),
                    "poster": media_url(poster) if poster else "",
                }
            )
