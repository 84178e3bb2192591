"""Reads of the catalog, in a fixed number of queries whatever the page size.

- ``products``: the category tree, breadcrumbs, product lists and a product with its options;
- ``storefront``: cached categories, product cards, keyset pages, facets and the home page;
- ``product_page``: everything the product page shows, cached per product;
- ``caching``: cache keys and their invalidation by catalog events.
"""

from catalog.selectors.products import (
    PRODUCT_AUDITED_FIELDS,
    CategoryNode,
    audit_values,
    category_ancestors,
    category_tree,
    descendant_ids,
    get_product,
    list_products,
    storefront_products,
)
from catalog.selectors.storefront import (
    PAGE_SIZE,
    CategoryEntry,
    CategoryIndex,
    CategoryListing,
    Facets,
    HomeData,
    Page,
    ProductCard,
    category_by_slug,
    category_facets,
    category_index,
    category_listing,
    category_products,
    home_data,
    in_category,
    keyset_page,
    visible_products,
)

__all__ = [
    "PAGE_SIZE",
    "PRODUCT_AUDITED_FIELDS",
    "CategoryEntry",
    "CategoryIndex",
    "CategoryListing",
    "CategoryNode",
    "Facets",
    "HomeData",
    "Page",
    "ProductCard",
    "audit_values",
    "category_ancestors",
    "category_by_slug",
    "category_facets",
    "category_index",
    "category_listing",
    "category_products",
    "category_tree",
    "descendant_ids",
    "get_product",
    "home_data",
    "in_category",
    "keyset_page",
    "list_products",
    "storefront_products",
    "visible_products",
]
