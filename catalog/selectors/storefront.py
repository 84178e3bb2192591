"""Reads of the storefront's listing pages: categories, product cards, keyset pages, facets.

Each page costs a fixed handful of queries whatever its size: one for the products of
the page as plain values (vendor joined, only the columns a card shows, the cover image
as a correlated subquery).
Categories, facets and the home page's rows are cached and dropped by catalog events
(``catalog.listeners``).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.db import router
from django.db.models import JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.dispatch import receiver
from django.urls import reverse
from django.urls.resolvers import RFC3986_SUBDELIMS

from catalog.filters import DEFAULT_SORT, OPTION_SEPARATOR, SORT_ORDERINGS, in_category_subtree
from catalog.media.models import MediaKind, MediaStatus, ProductMedia
from catalog.models import Category, Product
from catalog.selectors import caching, compiled
from shop.money import format_krw
from vendors.models import Vendor

PAGE_SIZE = 24
HOME_NEW_PRODUCTS = 12
HOME_FEATURED_CATEGORIES = 8
CARD_IMAGE_WIDTH = 640
# What a card shows, plus every sort key (a keyset cursor reads the first one).
CARD_VALUES = (
    "id",
    "name",
    "slug",
    "brand",
    "price",
    "created_at",
    "sales_count",
    "vendor__name",
    "cover",
)
CARD_FIELDS = (
    "id",
    "name",
    "slug",
    "brand",
    "price",
    "status",
    "created_at",
    "sales_count",
    "vendor_id",
    "vendor__name",
    "vendor__slug",
)


# --- Categories -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryEntry:
    """A category as the storefront shows it (plain values: cheap to cache)."""

    id: int
    parent_id: int | None
    name: str
    slug: str
    seo_title: str
    seo_description: str
    depth: int = 0
    child_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CategoryIndex:
    """The active category tree: entries by id and slug, roots in sibling order."""

    by_id: dict[int, CategoryEntry]
    by_slug: dict[str, int]
    root_ids: tuple[int, ...]

    def get(self, slug: str) -> CategoryEntry | None:
        pk = self.by_slug.get(slug)
        return self.by_id[pk] if pk is not None else None

    def roots(self) -> list[CategoryEntry]:
        return [self.by_id[pk] for pk in self.root_ids]

    def children(self, entry: CategoryEntry) -> list[CategoryEntry]:
        return [self.by_id[pk] for pk in entry.child_ids]

    def ancestors(self, entry: CategoryEntry) -> list[CategoryEntry]:
        """Return the breadcrumb: root first, ``entry`` last."""
        trail, seen = [entry], {entry.id}
        while trail[0].parent_id in self.by_id and trail[0].parent_id not in seen:
            seen.add(trail[0].parent_id)
            trail.insert(0, self.by_id[trail[0].parent_id])
        return trail

    def subtree_ids(self, entry: CategoryEntry) -> list[int]:
        found, stack = [], [entry.id]
        while stack:
            pk = stack.pop()
            found.append(pk)
            stack.extend(self.by_id[pk].child_ids)
        return sorted(found)


def category_index() -> CategoryIndex:
    """Return the active category tree, read in one query and cached until a category changes."""
    return caching.cached(caching.catalog_key("categories"), _build_category_index, local=True)


def _build_category_index() -> CategoryIndex:
    rows = compiled.fetch_values(
        lambda: Category.objects.filter(is_active=True).values(
            "id", "parent_id", "name", "slug", "seo_title", "seo_description"
        ),
        "category_index",
        router.db_for_read(Category),
    )
    active = {row["id"] for row in rows}
    children: dict[int | None, list[int]] = {}
    for row in rows:  # rows come in sibling order (position, name)
        parent = row["parent_id"]
        if parent is None or parent in active:  # under an inactive parent: hidden with it
            children.setdefault(parent, []).append(row["id"])
    rows_by_id = {row["id"]: row for row in rows}
    by_id: dict[int, CategoryEntry] = {}
    stack = [(pk, 0) for pk in reversed(children.get(None, []))]
    while stack:
        pk, depth = stack.pop()
        by_id[pk] = CategoryEntry(
            **rows_by_id[pk], depth=depth, child_ids=tuple(children.get(pk, []))
        )
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    return CategoryIndex(
        by_id=by_id,
        by_slug={entry.slug: pk for pk, entry in by_id.items()},
        root_ids=tuple(children.get(None, [])),
    )


def category_by_slug(*, slug: str) -> CategoryEntry | None:
    """Return the active category with ``slug`` (None when unknown or hidden)."""
    return category_index().get(slug)


# --- Product cards and keyset pages ------------------------------------------------------------


def visible_products() -> QuerySet[Product]:
    """Return the products a shopper may find in a listing, with only what a card shows
    and their ``cover`` (``cover_image``), selected when a query asks for it."""
    return _visible_products().all()


@cache
def _visible_products() -> QuerySet[Product]:
    # Built once per process and cloned per request: a queryset is only a description of
    # a query, and building and resolving this one took 0.7 ms of every listing page.
    return (
        Product.objects.on_sale()
        .filter(vendor__status=Vendor.Status.APPROVED)  # a suspended shop sells nothing
        .select_related("vendor")
        .only(*CARD_FIELDS)
        .annotate(cover=cover_image())
    )


@cache
def cover_image() -> Subquery:
    """Return a product's cover, ``{"renditions": ..., "alt": ...}`` or None, as a subquery.

    The first ready shared image, found per row on the gallery index: a list page stays
    one query and builds no ``ProductMedia`` instances. Built once per process (half a
    millisecond a page): ``annotate`` resolves a copy and never changes this one.
    """
    cover = ProductMedia.objects.filter(
        product_id=OuterRef("pk"),
        status=MediaStatus.READY,
        kind=MediaKind.IMAGE,
        variant__isnull=True,
    ).order_by("position", "id")
    cover = cover.annotate(card=JSONObject(renditions="renditions", alt="alt_text")).values("card")
    return Subquery(cover[:1], output_field=JSONField())


def card_rows(rows: QuerySet[Product]) -> QuerySet[Product]:
    """Return ``rows`` as plain dicts of what a card shows, each with its ``cover_image``.

    No model instance is built: at 24 rows the instances of products, vendors and media
    were most of a listing's cost.
    """
    if "cover" not in rows.query.annotations:  # not built on visible_products()
        rows = rows.annotate(cover=cover_image())
    return rows.values(*CARD_VALUES)


def in_category(
    rows: QuerySet[Product], entry: CategoryEntry, index: CategoryIndex | None = None
) -> QuerySet[Product]:
    """Keep the products of ``entry`` and of its subcategories (``index``: the tree, if read)."""
    return rows.filter(in_category_subtree((index or category_index()).subtree_ids(entry)))


def category_products(
    entry: CategoryEntry, index: CategoryIndex | None = None
) -> QuerySet[Product]:
    """Return ``visible_products()`` of ``entry`` and of its subcategories.

    ``in_category(visible_products(), entry)``, built once per subtree and process and
    cloned per call (resolving the EXISTS was 0.25 ms of a category page), like
    ``visible_products`` itself.
    """
    return _category_products(tuple((index or category_index()).subtree_ids(entry))).all()


@lru_cache(maxsize=256)
def _category_products(category_ids: tuple[int, ...]) -> QuerySet[Product]:
    return _visible_products().filter(in_category_subtree(list(category_ids)))


@dataclass
class ProductCard:
    """What a listing shows of one product, computed once per row in Python.

    ``url`` and ``price_text`` are ready to print: a ``{% url %}`` and a ``|krw`` per card
    were a millisecond of every listing page.
    """

    id: int
    name: str
    slug: str
    brand: str
    price: Decimal
    vendor_name: str
    image: str = ""
    srcset: str = ""
    alt: str = ""
    url: str = ""
    price_text: str = ""


# A product URL is reversed once per page with these stand-ins, then filled in per card.
_URL_PK, _URL_SLUG = 918273645, "slug-918273645"
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


def product_url_maker() -> Callable[[int, str], str]:
    """Return ``(pk, slug) -> URL`` equal to ``reverse("catalog:product", args=[pk, slug])``.

    One ``reverse()`` (25 µs) instead of one per card: reverse() quotes the whole path,
    and the part before and after the id and slug stay the same for every product.
    """
    sample = reverse("catalog:product", args=[_URL_PK, _URL_SLUG])
    head, found, tail = sample.partition(f"{_URL_PK}/{_URL_SLUG}")
    if not found or str(_URL_PK) in head + tail:  # a URL shape this does not know

        def slow(pk: int, slug: str) -> str:
            return reverse("catalog:product", args=[pk, slug])

        return slow

    def make(pk: int, slug: str) -> str:
        if not slug or "/" in slug:  # reverse() refuses these: let it say so
            return reverse("catalog:product", args=[pk, slug])
        return f"{head}{int(pk)}/{quote(slug, safe=_URL_SAFE)}{tail}"

    return make


@lru_cache(maxsize=8192)
def _media_url(path: str) -> str:
    return default_storage.url(path)


def media_url(path: str) -> str:
    """Return ``default_storage.url(path)``, remembered per path when it is a fixed address.

    ``FileSystemStorage.url`` costs 13 µs (urljoin), a card needs one to three; a storage
    that signs its URLs (S3 with query-string auth) is asked every time.
    """
    if getattr(default_storage, "querystring_auth", False):
        return default_storage.url(path)
    return _media_url(path)


@receiver(setting_changed)
def _forget_media_urls(**kwargs: Any) -> None:
    _media_url.cache_clear()  # MEDIA_URL or STORAGES changed (tests)


def rendition_urls(renditions: dict[str, Any] | None, fmt: str = "webp") -> dict[int, str]:
    """Return ``{width: url}`` of an image's ``renditions`` in ``fmt``, narrowest first."""
    paths = (renditions or {}).get(fmt) or {}
    return {int(width): media_url(paths[width]) for width in sorted(paths, key=int)}


def cover_parts(cover: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str]:
    """Return the renditions and alternative text of a ``cover_image`` value."""
    if not cover:
        return None, ""
    renditions = cover.get("renditions")
    if isinstance(renditions, str):  # SQLite embeds a JSON column in json_object() as text
        renditions = json.loads(renditions)
    return renditions, cover.get("alt") or ""


def to_card(
    row: dict[str, Any], product_url: Callable[[int, str], str] | None = None
) -> ProductCard:
    """Return the card of one of ``card_rows`` (``product_url``: a ``product_url_maker()``)."""
    renditions, alt = cover_parts(row["cover"])
    urls = rendition_urls(renditions)
    image = ""
    if urls:
        fitting = [width for width in urls if width <= CARD_IMAGE_WIDTH]
        image = urls[max(fitting) if fitting else min(urls)]
    return ProductCard(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        brand=row["brand"],
        price=row["price"],
        vendor_name=row["vendor__name"],
        image=image,
        srcset=", ".join(f"{url} {width}w" for width, url in urls.items()),
        alt=alt or row["name"],
        url=(product_url or product_url_maker())(row["id"], row["slug"]),
        price_text=format_krw(row["price"]),
    )


def to_cards(rows: list[dict[str, Any]]) -> list[ProductCard]:
    """Return the cards of ``card_rows``, their URLs from one ``reverse()``."""
    product_url = product_url_maker()
    return [to_card(row, product_url) for row in rows]


@dataclass
class Page:
    """One keyset page: its cards and the cursors of its neighbours ("" when none)."""

    cards: list[ProductCard] = field(default_factory=list)
    next_cursor: str = ""
    previous_cursor: str = ""


def _sort_value(row: dict[str, Any], column: str) -> Any:
    value = row[column]
    return value.isoformat() if isinstance(value, datetime) else str(value)


def encode_cursor(sort: str, row: dict[str, Any], *, backwards: bool) -> str:
    """Return the cursor of one of ``card_rows`` (its sort key and id) in ``sort`` order."""
    column = SORT_ORDERINGS[sort][0].lstrip("-")
    raw = json.dumps([sort, _sort_value(row, column), row["id"], int(backwards)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int, bool] | None:
    """Return (sort value, id, backwards) of a cursor made for ``sort``; None if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, pk, backwards = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if kind != sort or not isinstance(pk, int):
            return None
        column = SORT_ORDERINGS[sort][0].lstrip("-")
        if column == "created_at":
            value = datetime.fromisoformat(value)
        elif column == "price":
            value = Decimal(value)
        else:
            value = int(value)
        return value, pk, bool(backwards)
    except (ValueError, TypeError, InvalidOperation, binascii.Error, UnicodeDecodeError):
        return None


def _beyond(sort: str, value: Any, pk: int, *, forwards: bool) -> Q:
    """Return the condition "after (value, pk)" in ``sort`` order (before it when not forwards)."""
    first = SORT_ORDERINGS[sort][0]
    column = first.lstrip("-")
    descending = first.startswith("-") == forwards
    op = "lt" if descending else "gt"
    return Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk})


def keyset_page(
    rows: QuerySet[Product],
    *,
    sort: str = DEFAULT_SORT,
    cursor: str = "",
    size: int = PAGE_SIZE,
    sql_key: Hashable | None = None,
) -> Page:
    """Return one page of ``rows`` in ``sort`` order after (or before) ``cursor``.

    The query is ``WHERE (key, id) beyond the cursor ORDER BY key, id LIMIT size + 1``
    on an index of (key, id): page 10 costs what page 1 costs, unlike OFFSET.

    ``sql_key``: a value that names ``rows`` exactly in this process (the same key, the
    same query), or None. With one, the page's SQL is compiled once per key, sort,
    cursor and size and run again as it is (``catalog.selectors.compiled``).
    """
    if sort not in SORT_ORDERINGS:
        sort = DEFAULT_SORT
    ordering = SORT_ORDERINGS[sort]
    position = decode_cursor(cursor, sort) if cursor else None
    backwards = bool(position and position[2])

    def page_rows() -> QuerySet[Product]:
        beyond = rows
        if position is not None:
            beyond = rows.filter(_beyond(sort, position[0], position[1], forwards=not backwards))
        order = ordering
        if backwards:
            order = tuple(item[1:] if item.startswith("-") else f"-{item}" for item in ordering)
        return card_rows(beyond.order_by(*order))[: size + 1]

    key = None if sql_key is None else (sql_key, sort, position, size)
    found = list(page_rows()) if key is None else compiled.fetch_values(page_rows, key, rows.db)
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    page = Page(cards=to_cards(found))
    if found:
        has_next = more if not backwards else True
        has_previous = (position is not None) if not backwards else more
        if has_next:
            page.next_cursor = encode_cursor(sort, found[-1], backwards=False)
        if has_previous:
            page.previous_cursor = encode_cursor(sort, found[0], backwards=True)
    return page


# --- Facets of a category ---------------------------------------------------------------------


@dataclass(frozen=True)
class Facets:
    """The choices a category's filter form offers: its vendors and option values."""

    vendors: list[tuple[str, str]]
    options: list[tuple[str, list[str]]]

    @property
    def option_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Return each option group with its values and what their checkbox sends.

        ``[("색상", [("블랙", "색상:블랙"), ...])]``: joined here, where the template's
        ``group|add:":"|add:value`` cost 30 µs a checkbox.
        """
        return [
            (group, [(value, f"{group}{OPTION_SEPARATOR}{value}") for value in values])
            for group, values in self.options
        ]


def category_facets(entry: CategoryEntry, index: CategoryIndex | None = None) -> Facets:
    """Return the vendors and option values of a category's products, cached until one changes."""
    return caching.cached(
        caching.listing_key(f"facets:{entry.id}"), lambda: _build_facets(entry, index), local=True
    )


@dataclass(frozen=True)
class CategoryListing:
    """What a category page reads before its products: the tree, the category, its facets."""

    index: CategoryIndex
    entry: CategoryEntry
    facets: Facets


def category_listing(slug: str) -> CategoryListing | None:
    """Return the active category ``slug`` with the tree and its facets (None if unknown).

    The cache's generations are read once for both reads.
    """
    with caching.snapshot():
        index = category_index()
        entry = index.get(slug)
        if entry is None:
            return None
        return CategoryListing(index=index, entry=entry, facets=category_facets(entry, index))


def _build_facets(entry: CategoryEntry, index: CategoryIndex | None) -> Facets:
    subtree = tuple((index or category_index()).subtree_ids(entry))
    products = _category_products(subtree).order_by()
    alias = products.db
    # Vendor by vendor, "has a visible product in the category": a semi-join that stops at
    # the first product (1 ms on the 10,000-product catalog; a DISTINCT over the category's
    # products scanned them all, 4.6 ms).
    vendors = compiled.fetch_values(
        lambda: (
            Vendor.objects.filter(pk__in=products.values("vendor_id"))
            .order_by("name")
            .values_list("slug", "name")
        ),
        ("facets:vendors", subtree),
        alias,
    )
    # The option values joined to the category's products (not an IN over them, which
    # PostgreSQL planned as a scan of every product): 3 ms instead of 15. A facet list
    # longer than 500 values helps nobody.
    group, value = "option_groups__name", "option_groups__values__value"
    values = compiled.fetch_values(
        lambda: (
            products.filter(option_groups__values__isnull=False)
            .values_list(group, value)
            .distinct()
            .order_by(group, value)[:500]
        ),
        ("facets:options", subtree),
        alias,
    )
    options: dict[str, list[str]] = {}
    for row in values:
        options.setdefault(row[group], []).append(row[value])
    return Facets(
        vendors=[(row["slug"], row["name"]) for row in vendors], options=list(options.items())
    )


# --- Home ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeData:
    categories: list[CategoryEntry]
    new_products: list[ProductCard]


def home_data() -> HomeData:
    """Return the home page's featured categories and newest products, cached."""
    # "home:2": its cards carry their URL and price text; older copies did not.
    return caching.cached(caching.listing_key("home:2"), _build_home, local=True)


def _build_home() -> HomeData:
    index = category_index()
    rows = card_rows(visible_products().order_by(*SORT_ORDERINGS["newest"]))
    return HomeData(
        categories=index.roots()[:HOME_FEATURED_CATEGORIES],
        new_products=to_cards(list(rows[:HOME_NEW_PRODUCTS])),
    )
