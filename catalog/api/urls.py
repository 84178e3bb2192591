"""Catalog API URLs, mounted at /api/v1/: public reads and the seller's own products."""

from django.urls import path

from catalog.api import views

urlpatterns = [
    path("categories/", views.CategoryTreeView.as_view(), name="api-category-tree"),
    path("products/", views.ProductListView.as_view(), name="api-product-list"),
    path(
        "products/<int:product_id>/", views.ProductDetailView.as_view(), name="api-product-detail"
    ),
    path("seller/products/", views.SellerProductListView.as_view(), name="api-seller-product-list"),
    path(
        "seller/products/<int:product_id>/",
        views.SellerProductDetailView.as_view(),
        name="api-seller-product-detail",
    ),
    path(
        "seller/products/<int:product_id>/status/",
        views.SellerProductStatusView.as_view(),
        name="api-seller-product-status",
    ),
    path(
        "seller/products/<int:product_id>/options/",
        views.SellerOptionsView.as_view(),
        name="api-seller-product-options",
    ),
    path(
        "seller/products/<int:product_id>/variants/",
        views.SellerVariantsView.as_view(),
        name="api-seller-product-variants",
    ),
    path(
        "seller/products/<int:product_id>/variants/generate/",
        views.SellerGenerateVariantsView.as_view(),
        name="api-seller-generate-variants",
    ),
    path(
        "seller/variants/<int:variant_id>/stock/",
        views.SellerStockView.as_view(),
        name="api-seller-variant-stock",
    ),
]
