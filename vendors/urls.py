"""Storefront URLs of vendors, mounted at /vendors/."""

from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply_done"),
]
