"""Storefront URLs of the catalog, mounted at the site root (before the kernel's)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from catalog import views
from catalog.sitemaps import SITEMAPS

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<str:slug>/", views.category, name="category"),
    path("search/", views.search, name="search"),
    path("p/<int:pk>/", views.product, name="product_short"),
    path("p/<int:pk>/<str:slug>/", views.product, name="product"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
