"""Kernel pages: the storefront home placeholder, health, metrics and error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Show the storefront home page (a placeholder until the catalog lands)."""
    return render(request, "shop/home.html")
