"""Reads of the catalog: the category tree, breadcrumbs and product lists in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from catalog.models import Category, OptionGroup, OptionValue, Product, Variant
from shop.exceptions import NotFoundError
from vendors.models import Vendor

PRODUCT_AUDITED_FIELDS = [
    "vendor",
    "name",
    "slug",
    "summary",
    "description",
    "brand",
    "status",
    "is_tax_free",
    "adult_only",
    "shipping_policy",
    "weight_grams",
    "price",
    "notice_type",
    "notice",
]


@dataclass
class CategoryNode:
    """A category with its children, as the tree selector returns it."""

    category: Category
    depth: int = 0
    children: list[CategoryNode] = field(default_factory=list)


def category_tree(*, active_only: bool = True) -> list[CategoryNode]:
    """Return the root nodes of the whole category tree, read in one query."""
    rows = Category.objects.all()
    if active_only:
        rows = rows.filter(is_active=True)
    nodes = {category.pk: CategoryNode(category) for category in rows}
    roots: list[CategoryNode] = []
    for node in nodes.values():  # rows come in sibling order, so children keep it too
        parent = nodes.get(node.category.parent_id) if node.category.parent_id else None
        if node.category.parent_id is None:
            roots.append(node)
        elif parent is not None:  # under an inactive parent: hidden with it
            parent.children.append(node)
    _set_depths(roots, 0)
    return roots


def _set_depths(nodes: list[CategoryNode], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depths(node.children, depth + 1)


def category_ancestors(*, category_id: int) -> list[Category]:
    """Return the breadcrumb of a category, root first and the category last, in one query."""
    table = Category._meta.db_table
    # A recursive CTE walks up the tree inside the database: one query at any depth.
    sql = f"""
        WITH RECURSIVE ancestry(id, parent_id, depth) AS (
            SELECT id, parent_id, 0 FROM {table} WHERE id = %s
            UNION ALL
            SELECT c.id, c.parent_id, a.depth + 1
            FROM {table} c JOIN ancestry a ON c.id = a.parent_id
        )
        SELECT c.* FROM {table} c JOIN ancestry a ON c.id = a.id ORDER BY a.depth DESC
    """  # noqa: S608 (the table name is ours; the id is a parameter)  # nosec B608
    return list(Category.objects.raw(sql, [category_id]))


def descendant_ids(*, category_id: int) -> list[int]:
    """Return the ids of a category and of every category below it, in one query."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    found, frontier = {category_id}, {category_id}
    while frontier:
        frontier = {pk for pk, parent in parents.items() if parent in frontier} - found
        found.update(frontier)
    return sorted(found)


def storefront_products() -> QuerySet[Product]:
    """Return the products shoppers may see, with what a list shows, in constant queries."""
    return (
        Product.objects.on_sale()
        .filter(vendor__status=Vendor.Status.APPROVED)  # a suspended shop sells nothing
        .select_related("vendor")
        .prefetch_related(
            "categories", Prefetch("variants", queryset=Variant.objects.filter(is_active=True))
        )
    )


def list_products(
    *, category_id: int | None = None, vendor_id: int | None = None
) -> QuerySet[Product]:
    """Return the products on sale (newest first), optionally in a category subtree or of a vendor."""
    rows = storefront_products()
    if category_id is not None:
        rows = rows.filter(categories__in=descendant_ids(category_id=category_id)).distinct()
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    return rows


def get_product(
    *, product_id: int, vendor_id: int | None = None, visible_only: bool = True
) -> Product:
    """Return a product with its options, variants, add-ons and text options prefetched.

    ``visible_only`` limits it to what shoppers may see; a seller asks for its own
    product with ``vendor_id``. Anything else is "not found".
    """
    rows = Product.objects.select_related("vendor").prefetch_related(
        "categories",
        Prefetch(
            "option_groups",
            queryset=OptionGroup.objects.prefetch_related(
                Prefetch("values", queryset=OptionValue.objects.order_by("position", "pk"))
            ),
        ),
        Prefetch("variants", queryset=Variant.objects.prefetch_related("option_values")),
        "addons",
        "text_options",
    )
    if visible_only:
        rows = rows.filter(
            status__in=[Product.Status.ON_SALE, Product.Status.SOLD_OUT],
            vendor__status=Vendor.Status.APPROVED,
        )
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    product = rows.filter(pk=product_id).first()
    if product is None:
        raise NotFoundError()
    return product


def audit_values(product: Product) -> dict[str, Any]:
    """Return the audited fields of ``product`` and its category ids (for before/after)."""
    values = {
        name: getattr(product, product._meta.get_field(name).attname)
        for name in PRODUCT_AUDITED_FIELDS
    }
    values["categories"] = (
        sorted(product.categories.values_list("pk", flat=True)) if product.pk else []
    )
    return values
