"""The storefront home under its historic un-namespaced name ``home``.

Templates across the project link ``{% url 'home' %}``; the kernel mounts this module
(by string, so ``shop`` still never imports ``catalog``) to keep that name working.
"""

from django.urls import path

from catalog import views

urlpatterns = [path("", views.home, name="home")]
