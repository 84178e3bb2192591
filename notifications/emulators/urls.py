"""Notification emulator URLs, mounted at /sandbox/ by the root URLs only when SHOP_SANDBOX is on."""

from django.urls import include, path

app_name = "notifications_sandbox"
urlpatterns = [path("sens/", include("notifications.emulators.sens"))]
