"""The seller center (판매자센터): a second admin site where vendor staff manage their own rows.

Higher apps register their vendor-owned models here with ``VendorScopedModelAdmin``
(``from vendors.sellercenter import seller_site, VendorScopedModelAdmin``). The base
class is what keeps a vendor inside its own data: every queryset is filtered to the
signed-in member's vendor, new rows get that vendor, foreign-key choices are limited
to the vendor's rows (a forged id in a form field or inline formset is a validation
error), and permissions come from the member's role instead of Django's model
permissions, which vendor staff do not have.
"""

from vendors.sellercenter.export import export_csv_response, write_csv
from vendors.sellercenter.scoping import (
    VendorScopedInline,
    VendorScopedMixin,
    VendorScopedModelAdmin,
    VendorScopedStackedInline,
    VendorScopedTabularInline,
    limit_choices,
    scope_filter,
    vendor_id_of,
    vendor_path_for_model,
)
from vendors.sellercenter.site import (
    ROLE_PERMISSIONS,
    SellerCenterSite,
    active_memberships,
    current_vendor,
    dashboard_counts,
    membership_for,
    register_dashboard_count,
    role_allows,
    seller_site,
)

__all__ = [
    "ROLE_PERMISSIONS",
    "SellerCenterSite",
    "VendorScopedInline",
    "VendorScopedMixin",
    "VendorScopedModelAdmin",
    "VendorScopedStackedInline",
    "VendorScopedTabularInline",
    "active_memberships",
    "current_vendor",
    "dashboard_counts",
    "export_csv_response",
    "limit_choices",
    "membership_for",
    "register_dashboard_count",
    "role_allows",
    "scope_filter",
    "seller_site",
    "vendor_id_of",
    "vendor_path_for_model",
    "write_csv",
]
