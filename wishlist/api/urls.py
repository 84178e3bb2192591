"""Wishlist API URLs, mounted at /api/v1/."""

from django.urls import path

from wishlist.api import views

urlpatterns = [
    path("me/wishlist/", views.WishlistView.as_view(), name="api-wishlist"),
    path(
        "me/wishlist/<int:product_id>/",
        views.WishlistItemView.as_view(),
        name="api-wishlist-item",
    ),
    path("me/restock-alerts/", views.RestockAlertsView.as_view(), name="api-restock-alerts"),
    path(
        "me/restock-alerts/<int:subscription_id>/",
        views.RestockAlertView.as_view(),
        name="api-restock-alert",
    ),
]
