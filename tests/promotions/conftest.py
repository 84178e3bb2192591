"""Fixtures of promotions' tests: the seller-center tenants come from the vendors' tests."""

from tests.vendors.conftest import seller_client, tenants  # noqa: F401
