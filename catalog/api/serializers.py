"""Catalog API serializers: output ones named for the thing, input ones for the command.

Output serializers declare their fields for the OpenAPI schema but build each row in
one plain function (``represent``): DRF's per-field machinery costs about ten times
more per object, and the product list must stay fast. Money is a string of whole won.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.media.models import MediaKind, ProductMedia
from catalog.models import Product, Variant
from catalog.notices import NoticeType
from catalog.selectors import CategoryNode
from catalog.selectors.storefront import cover_parts
from catalog.services import MAX_KRW, MAX_STOCK
from shop.api import StrictInputSerializer

LIST_IMAGE_WIDTH = 480  # the rendition a product card shows


def money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal(1)))


class PlainSerializer(serializers.Serializer):
    # Declared fields describe the schema; ``represent(obj)`` builds the row without
    # per-field overhead. (A comment, not a docstring: the schema would show it.)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return self.represent(instance)

    @staticmethod
    def represent(instance: Any) -> dict[str, Any]:
        raise NotImplementedError


# --- Public output --------------------------------------------------------------------------


class CategoryNodeSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    seo_title = serializers.CharField()
    seo_description = serializers.CharField()
    depth = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["children"] = CategoryNodeSerializer(many=True, help_text="Child categories.")
        return fields

    @staticmethod
    def represent(node: CategoryNode) -> dict[str, Any]:
        category = node.category
        return {
            "id": category.pk,
            "name": category.name,
            "slug": category.slug,
            "seo_title": category.seo_title,
            "seo_description": category.seo_description,
            "depth": node.depth,
            "children": [CategoryNodeSerializer.represent(child) for child in node.children],
        }


class VendorSummarySerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()

    @staticmethod
    def represent(vendor: Any) -> dict[str, Any]:
        return {"id": vendor.pk, "name": vendor.name, "slug": vendor.slug}


class ImageSerializer(PlainSerializer):
    url = serializers.CharField(help_text="WebP rendition about 480 pixels wide.")
    alt_text = serializers.CharField()

    @staticmethod
    def represent(renditions: dict[str, Any] | None, alt_text: str = "") -> dict[str, Any] | None:
        """The cover of a list row: ``renditions`` of a ready image, or None."""
        if not renditions:
            return None
        widths = {int(width): path for width, path in renditions.get("webp", {}).items()}
        if not widths:
            return None
        fitting = [width for width in widths if width <= LIST_IMAGE_WIDTH]
        path = widths[max(fitting) if fitting else min(widths)]
        return {"url": default_storage.url(path), "alt_text": alt_text}


class ProductListItemSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    brand = serializers.CharField()
    price = serializers.CharField(help_text="Base price in whole won, VAT included.")
    status = serializers.ChoiceField(choices=Product.Status.choices)
    is_tax_free = serializers.BooleanField()
    in_stock = serializers.BooleanField(help_text="Whether any active option is in stock.")
    vendor = VendorSummarySerializer()
    image = ImageSerializer(allow_null=True)

    @staticmethod
    def represent(row: dict[str, Any]) -> dict[str, Any]:
        """``row`` is one of ``queries.list_rows``."""
        renditions, alt_text = cover_parts(row["cover"])
        return {
            "id": row["id"],
            "name": row["name"],
            "slug": row["slug"],
            "summary": row["summary"],
            "brand": row["brand"],
            "price": money(row["price"]),
            "status": row["status"],
            "is_tax_free": row["is_tax_free"],
            "in_stock": row["in_stock"],
            "vendor": {
                "id": row["vendor_id"],
                "name": row["vendor__name"],
                "slug": row["vendor__slug"],
            },
            "image": ImageSerializer.represent(renditions, alt_text),
        }


class OptionValueSerializer(PlainSerializer):
    id = serializers.IntegerField()
    value = serializers.CharField()


class OptionGroupSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    values = OptionValueSerializer(many=True)

    @staticmethod
    def represent(group: Any) -> dict[str, Any]:
        return {
            "id": group.pk,
            "name": group.name,
            "values": [{"id": value.pk, "value": value.value} for value in group.values.all()],
        }


class VariantSerializer(PlainSerializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="The option values, e.g. 블랙 / M.")
    option_value_ids = serializers.ListField(child=serializers.IntegerField())
    extra_price = serializers.CharField(help_text="옵션가 in whole won; may be negative.")
    price = serializers.CharField(help_text="Final price: base price plus the extra price.")
    stock_status = serializers.ChoiceField(choices=["in_stock", "out_of_stock"])
    in_stock = serializers.BooleanField()

    @staticmethod
    def represent(variant: Variant, base_price: Decimal | None = None) -> dict[str, Any]:
        base = variant.product.price if base_price is None else base_price
        available = variant.is_active and variant.stock > 0
        return {
            "id": variant.pk,
            "label": variant.label,
            "option_value_ids": sorted(value.pk for value in variant.option_values.all()),
            "extra_price": money(variant.extra_price),
            "price": money(base + variant.extra_price),
            "stock_status": "in_stock" if available else "out_of_stock",
            "in_stock": available,
        }


class AddOnSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.CharField()
    in_stock = serializers.BooleanField()

    @staticmethod
    def represent(addon: Any) -> dict[str, Any]:
        return {
            "id": addon.pk,
            "name": addon.name,
            "price": money(addon.price),
            "in_stock": addon.is_active and addon.stock > 0,
        }


class TextOptionSerializer(PlainSerializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    max_length = serializers.IntegerField()
    is_required = serializers.BooleanField()

    @staticmethod
    def represent(option: Any) -> dict[str, Any]:
        return {
            "id": option.pk,
            "label": option.label,
            "max_length": option.max_length,
            "is_required": option.is_required,
        }


class MediaSerializer(PlainSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MediaKind.choices)
    alt_text = serializers.CharField()
    variant_id = serializers.IntegerField(
        allow_null=True, help_text="Shown only with this option; null: for every option."
    )
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    images = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text='Rendition URLs per format and width: {"webp": {"320": url}, "jpeg": {...}}.',
    )
    video_url = serializers.CharField(help_text="H.264 MP4 of a video; empty for an image.")
    poster_url = serializers.CharField(help_text="Poster frame of a video; empty for an image.")

    @staticmethod
    def represent(media: ProductMedia) -> dict[str, Any]:
        is_image = media.kind == MediaKind.IMAGE
        images = (
            {
                fmt: {str(w): url for w, url in media.image_urls(fmt).items()}
                for fmt in ("webp", "jpeg")
            }
            if is_image
            else {}
        )
        return {
            "id": media.pk,
            "kind": media.kind,
            "alt_text": media.alt_text,
            "variant_id": media.variant_id,
            "width": media.width,
            "height": media.height,
            "images": images,
            "video_url": "" if is_image else media.video_url,
            "poster_url": "" if is_image else media.poster_url,
        }


class ProductDetailSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField(help_text="Sanitised HTML.")
    brand = serializers.CharField()
    price = serializers.CharField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    is_tax_free = serializers.BooleanField()
    in_stock = serializers.BooleanField()
    vendor = VendorSummarySerializer()
    category_ids = serializers.ListField(child=serializers.IntegerField())
    notice_type = serializers.ChoiceField(choices=NoticeType.choices)
    notice = serializers.DictField(child=serializers.CharField(), help_text="상품정보제공고시.")
    option_groups = OptionGroupSerializer(many=True)
    variants = VariantSerializer(many=True)
    addons = AddOnSerializer(many=True)
    text_options = TextOptionSerializer(many=True)
    media = MediaSerializer(many=True)

    @staticmethod
    def represent(product: Product) -> dict[str, Any]:
        variants = [
            VariantSerializer.represent(variant, product.price)
            for variant in product.variants.all()
        ]
        return {
            "id": product.pk,
            "name": product.name,
            "slug": product.slug,
            "summary": product.summary,
            "description": product.description,
            "brand": product.brand,
            "price": money(product.price),
            "status": product.status,
            "is_tax_free": product.is_tax_free,
            "in_stock": product.status == Product.Status.ON_SALE
            and any(variant["in_stock"] for variant in variants),
            "vendor": VendorSummarySerializer.represent(product.vendor),
            "category_ids": sorted(category.pk for category in product.categories.all()),
            "notice_type": product.notice_type,
            "notice": product.notice,
            "option_groups": [
                OptionGroupSerializer.represent(group) for group in product.option_groups.all()
            ],
            "variants": variants,
            "addons": [AddOnSerializer.represent(addon) for addon in product.addons.all()],
            "text_options": [
                TextOptionSerializer.represent(option) for option in product.text_options.all()
            ],
            "media": [MediaSerializer.represent(media) for media in product.ready_media],
        }


# --- Seller output ------------------------------------------------------------------------


class SellerProductListItemSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    price = serializers.CharField()
    variant_count = serializers.IntegerField(help_text="Active options.")
    updated_at = serializers.DateTimeField()

    @staticmethod
    def represent(product: Product) -> dict[str, Any]:
        return {
            "id": product.pk,
            "name": product.name,
            "slug": product.slug,
            "status": product.status,
            "price": money(product.price),
            "variant_count": product.variant_count,
            "updated_at": serializers.DateTimeField().to_representation(product.updated_at),
        }


class SellerVariantSerializer(PlainSerializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    sku = serializers.CharField()
    option_value_ids = serializers.ListField(child=serializers.IntegerField())
    extra_price = serializers.CharField()
    price = serializers.CharField()
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()

    @staticmethod
    def represent(variant: Variant, base_price: Decimal | None = None) -> dict[str, Any]:
        base = variant.product.price if base_price is None else base_price
        return {
            "id": variant.pk,
            "label": variant.label,
            "sku": variant.sku,
            "option_value_ids": sorted(value.pk for value in variant.option_values.all()),
            "extra_price": money(variant.extra_price),
            "price": money(base + variant.extra_price),
            "stock": variant.stock,
            "is_active": variant.is_active,
        }


class SellerAddOnSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.CharField()
    stock = serializers.IntegerField()
    is_active = serializers.BooleanField()

    @staticmethod
    def represent(addon: Any) -> dict[str, Any]:
        return {
            "id": addon.pk,
            "name": addon.name,
            "price": money(addon.price),
            "stock": addon.stock,
            "is_active": addon.is_active,
        }


class SellerProductSerializer(PlainSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    brand = serializers.CharField()
    status = serializers.ChoiceField(choices=Product.Status.choices)
    is_tax_free = serializers.BooleanField()
    shipping_policy = serializers.IntegerField(allow_null=True)
    weight_grams = serializers.IntegerField(allow_null=True)
    price = serializers.CharField()
    categories = serializers.ListField(child=serializers.IntegerField())
    notice_type = serializers.ChoiceField(choices=NoticeType.choices)
    notice = serializers.DictField(child=serializers.CharField())
    option_groups = OptionGroupSerializer(many=True)
    variants = SellerVariantSerializer(many=True)
    addons = SellerAddOnSerializer(many=True)
    text_options = TextOptionSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @staticmethod
    def represent(product: Product) -> dict[str, Any]:
        when = serializers.DateTimeField()
        return {
            "id": product.pk,
            "name": product.name,
            "slug": product.slug,
            "summary": product.summary,
            "description": product.description,
            "brand": product.brand,
            "status": product.status,
            "is_tax_free": product.is_tax_free,
            "shipping_policy": product.shipping_policy_id,
            "weight_grams": product.weight_grams,
            "price": money(product.price),
            "categories": sorted(category.pk for category in product.categories.all()),
            "notice_type": product.notice_type,
            "notice": product.notice,
            "option_groups": [
                OptionGroupSerializer.represent(group) for group in product.option_groups.all()
            ],
            "variants": [
                SellerVariantSerializer.represent(variant, product.price)
                for variant in product.variants.all()
            ],
            "addons": [SellerAddOnSerializer.represent(addon) for addon in product.addons.all()],
            "text_options": [
                TextOptionSerializer.represent(option) for option in product.text_options.all()
            ],
            "created_at": when.to_representation(product.created_at),
            "updated_at": when.to_representation(product.updated_at),
        }


class StockSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField()
    stock = serializers.IntegerField(help_text="The stock after the change.")


# --- Seller input ---------------------------------------------------------------------------


def krw(**kwargs: Any) -> serializers.DecimalField:
    """Whole won: "12000" or 12000; a fraction, text or out-of-range amount names the field."""
    kwargs.setdefault("max_value", MAX_KRW)
    kwargs.setdefault("min_value", -MAX_KRW)
    return serializers.DecimalField(max_digits=12, decimal_places=0, **kwargs)


class UpdateProductSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=220, allow_unicode=True)
    summary = serializers.CharField(max_length=300, allow_blank=True)
    description = serializers.CharField(allow_blank=True, help_text="HTML; sanitised on save.")
    brand = serializers.CharField(max_length=100, allow_blank=True)
    is_tax_free = serializers.BooleanField()
    shipping_policy = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="A shipping policy of your vendor."
    )
    weight_grams = serializers.IntegerField(allow_null=True, min_value=0, max_value=MAX_STOCK)
    price = krw(min_value=Decimal(0), help_text="Whole won, VAT included.")
    categories = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=50)
    notice_type = serializers.ChoiceField(choices=NoticeType.choices)
    notice = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Every item of the notice type."
    )


class CreateProductSerializer(UpdateProductSerializer):
    slug = serializers.SlugField(
        max_length=220, allow_unicode=True, required=False, help_text="Made from the name if empty."
    )
    status = serializers.ChoiceField(
        choices=Product.Status.choices, default=Product.Status.DRAFT, required=False
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for name in ["summary", "description", "brand", "is_tax_free", "shipping_policy"]:
            fields[name].required = False
        for name in ["weight_grams", "categories", "notice_type", "notice"]:
            fields[name].required = False
        return fields


class ChangeStatusSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=Product.Status.choices)


class OptionGroupInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=50)
    values = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=100
    )


class SetOptionsSerializer(StrictInputSerializer):
    groups = OptionGroupInputSerializer(many=True, max_length=10)


class GenerateVariantsSerializer(StrictInputSerializer):
    stock = serializers.IntegerField(
        min_value=0, max_value=MAX_STOCK, default=0, required=False, help_text="Stock of new ones."
    )


class AddVariantSerializer(StrictInputSerializer):
    option_value_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=10
    )
    extra_price = krw(required=False, default=Decimal(0), help_text="옵션가; may be negative.")
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False, default=0)
    sku = serializers.CharField(max_length=64, allow_blank=True, required=False, default="")


class GridRowSerializer(StrictInputSerializer):
    variant_id = serializers.IntegerField()
    extra_price = krw(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)
    stock_was = serializers.IntegerField(
        min_value=0,
        max_value=MAX_STOCK,
        required=False,
        help_text="The stock you saw; the row is refused if it changed meanwhile (sales).",
    )
    active = serializers.BooleanField(required=False)
    sku = serializers.CharField(max_length=64, allow_blank=True, required=False)


class VariantGridSerializer(StrictInputSerializer):
    rows = GridRowSerializer(many=True, allow_empty=False, max_length=1000)


class AdjustStockSerializer(StrictInputSerializer):
    delta = serializers.IntegerField(
        min_value=-MAX_STOCK, max_value=MAX_STOCK, help_text="Items to add (or remove, negative)."
    )
    reason = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")

    def validate_delta(self, value: int) -> int:
        if value == 0:
            raise serializers.ValidationError(_("Enter a whole, non-zero number of items."))
        return value
