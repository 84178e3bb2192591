"""Two vendors, each with an owner, and a client signed in to the seller center as the first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.vendors.factories import MembershipFactory, VendorFactory
from vendors.models import Vendor, VendorMembership


@dataclass
class Tenants:
    mine: Vendor
    theirs: Vendor
    owner: VendorMembership
    other_owner: VendorMembership


@pytest.fixture
def tenants(db: None) -> Tenants:
    mine, theirs = VendorFactory(name="내가게"), VendorFactory(name="남의가게")
    return Tenants(
        mine=mine,
        theirs=theirs,
        owner=MembershipFactory(vendor=mine),
        other_owner=MembershipFactory(vendor=theirs),
    )


@pytest.fixture
def seller_client(tenants: Tenants) -> Client:
    client = Client()
    client.force_login(tenants.owner.user)
    return client
