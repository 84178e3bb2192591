"""The product filters shared by the storefront listing pages and the product list API.

One ``ProductFilter`` so a shopper's category page and an API client filter the same
way. Every filter is an ``EXISTS`` subquery or a column comparison on the product row:
no join multiplies rows, so no ``DISTINCT`` is needed and keyset pagination stays cheap.

Option values belong to one product's option group, so shoppers filter by their text:
``option=색상:블랙&option=색상:화이트&option=사이즈:M`` means (블랙 or 화이트) and M.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import OptionValue, Product, Variant

# Each sort's ordering ends with the primary key, so it is total: a keyset cursor on
# (sort key, id) then names exactly one place in the list.
SORT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "popular": ("-sales_count", "-id"),
}
DEFAULT_SORT = "newest"
SORT_CHOICES = (
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("popular", _("Most popular")),
)
OPTION_SEPARATOR = ":"
MAX_OPTION_FILTERS = 20  # a crafted URL cannot build an unbounded query


def in_category_subtree(category_ids: list[int]) -> Exists:
    """Return an ``EXISTS`` condition: the product is in one of ``category_ids``."""
    return _in_category_subtree(tuple(category_ids))


@lru_cache(maxsize=1024)
def _in_category_subtree(category_ids: tuple[int, ...]) -> Exists:
    # Built once per subtree and process (0.15 ms a listing page): filter() resolves a
    # copy of the expression and never changes this one.
    through = Product.categories.through
    return Exists(
        through.objects.filter(product_id=OuterRef("pk"), category_id__in=list(category_ids))
    )


def in_stock_condition() -> Exists:
    """Return an ``EXISTS`` condition: the product has an active variant with stock."""
    return Exists(Variant.objects.filter(product_id=OuterRef("pk"), is_active=True, stock__gt=0))


def parse_option_filters(raw: list[str]) -> dict[str, list[str]]:
    """Turn ``["색상:블랙", "사이즈:M"]`` into ``{"색상": ["블랙"], "사이즈": ["M"]}``.

    Malformed entries (no separator, empty name or value) are ignored: a filter link
    from an old page must not turn into an error.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    for item in raw[:MAX_OPTION_FILTERS]:
        name, sep, value = str(item).partition(OPTION_SEPARATOR)
        name, value = name.strip(), value.strip()
        if sep and name and value and value not in wanted[name]:
            wanted[name].append(value)
    return dict(wanted)


class OptionValuesField(forms.Field):
    """Any number of ``name:value`` strings from a repeated query parameter.

    Option values are free text per product, so there is no fixed choice list to
    validate against; unknown values simply match nothing.
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        items = value if isinstance(value, list | tuple) else [value]
        return [str(item) for item in items][:MAX_OPTION_FILTERS]


class OptionValuesFilter(django_filters.Filter):
    """A filter over ``OptionValuesField``; the FilterSet's method does the narrowing."""

    field_class = OptionValuesField


class ProductFilter(django_filters.FilterSet):
    """Filters of a product list: price range, vendor, stock, option values, text, sort.

    Give it a queryset of visible products (``catalog.selectors.visible_products``);
    it only narrows and orders it. ``sort`` orders by one of ``SORT_ORDERINGS``.
    """

    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    category = django_filters.CharFilter(method="filter_category", label=_("Category"))
    min_price = django_filters.NumberFilter(
        field_name="price", lookup_expr="gte", min_value=0, label=_("Minimum price")
    )
    max_price = django_filters.NumberFilter(
        field_name="price", lookup_expr="lte", min_value=0, label=_("Maximum price")
    )
    vendor = django_filters.CharFilter(method="filter_vendor", label=_("Vendor"))
    in_stock = django_filters.BooleanFilter(method="filter_in_stock", label=_("In stock only"))
    option = OptionValuesFilter(method="filter_option", label=_("Options"))
    sort = django_filters.ChoiceFilter(
        method="filter_sort", choices=SORT_CHOICES, label=_("Sort"), empty_label=None
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def get_form_class(self) -> type[forms.Form]:
        """Return the form class, built once per filter set class.

        django-filter builds a new class (and a field per filter) for every request; the
        fields depend only on the declared filters (labels are lazy), and each form
        instance deep-copies them anyway.
        """
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    @property
    def narrows(self) -> bool:
        """Whether the data names any filter but the sort (present, even if empty)."""
        return any(name in self.data for name in self.base_filters if name != "sort")

    @property
    def sort_key(self) -> str:
        """Return the sort in effect (the default when the given one is invalid)."""
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return DEFAULT_SORT

    @property
    def qs(self) -> QuerySet[Product]:
        rows = super().qs
        if not self.is_bound or not self.form.cleaned_data.get("sort"):
            rows = rows.order_by(*SORT_ORDERINGS[DEFAULT_SORT])
        return rows

    def filter_q(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        """Match a substring of the name, brand or summary; trigram-indexed on PostgreSQL."""
        words = value.split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(name__icontains=word) | Q(brand__icontains=word) | Q(summary__icontains=word)
            )
        return queryset

    def filter_category(
        self, queryset: QuerySet[Product], name: str, value: str
    ) -> QuerySet[Product]:
        """Keep products of the category (by slug or id) and of every category below it."""
        from catalog.selectors import category_index  # selectors build on these filters

        index = category_index()
        entry = index.get(value)
        if entry is None and value.isdigit():
            entry = index.by_id.get(int(value))
        if entry is None:
            return queryset.none()
        return queryset.filter(in_category_subtree(index.subtree_ids(entry)))

    def filter_vendor(
        self, queryset: QuerySet[Product], name: str, value: str
    ) -> QuerySet[Product]:
        """Keep products of the vendors named by slug: ``vendor=a&vendor=b`` or ``vendor=a,b``."""
        raw = self.data.getlist("vendor") if hasattr(self.data, "getlist") else [value]
        slugs = {slug.strip() for item in raw for slug in str(item).split(",") if slug.strip()}
        return queryset.filter(vendor__slug__in=sorted(slugs)[:MAX_OPTION_FILTERS])

    def filter_in_stock(
        self, queryset: QuerySet[Product], name: str, value: bool | None
    ) -> QuerySet[Product]:
        return queryset.filter(in_stock_condition()) if value else queryset

    def filter_option(
        self, queryset: QuerySet[Product], name: str, value: list[str]
    ) -> QuerySet[Product]:
        for group_name, values in parse_option_filters(list(value)).items():
            queryset = queryset.filter(
                Exists(
                    OptionValue.objects.filter(
                        group__product_id=OuterRef("pk"), group__name=group_name, value__in=values
                    )
                )
            )
        return queryset

    def filter_sort(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        return queryset.order_by(*SORT_ORDERINGS.get(value, SORT_ORDERINGS[DEFAULT_SORT]))
