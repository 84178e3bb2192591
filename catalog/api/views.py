"""Catalog API: public categories and products, and seller endpoints for a vendor's own products.

Each handler validates, calls one service and serializes. Public reads run a fixed
number of queries whatever the page size. Seller endpoints act for one vendor (see
``permissions``): another vendor's product answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.text import slugify
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from catalog import selectors, services
from catalog.api import queries
from catalog.api.pagination import ProductCursorPagination
from catalog.api.permissions import VENDOR_HEADER, IsVendorStaff, vendor_id_of
from catalog.api.serializers import (
    AddVariantSerializer,
    AdjustStockSerializer,
    CategoryNodeSerializer,
    ChangeStatusSerializer,
    CreateProductSerializer,
    GenerateVariantsSerializer,
    ProductDetailSerializer,
    ProductListItemSerializer,
    SellerProductListItemSerializer,
    SellerProductSerializer,
    SetOptionsSerializer,
    StockSerializer,
    UpdateProductSerializer,
    VariantGridSerializer,
)
from catalog.filters import ProductFilter
from catalog.models import Product
from shop.api import INVALID_CURSOR, CursorPagination, ErrorSerializer

TAG = "catalog"
SELLER_TAG = "seller catalog"
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="No such product.")}
SELLER_ERRORS = {
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not signed in, not staff of an approved vendor, or the role does not allow it.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such product of your vendor."),
}
INPUT_ERRORS = {
    **SELLER_ERRORS,
    400: OpenApiResponse(ErrorSerializer, description="Invalid or unknown fields, named."),
}
VENDOR_PARAMETER = OpenApiParameter(
    VENDOR_HEADER,
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Act for this vendor (members of several); default: the first.",
)


def validated(serializer_class: type[Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    """Return the validated input, or raise a 400 whose fields are dotted paths (``rows.2.stock``),
    the way the services name them too."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        errors = dotted(serializer.errors)
        code = "unknown_field" if _any_code(serializer, "unknown_field") else "invalid"
        raise exceptions.ValidationError(errors, code=code)
    return serializer.validated_data


def dotted(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            flat.update(dotted(value, f"{prefix}{key}."))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, item in enumerate(errors):
            flat.update(dotted(item, f"{prefix}{index}."))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix.rstrip(".") or "non_field_errors": [str(message) for message in messages]}


def _any_code(serializer: Serializer, code: str) -> bool:
    return code in str(exceptions.ValidationError(serializer.errors).get_codes())


# --- Public ---------------------------------------------------------------------------------


class PublicReadMixin:
    """Open to everyone, with no per-request session or throttle work: these are the same
    public data the storefront pages show (which are not throttled either)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []


class CategoryTreeView(PublicReadMixin, APIView):
    """The active category tree, roots first, in one query."""

    @extend_schema(tags=[TAG], responses={200: CategoryNodeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            [CategoryNodeSerializer.represent(node) for node in selectors.category_tree()]
        )


class ProductListView(PublicReadMixin, generics.ListAPIView):
    """Products on sale, filtered like the storefront's listing, in keyset pages."""

    serializer_class = ProductListItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter
    pagination_class = ProductCursorPagination

    def get_queryset(self) -> QuerySet[Product]:
        return queries.public_products()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        products = self.filter_queryset(self.get_queryset())
        rows = self.paginate_queryset(queries.list_rows(products))
        return self.get_paginated_response(
            [ProductListItemSerializer.represent(row) for row in rows]
        )

    @extend_schema(
        tags=[TAG],
        responses={
            200: ProductListItemSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="A filter value is invalid."),
            **INVALID_CURSOR,
        },
        description=(
            "Filters: q (substring of name, brand, summary), category (slug or id, with its "
            "subcategories), min_price, max_price, vendor (slugs), in_stock, option "
            "(group:value, repeatable), sort (newest, price_asc, price_desc, popular)."
        ),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProductDetailView(PublicReadMixin, APIView):
    """One product with its options, variants (final price, stock status), add-ons, text
    options and ready media; a sold-out product is shown, a hidden or draft one is not."""

    @extend_schema(tags=[TAG], responses={200: ProductDetailSerializer, **NOT_FOUND})
    def get(self, request: Request, product_id: int) -> Response:
        product = queries.public_product(product_id=product_id)
        return Response(ProductDetailSerializer.represent(product))


# --- Seller ---------------------------------------------------------------------------------


class SellerView:
    permission_classes = [IsVendorStaff]


def seller_product(request: Request, product_id: int) -> Response:
    product = queries.vendor_product(vendor_id=vendor_id_of(request), product_id=product_id)
    return Response(SellerProductSerializer.represent(product))


class SellerProductListView(SellerView, generics.ListAPIView):
    """The vendor's products in any status (newest first, keyset pages), and adding one."""

    serializer_class = SellerProductListItemSerializer
    pagination_class = CursorPagination
    filter_backends: list[Any] = []
    role_actions = {"POST": "add"}

    def get_queryset(self) -> QuerySet[Product]:
        rows = queries.vendor_products(vendor_id=vendor_id_of(self.request))
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Product.Status.values:
                raise exceptions.ValidationError({"status": ["Select a valid status."]})
            rows = rows.filter(status=wanted)
        return rows

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[
            VENDOR_PARAMETER,
            OpenApiParameter(
                "status", str, enum=Product.Status.values, description="Only this status."
            ),
        ],
        responses={
            200: SellerProductListItemSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="A filter value is invalid."),
            **SELLER_ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=CreateProductSerializer,
        responses={201: SellerProductSerializer, **INPUT_ERRORS},
        description="A draft unless status says otherwise. Owners and managers only.",
    )
    def post(self, request: Request) -> Response:
        data = dict(validated(CreateProductSerializer, request.data))
        if not data.get("slug"):
            data["slug"] = slugify(data["name"], allow_unicode=True)[:220] or "product"
        if "shipping_policy" in data:
            data["shipping_policy_id"] = data.pop("shipping_policy")
        product = services.create_product(vendor_id=vendor_id_of(request), **data)
        response = seller_product(request, product.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class SellerProductDetailView(SellerView, APIView):
    """One of the vendor's products: read, change, soft-delete."""

    role_actions = {"DELETE": "delete"}

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        responses={200: SellerProductSerializer, **SELLER_ERRORS},
    )
    def get(self, request: Request, product_id: int) -> Response:
        return seller_product(request, product_id)

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=UpdateProductSerializer,
        responses={200: SellerProductSerializer, **INPUT_ERRORS},
        description="Change some fields; the status has its own endpoint.",
    )
    def patch(self, request: Request, product_id: int) -> Response:
        data = dict(validated(UpdateProductSerializer, request.data, partial=True))
        if "shipping_policy" in data:
            data["shipping_policy_id"] = data.pop("shipping_policy")
        services.update_product(product_id=product_id, vendor_id=vendor_id_of(request), **data)
        return seller_product(request, product_id)

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        responses={204: None, **SELLER_ERRORS},
        description="Soft delete: hidden everywhere, kept for past orders. Owners and managers only.",
    )
    def delete(self, request: Request, product_id: int) -> Response:
        services.delete_product(product_id=product_id, vendor_id=vendor_id_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SellerProductStatusView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=ChangeStatusSerializer,
        responses={200: SellerProductSerializer, **INPUT_ERRORS},
        description="Draft, on sale, sold out (stays until you change it) or hidden.",
    )
    def post(self, request: Request, product_id: int) -> Response:
        data = validated(ChangeStatusSerializer, request.data)
        services.change_status(
            product_id=product_id, status=data["status"], vendor_id=vendor_id_of(request)
        )
        return seller_product(request, product_id)


class SellerOptionsView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=SetOptionsSerializer,
        responses={200: SellerProductSerializer, **INPUT_ERRORS},
        description=(
            "Make the option groups exactly these (matched by name, so existing variants stay); "
            "variants of removed values are deactivated. Then generate the variants."
        ),
    )
    def put(self, request: Request, product_id: int) -> Response:
        data = validated(SetOptionsSerializer, request.data)
        services.set_options(
            product_id=product_id, groups=data["groups"], vendor_id=vendor_id_of(request)
        )
        return seller_product(request, product_id)


class SellerGenerateVariantsView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=GenerateVariantsSerializer,
        responses={200: SellerProductSerializer, **INPUT_ERRORS},
        description="Create every option combination the product lacks; running it twice changes nothing.",
    )
    def post(self, request: Request, product_id: int) -> Response:
        data = validated(GenerateVariantsSerializer, request.data)
        services.generate_variants(
            product_id=product_id, stock=data["stock"], vendor_id=vendor_id_of(request)
        )
        return seller_product(request, product_id)


class SellerVariantsView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=AddVariantSerializer,
        responses={201: SellerProductSerializer, **INPUT_ERRORS},
        description="Add one combination by hand: one value of each option group, not already there.",
    )
    def post(self, request: Request, product_id: int) -> Response:
        data = validated(AddVariantSerializer, request.data)
        services.add_variant(product_id=product_id, vendor_id=vendor_id_of(request), **data)
        response = seller_product(request, product_id)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=VariantGridSerializer,
        responses={200: SellerProductSerializer, **INPUT_ERRORS},
        description=(
            "The variant grid: extra price, stock, active flag and SKU of many variants at once; "
            "one bad row refuses all, with errors named rows.<index>.<field>."
        ),
    )
    def patch(self, request: Request, product_id: int) -> Response:
        data = validated(VariantGridSerializer, request.data)
        services.update_variant_grid(
            product_id=product_id, rows=data["rows"], vendor_id=vendor_id_of(request)
        )
        return seller_product(request, product_id)


class SellerStockView(SellerView, APIView):
    @extend_schema(
        tags=[SELLER_TAG],
        parameters=[VENDOR_PARAMETER],
        request=AdjustStockSerializer,
        responses={
            200: StockSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Not enough stock to remove."),
            **INPUT_ERRORS,
        },
        description="Add or remove items of one variant; stock never goes below zero.",
    )
    def post(self, request: Request, variant_id: int) -> Response:
        data = validated(AdjustStockSerializer, request.data)
        stock = services.adjust_stock(
            variant_id=variant_id,
            delta=data["delta"],
            reason=data["reason"],
            vendor_id=vendor_id_of(request),
        )
        return Response({"variant_id": variant_id, "stock": stock})
