"""Values every storefront template can use."""

from django.conf import settings
from django.http import HttpRequest


def shop(request: HttpRequest) -> dict[str, object]:
    return {
        "SHOP_SANDBOX": settings.SHOP_SANDBOX,
        "SITE_URL": settings.SITE_URL,
        "SHOP_NAME": settings.SHOP_NAME,
        "SHOP_BUSINESS_INFO": settings.SHOP_BUSINESS_INFO,
    }
