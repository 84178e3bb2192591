"""Root URLs: storefront pages, accounts, admin, the API under /api/v1/, operations."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shop import plugins, views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("wishlist.api.urls")),
    path("", include("reviews.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("seller/", include(("vendors.sellercenter_urls", "admin"), namespace="sellercenter")),
    path("accounts/", include("allauth.urls")),
    path("my/", include("accounts.urls")),
    path("vendors/", include("vendors.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("livez", views.livez, name="livez"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("payments/", include("payments.urls")),
    path("", include("wishlist.urls")),
    path("", include("reviews.urls")),
    path("", include("promotions.urls")),
    path("", include("orders.urls")),
    path("", include("catalog.urls")),
    # The storefront home belongs to the catalog; this keeps its un-namespaced name "home".
    path("", include("catalog.home_urls")),
]

# The payment providers' emulators, only in sandbox mode (never in production settings).
if settings.SHOP_SANDBOX:
    urlpatterns.insert(0, path("sandbox/", include("payments.emulators.urls")))
    urlpatterns.insert(0, path("sandbox/", include("accounts.emulators.urls")))
    urlpatterns.insert(0, path("sandbox/", include("notifications.emulators.urls")))

# What installed plugins mount (shop.plugins.register_urls), before the catch-all pages.
urlpatterns[:0] = plugins.url_patterns()

# On a developer machine (DEBUG) Django serves uploaded media from MEDIA_ROOT itself;
# in production nginx or the object storage's CDN serves it and this adds nothing.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Unknown URLs and crashes answer JSON under /api/ and a page elsewhere.
handler400 = "shop.views.bad_request"
handler403 = "shop.views.permission_denied"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
