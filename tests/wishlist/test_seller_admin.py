"""Restock demand in the seller center: the vendor's own options only, no shopper named."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.vendors.factories import MembershipFactory
from vendors.sellercenter import dashboard_counts
from wishlist import services

pytestmark = pytest.mark.django_db


def test_the_vendor_sees_who_waits_for_its_options_but_not_who_they_are(client) -> None:
    mine = VariantFactory(stock=0, label="우리 옵션")
    theirs = VariantFactory(stock=0, label="남의 옵션")
    shopper = UserFactory(email="secret-shopper@example.com")
    services.request_restock_alert(user=shopper, variant_id=mine.pk)
    services.request_restock_alert(user=UserFactory(), variant_id=theirs.pk)
    client.force_login(MembershipFactory(vendor=mine.product.vendor).user)

    listing = client.get(reverse("sellercenter:wishlist_restocksubscription_changelist"))
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "우리 옵션" in html
    assert "남의 옵션" not in html
    assert "secret-shopper" not in html
    with translation.override("en"):  # the labels are lazy: compare them in the source language
        counts = {str(row["label"]): row["count"] for row in dashboard_counts(mine.product.vendor)}
    assert counts["Shoppers waiting for a restock"] == 1
