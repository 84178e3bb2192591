"""A live shop must not take Toss payments on the sandbox keys."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from shop_tosspayments import conf


@register()
def live_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.SHOP_SANDBOX or conf.secret_key() != conf.SANDBOX_SECRET_KEY:
        return []
    return [
        Error(
            "Toss Payments is installed without its keys",
            hint="Set SHOP_TOSSPAYMENTS_SECRET_KEY and SHOP_TOSSPAYMENTS_CLIENT_KEY.",
            id="shop_tosspayments.E001",
        )
    ]
