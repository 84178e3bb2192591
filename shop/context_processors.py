"""Values every storefront template can use."""

from django.conf import settings
from django.http import HttpRequest

from shop import pagecache


def shop(request: HttpRequest) -> dict[str, object]:
    values: dict[str, object] = {
        "SHOP_SANDBOX": settings.SHOP_SANDBOX,
        "SITE_URL": settings.SITE_URL,
        "SHOP_NAME": settings.SHOP_NAME,
        "SHOP_BUSINESS_INFO": settings.SHOP_BUSINESS_INFO,
    }
    if pagecache.filling(request):
        # A page kept for every visitor carries no one's token: each visitor's own is put
        # in its place when the page is served (this runs after Django's csrf processor).
        values["csrf_token"] = pagecache.csrf_placeholder()
    return values
