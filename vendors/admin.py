"""Platform staff's pages for vendors in ``/admin/``; the seller center's are in seller_admin."""

from vendors import seller_admin  # noqa: F401  (registers the seller-center pages)
