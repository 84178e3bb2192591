"""Catalog: the category tree, products, Korean options (옵션), variants (SKU) and add-ons.

Money is whole won including VAT (``Decimal(12, 0)``); the database refuses a negative
price or stock even when a form or service is bypassed. A variant's final price (base
price plus its 옵션가, which may be negative) is checked in ``catalog.services`` because
a CHECK cannot look across tables. Products are soft-deleted: the default manager hides
them so no page shows a deleted product by accident; ``Product.all_objects`` sees all.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.notices import NoticeType
from shop.models import TimeStampedModel


def krw_field(verbose_name: str, **kwargs: object) -> models.DecimalField:
    """Return a field of whole won (KRW has no minor unit)."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=0, **kwargs)


class Category(TimeStampedModel):
    """A node of the category tree; any depth, siblings ordered by ``position``."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    seo_title = models.CharField(_("SEO title"), max_length=200, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["parent", "position"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a parent that is the category itself or one of its descendants."""
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be placed under itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON_SALE = "on_sale", _("On sale")
    SOLD_OUT = "sold_out", _("Sold out")
    HIDDEN = "hidden", _("Hidden")


class ProductQuerySet(models.QuerySet):
    def alive(self) -> ProductQuerySet:
        return self.filter(deleted_at__isnull=True)

    def on_sale(self) -> ProductQuerySet:
        return self.alive().filter(status=Status.ON_SALE)


class AliveProductManager(models.Manager.from_queryset(ProductQuerySet)):  # type: ignore[misc]
    """The default manager: soft-deleted products do not exist for ordinary code."""

    def get_queryset(self) -> ProductQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Product(TimeStampedModel):
    """A product of one vendor; its price includes VAT and its description is sanitised."""

    Status = Status

    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, allow_unicode=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    is_tax_free = models.BooleanField(
        _("tax free"), default=False, help_text=_("VAT-exempt goods (면세), e.g. fresh food.")
    )
    # Sold only to identity-verified adults (청소년유해매체물): the product page shows a gate
    # and the cart and checkout refuse others, see accounts.selectors.is_adult.
    adult_only = models.BooleanField(
        _("adults only (19+)"),
        default=False,
        help_text=_("Only identity-verified buyers aged 19 or over may buy it."),
    )
    # A string reference: catalog and shipping are siblings and never import each other.
    shipping_policy = models.ForeignKey(
        "shipping.ShippingPolicy",
        verbose_name=_("shipping policy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    price = krw_field(_("price (KRW, VAT included)"), validators=[MinValueValidator(0)])
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="products"
    )
    notice_type = models.CharField(
        _("product notice type"), max_length=32, choices=NoticeType.choices, default=NoticeType.ETC
    )
    notice = models.JSONField(_("product information notice"), default=dict, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    # Popularity for the storefront's "most popular" sort: units sold, kept up to date by
    # the order flow so a listing sorts on an indexed column instead of aggregating orders.
    sales_count = models.PositiveIntegerField(_("units sold"), default=0, editable=False)

    objects = AliveProductManager()
    all_objects = models.Manager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-pk"]
        base_manager_name = "all_objects"  # an order line still reaches its deleted product
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "slug"], name="catalog_product_slug_per_vendor"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_product_price_gte_0"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # Keyset pagination of each storefront sort walks one of these (sort key, id).
            models.Index(fields=["created_at", "id"], name="catalog_product_newest"),
            models.Index(fields=["price", "id"], name="catalog_product_price"),
            models.Index(fields=["sales_count", "id"], name="catalog_product_popular"),
        ]

    def __str__(self) -> str:
        return self.name


class OptionGroup(models.Model):
    """One option axis of a product, e.g. 색상 or 사이즈."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="option_groups"
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option group")
        verbose_name_plural = _("option groups")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"], name="catalog_optiongroup_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OptionValue(models.Model):
    """One choice of an option group, e.g. 블랙."""

    group = models.ForeignKey(
        OptionGroup, verbose_name=_("option group"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.CharField(_("value"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option value")
        verbose_name_plural = _("option values")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "value"], name="catalog_optionvalue_unique_value"
            )
        ]

    def __str__(self) -> str:
        return self.value


class Variant(models.Model):
    """A sellable combination of option values (SKU) with its 옵션가 and own stock.

    ``option_key`` is the sorted ids of its values ("3-8"), unique per product, so a
    combination exists once whatever order the values were picked in.
    """

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    option_values = models.ManyToManyField(
        OptionValue, verbose_name=_("option values"), blank=True, related_name="variants"
    )
    option_key = models.CharField(_("option combination"), max_length=255, editable=False)
    label = models.CharField(_("options"), max_length=255, blank=True)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    # May be negative (a cheaper option) down to minus the base price; see services.
    extra_price = krw_field(_("extra price (KRW)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "option_key"], name="catalog_variant_unique_combination"
            ),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_variant_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return self.label or self.sku or f"#{self.pk}"

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock > 0


class AddOn(models.Model):
    """추가상품: an extra item sold with the product, with its own price and stock."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="addons"
    )
    name = models.CharField(_("name"), max_length=100)
    price = krw_field(_("price (KRW)"), validators=[MinValueValidator(0)])
    stock = models.PositiveIntegerField(_("stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("add-on item")
        verbose_name_plural = _("add-on items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_addon_price_gte_0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_addon_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class TextOption(models.Model):
    """A text the shopper types when ordering, e.g. an engraving, with a length limit."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="text_options"
    )
    label = models.CharField(_("label"), max_length=100)
    max_length = models.PositiveSmallIntegerField(
        _("maximum length"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    is_required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("text option")
        verbose_name_plural = _("text options")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_length__gte=1, max_length__lte=500),
                name="catalog_textoption_max_length_range",
            )
        ]

    def __str__(self) -> str:
        return self.label


from catalog.media.models import ProductMedia  # noqa: E402,F401
