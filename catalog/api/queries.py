"""Reads the catalog API needs, each in a fixed number of queries whatever the page size.

The storefront's selectors shape rows for templates; these shape them for the API's
lean serializers. A list page is one query: the product rows as dicts, with ``in_stock``
and the cover image as correlated subqueries (LIMIT 1 on the variant and gallery
indexes) instead of prefetched variants; it builds no model instances, which at 24 rows
was most of the cost of a request.
"""

from __future__ import annotations

from functools import cache

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from catalog.media.selectors import ready_media
from catalog.models import AddOn, OptionGroup, OptionValue, Product, Variant
from catalog.selectors.storefront import cover_image
from shop.exceptions import NotFoundError
from vendors.models import Vendor

VISIBLE_STATUSES = (Product.Status.ON_SALE, Product.Status.SOLD_OUT)


def in_stock() -> IsNull:
    """Whether the row's product has an active variant in stock, as a boolean expression.

    ``(SELECT id ... LIMIT 1) IS NOT NULL`` rather than ``EXISTS``: PostgreSQL plans an
    EXISTS in the select list as a hashed subplan, reading every variant in the shop
    (30,000 rows, 5-10 ms) to show 24 products; a scalar subquery with LIMIT can only be
    probed per row, on the variant's product index.
    """
    first = Variant.objects.filter(product_id=OuterRef("pk"), is_active=True, stock__gt=0)
    return IsNull(Subquery(first.order_by().values("pk")[:1]), False)


# What a list row shows, plus every sort key (the cursor reads the first one).
LIST_FIELDS = (
    "id",
    "name",
    "slug",
    "summary",
    "brand",
    "price",
    "status",
    "is_tax_free",
    "in_stock",
    "created_at",
    "sales_count",
    "vendor_id",
    "vendor__name",
    "vendor__slug",
    "cover",
)


def public_products() -> QuerySet[Product]:
    """Products a shopper may list (on sale, of an approved vendor); filter, then ``list_rows``."""
    return _public_products().all()


@cache
def _public_products() -> QuerySet[Product]:
    # Built once per process and cloned per request (building it took 0.5 ms a request).
    return (
        Product.objects.on_sale()
        .filter(vendor__status=Vendor.Status.APPROVED)  # a suspended shop sells nothing
        .annotate(in_stock=in_stock(), cover=cover_image())
    )


def list_rows(products: QuerySet[Product]) -> QuerySet[Product]:
    """The rows of a (filtered) product list as dicts of ``LIST_FIELDS``."""
    if "cover" not in products.query.annotations:  # not built on public_products()
        products = products.annotate(cover=cover_image())
    return products.values(*LIST_FIELDS)


def public_product(*, product_id: int) -> Product:
    """A product a shopper may see (on sale or sold out) with everything its page shows."""
    product = (
        _with_options(
            Product.objects.filter(
                pk=product_id,
                status__in=VISIBLE_STATUSES,
                vendor__status=Vendor.Status.APPROVED,
            ),
            active_only=True,
        )
        .prefetch_related(Prefetch("media", queryset=ready_media(), to_attr="ready_media"))
        .first()
    )
    if product is None:
        raise NotFoundError()
    return product


def vendor_products(*, vendor_id: int) -> QuerySet[Product]:
    """The vendor's own products in any status (not deleted), with their variant counts."""
    return Product.objects.filter(vendor_id=vendor_id).annotate(
        variant_count=Count("variants", filter=Q(variants__is_active=True)),
    )


def vendor_product(*, vendor_id: int, product_id: int) -> Product:
    """One of the vendor's own products with every variant; another vendor's is not found."""
    product = _with_options(
        Product.objects.filter(pk=product_id, vendor_id=vendor_id), active_only=False
    ).first()
    if product is None:
        raise NotFoundError()
    return product


def _with_options(rows: QuerySet[Product], *, active_only: bool) -> QuerySet[Product]:
    variants = Variant.objects.prefetch_related(
        Prefetch("option_values", queryset=OptionValue.objects.only("id"))
    )
    addons = AddOn.objects.all()
    if active_only:
        variants = variants.filter(is_active=True)
        addons = addons.filter(is_active=True)
    return rows.select_related("vendor").prefetch_related(
        "categories",
        Prefetch(
            "option_groups",
            queryset=OptionGroup.objects.prefetch_related(
                Prefetch("values", queryset=OptionValue.objects.order_by("position", "pk"))
            ),
        ),
        Prefetch("variants", queryset=variants),
        Prefetch("addons", queryset=addons),
        "text_options",
    )
