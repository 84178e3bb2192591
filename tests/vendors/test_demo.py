"""The vendors' demo data: the vendors the other apps' demos rely on, loaded idempotently."""

import io

import pytest
from django.test import Client

from vendors import demo
from vendors.models import Vendor, VendorMembership


@pytest.mark.django_db
def test_demo_loads_operator_three_sellers_and_an_applicant_once():
    first = demo.load(io.StringIO())
    second = demo.load(io.StringIO())

    assert first == second
    assert Vendor.objects.count() == 5
    assert Vendor.objects.get(is_operator=True).is_approved
    for slug in ["seoul-market", "jeju-farm", "global-goods"]:
        assert Vendor.objects.get(slug=slug).status == Vendor.Status.APPROVED
    assert Vendor.objects.filter(status=Vendor.Status.APPLIED).count() == 1
    assert VendorMembership.objects.filter(role=VendorMembership.Role.OWNER).count() == 5
    assert ("seller seoul-market", "seller1@example.com", "shop-seller-1234") in first


@pytest.mark.django_db
def test_demo_seller_login_opens_the_seller_center():
    logins = demo.load(io.StringIO())
    _role, email, password = next(login for login in logins if "seoul-market" in login[0])
    client = Client()

    assert client.login(email=email, password=password)
    response = client.get("/seller/")

    assert response.status_code == 200
    assert "서울마켓" in response.content.decode()
