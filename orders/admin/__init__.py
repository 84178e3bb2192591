"""Orders in the platform admin (``orders``, ``platform``) and the seller center (``seller``).

Importing this package (Django's admin autodiscovery does) registers both sites' pages;
``shipments`` and ``claims`` hold what the two share, ``common`` the helpers and
``order_parts`` the order page's filters and inlines.
"""

from orders.admin import orders, platform, seller  # noqa: F401  (registers the pages)
