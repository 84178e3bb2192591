"""Storefront URLs of promotions: the download zone at /coupons/, my coupons and points."""

from django.urls import path

from promotions import views

app_name = "promotions"
urlpatterns = [
    path("coupons/", views.coupon_zone, name="coupons"),
    path("coupons/<int:coupon_id>/download/", views.download, name="download"),
    path("coupons/code/", views.enter_code, name="enter_code"),
    path("my/coupons/", views.my_coupons, name="my_coupons"),
    path("my/points/", views.my_points, name="my_points"),
]
