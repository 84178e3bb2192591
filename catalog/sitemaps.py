"""sitemap.xml: the active categories and the products shoppers may see, on SITE_URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from catalog.models import Category, Product
from vendors.models import Vendor


class SiteUrlSitemap(Sitemap):
    """Links on the configured public address, not on whatever Host a request carried."""

    limit = 5000

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"


class CategorySitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> QuerySet:
        return (
            Category.objects.filter(is_active=True).order_by("id").only("id", "slug", "updated_at")
        )

    def location(self, item: Category) -> str:
        return reverse("catalog:category", args=[item.slug])

    def lastmod(self, item: Category):
        return item.updated_at


class ProductSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> QuerySet:
        return (
            Product.objects.filter(
                status__in=[Product.Status.ON_SALE, Product.Status.SOLD_OUT],
                vendor__status=Vendor.Status.APPROVED,
            )
            .order_by("id")
            .only("id", "slug", "updated_at")
        )

    def location(self, item: Product) -> str:
        return reverse("catalog:product", args=[item.pk, item.slug])

    def lastmod(self, item: Product):
        return item.updated_at


SITEMAPS = {"categories": CategorySitemap, "products": ProductSitemap}
