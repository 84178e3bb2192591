"""The plugin's storefront URLs, mounted at /tosspayments/ (``register_urls``)."""

from django.urls import path

from shop_tosspayments import views

app_name = "tosspayments"
urlpatterns = [
    path("<uuid:reference>/success/", views.success, name="success"),
    path("<uuid:reference>/fail/", views.fail, name="fail"),
    path("window/", views.window, name="window"),
]
