"""The public extension API of vendors: seller-center pages (docs/extending.md).

Register a vendor-owned model on ``seller_site`` with a ``VendorScopedModelAdmin``: it
keeps each vendor inside its own rows. ``register_dashboard_count`` adds a to-do count
to the seller center's home. Only the names in ``__all__`` are public.
"""

from vendors.sellercenter import (
    VendorScopedModelAdmin,
    VendorScopedStackedInline,
    VendorScopedTabularInline,
    current_vendor,
    register_dashboard_count,
    seller_site,
)

__all__ = [
    "VendorScopedModelAdmin",
    "VendorScopedStackedInline",
    "VendorScopedTabularInline",
    "current_vendor",
    "register_dashboard_count",
    "seller_site",
]
