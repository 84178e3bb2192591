"""In-process listeners of the catalog: drop cached storefront reads when the catalog changes.

They run right after the change commits, in the process that made it, so the next page
view rebuilds from the database. Cheap and repeatable (deleting a key twice is harmless),
which is what ``in_process=True`` listeners must be. With several web processes the cache
must be shared (Redis); a per-process cache would only be cleared in one of them.
"""

from __future__ import annotations

from catalog.events import (
    AddOnStockChanged,
    PriceChanged,
    ProductChanged,
    ProductCreated,
    ProductDeleted,
    ProductRestored,
    ProductStatusChanged,
    StockChanged,
    VariantsGenerated,
)
from catalog.media.events import MediaFailed, MediaProcessed, MediaRemoved, MediaReordered
from catalog.selectors import caching
from shop.events import AdminObjectAdded, AdminObjectChanged, AdminObjectDeleted, listen
from vendors.events import VendorApproved, VendorClosed, VendorReopened, VendorSuspended

ProductEvent = (
    ProductCreated
    | ProductChanged
    | ProductStatusChanged
    | ProductDeleted
    | ProductRestored
    | PriceChanged
    | StockChanged
    | AddOnStockChanged
    | VariantsGenerated
    | MediaProcessed
    | MediaFailed
    | MediaRemoved
    | MediaReordered
)


def forget_product(event: ProductEvent) -> None:
    """Drop the product's cached page and every listing that may show it."""
    caching.forget_product(event.product_id)


for _event_type in (
    ProductCreated,
    ProductChanged,
    ProductStatusChanged,
    ProductDeleted,
    ProductRestored,
    PriceChanged,
    StockChanged,
    AddOnStockChanged,
    VariantsGenerated,
    MediaProcessed,
    MediaFailed,
    MediaRemoved,
    MediaReordered,
):
    listen(_event_type, in_process=True)(forget_product)


AdminEvent = AdminObjectAdded | AdminObjectChanged | AdminObjectDeleted


@listen(AdminObjectAdded, in_process=True)
@listen(AdminObjectChanged, in_process=True)
@listen(AdminObjectDeleted, in_process=True)
def forget_catalog_after_admin_edit(event: AdminEvent) -> None:
    """A category (or a catalog row edited outside the services) changed in the admin.

    The admin event names no product, so every cached catalog read is dropped: such
    edits are rare, and a stale price or category tree would be worse than a rebuild.
    """
    if event.model.startswith("catalog.") or event.model == "vendors.Vendor":
        caching.forget_catalog()  # a vendor's name and details show on every product


VendorEvent = VendorApproved | VendorSuspended | VendorClosed | VendorReopened


@listen(VendorApproved, in_process=True)
@listen(VendorSuspended, in_process=True)
@listen(VendorClosed, in_process=True)
@listen(VendorReopened, in_process=True)
def forget_catalog_after_vendor_status(event: VendorEvent) -> None:
    """A suspended or closed vendor's products leave the storefront at once (and return
    with it): every cached read may show them."""
    caching.forget_catalog()
