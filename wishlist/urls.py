"""Wishlist pages, mounted at the site root (my page under /my/wishlist/)."""

from django.urls import path

from wishlist import views

app_name = "wishlist"
urlpatterns = [
    path("my/wishlist/", views.my_wishlist, name="my_wishlist"),
    path(
        "my/wishlist/alerts/<int:subscription_id>/cancel/",
        views.cancel_restock,
        name="cancel_restock",
    ),
    path("wishlist/<int:product_id>/toggle/", views.toggle, name="toggle"),
    path("wishlist/<int:product_id>/add/", views.add, name="add"),
    path("restock/<int:variant_id>/", views.request_restock, name="request_restock"),
    path("restock/confirm/<str:token>/", views.confirm_restock, name="confirm_restock"),
]
