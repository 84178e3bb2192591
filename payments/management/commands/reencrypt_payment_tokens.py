"""``manage.py reencrypt_payment_tokens``: the last step of rotating PAYMENTS_TOKEN_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from payments.services.brandpay import reencrypt_saved_methods


class Command(BaseCommand):
    help = (
        "Encrypt every saved payment token again with the first key of "
        "SHOP_PAYMENTS_TOKEN_KEY, so the older keys can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done, unreadable = reencrypt_saved_methods()
        self.stdout.write(f"{done} saved payment tokens encrypted with the newest key.")
        if unreadable:
            raise CommandError(
                f"{unreadable} saved tokens open with none of the listed keys: "
                "put the key they were saved with back into SHOP_PAYMENTS_TOKEN_KEY."
            )
