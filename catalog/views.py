"""Storefront pages of the catalog: home, category listing, search and the product page.

Views stay thin: the reads are in ``catalog.selectors`` (fixed query counts, cached
where safe), the filters in ``catalog.filters``. Each page is also kept whole
(``shop.pagecache``) under the catalog's version tokens, completed per visitor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from accounts import selectors as accounts_selectors
from catalog import selectors
from catalog.filters import SORT_CHOICES, ProductFilter
from catalog.selectors import caching
from catalog.selectors.product_page import ProductPage, breadcrumb, options_script, product_page
from shop.pagecache import cached_page

SEARCH_MAX_LENGTH = 100


def absolute(url: str) -> str:
    """Return ``url`` on the public site address (Open Graph and canonical links need it)."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def product_url(product_id: int, slug: str) -> str:
    return reverse("catalog:product", args=[product_id, slug])


def listing_versions(**url_kwargs: Any) -> list[str] | None:
    """A listing shows any product: it is kept until any product or category changes."""
    return caching.page_versions()


def product_versions(*, pk: int, **url_kwargs: Any) -> list[str] | None:
    """A product page is kept until its product or a category changes."""
    return caching.page_versions(product_id=pk)


@require_safe
@cached_page(versions=listing_versions)
def home(request: HttpRequest) -> HttpResponse:
    """Show the featured categories and the newest products."""
    data = selectors.home_data()
    return render(
        request,
        "catalog/home.html",
        {"home": data, "canonical_url": absolute(reverse("catalog:home"))},
    )


def _listing_context(
    request: HttpRequest, rows: Any, base_url: str, *, rows_key: Any = None
) -> dict[str, Any]:
    """``rows_key``: names ``rows`` exactly (see ``keyset_page``'s ``sql_key``), or None."""
    filters = ProductFilter(request.GET, queryset=rows)
    page = selectors.keyset_page(
        filters.qs,
        sort=filters.sort_key,
        cursor=request.GET.get("cursor", ""),
        # Unfiltered, the page's query is the rows' own: its SQL can be reused.
        sql_key=None if rows_key is None or filters.narrows else rows_key,
    )
    kept = request.GET.copy()
    kept.pop("cursor", None)
    return {
        "filters": filters,
        "page": page,
        "sort": filters.sort_key,
        "sort_choices": SORT_CHOICES,
        "query_without_cursor": kept.urlencode(),
        "base_url": base_url,
        "selected_options": set(request.GET.getlist("option")),
        "selected_vendors": set(request.GET.getlist("vendor")),
    }


def _render_listing(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    # htmx swaps only the results when a filter changes; a normal request gets the page.
    if request.htmx and request.htmx.target == "listing-results":
        return render(request, "catalog/_results.html", context)
    return render(request, template, context)


@require_safe
@cached_page(versions=listing_versions)
def category(request: HttpRequest, slug: str) -> HttpResponse:
    """List a category's products (and its subcategories') with filters, sort and keyset pages."""
    listing = selectors.category_listing(slug)
    if listing is None:
        raise Http404
    index, entry = listing.index, listing.entry
    base_url = reverse("catalog:category", args=[entry.slug])
    context = _listing_context(
        request,
        selectors.category_products(entry, index),
        base_url,
        rows_key=("category", tuple(index.subtree_ids(entry))),
    )
    context.update(
        category=entry,
        breadcrumb=index.ancestors(entry),
        subcategories=index.children(entry),
        facets=listing.facets,
        canonical_url=absolute(base_url),
    )
    return _render_listing(request, "catalog/category.html", context)


@require_safe
@cached_page(versions=listing_versions)
def search(request: HttpRequest) -> HttpResponse:
    """Find products by a Korean (or any) substring of their name, brand or summary."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    rows = selectors.visible_products() if query else selectors.visible_products().none()
    context = _listing_context(request, rows, reverse("catalog:search"))
    context.update(query=query, canonical_url=absolute(reverse("catalog:search")))
    return _render_listing(request, "catalog/search.html", context)


def adult_gate(request: HttpRequest, page: ProductPage) -> str:
    """Why the visitor may not buy this 19+ product ("login", "verify", "under_age"), or ""."""
    if not page.adult_only:
        return ""
    if not request.user.is_authenticated:
        return "login"
    if accounts_selectors.identity_of(request.user) is None:
        return "verify"
    return "" if accounts_selectors.is_adult(request.user) else "under_age"


def cart_add_url() -> str:
    """Return the cart's add URL, or "" while the orders app has not mounted it yet."""
    try:
        return reverse("orders:cart_add")
    except NoReverseMatch:
        return ""


@require_safe
@cached_page(versions=product_versions)
def product(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """Show a product; any other slug answers a permanent redirect to the canonical URL."""
    page: ProductPage | None = product_page(product_id=pk)
    if page is None:
        raise Http404
    canonical = product_url(page.id, page.slug)
    if slug != page.slug:
        return redirect(canonical, permanent=True)
    crumbs = page.breadcrumb
    if crumbs is None:  # a copy cached before the page carried its breadcrumb
        crumbs = breadcrumb(page.category_ids, selectors.category_index())
    cover = page.cover
    response = render(
        request,
        "catalog/product.html",
        {
            "product": page,
            "breadcrumb": crumbs,
            # A page cached before the script was part of it makes its own.
            "options_script": page.options_script or options_script(page),
            "canonical_url": absolute(canonical),
            "og_image": absolute(cover["src"]) if cover else "",
            "cart_add_url": cart_add_url(),
            "single_variant": page.variants[0] if len(page.variants) == 1 else None,
            "adult_gate": adult_gate(request, page),
        },
    )
    if page.adult_only:
        # Its buy box or 19+ gate depends on who looks: never one kept copy for everyone.
        patch_cache_control(response, private=True)
    return response
