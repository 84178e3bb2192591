"""Error codes of the wishlist app."""

from __future__ import annotations

from enum import StrEnum

from shop.exceptions import ShopError


class WishlistErrorCode(StrEnum):
    NOT_SOLD_OUT = "not_sold_out"


class WishlistError(ShopError):
    pass
