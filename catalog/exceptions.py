"""Error codes of the catalog: products, options and stock changes that were refused."""

from enum import StrEnum

from shop.exceptions import ShopError


class CatalogErrorCode(StrEnum):
    INVALID_PRODUCT = "invalid_product"
    INVALID_OPTIONS = "invalid_options"
    DUPLICATE_COMBINATION = "duplicate_combination"
    INVALID_VARIANT_GRID = "invalid_variant_grid"
    OUT_OF_STOCK = "out_of_stock"
    INVALID_STOCK_CHANGE = "invalid_stock_change"


class CatalogError(ShopError):
    """A catalog change was refused; ``fields`` names the input at fault."""
