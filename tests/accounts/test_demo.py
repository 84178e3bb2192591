"""Demo data of accounts: the printed logins exist once and sign in."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from accounts import demo
from accounts.models import Address, User

pytestmark = pytest.mark.django_db


def test_demo_load_creates_the_logins_once_and_they_work():
    logins = demo.load(io.StringIO())
    again = demo.load(io.StringIO())

    assert logins == [
        ("admin", "admin@example.com", "shop-admin-1234"),
        ("shopper", "shopper@example.com", "shop-shopper-1234"),
    ]
    assert again == logins
    assert User.objects.count() == 2
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert admin.is_staff
    shopper = User.objects.get(email="shopper@example.com")
    assert not shopper.is_staff
    [address] = Address.objects.filter(user=shopper)
    assert address.is_default
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "shopper@example.com", "password": "shop-shopper-1234"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(shopper.pk)


def test_demo_load_again_leaves_a_changed_shopper_alone():
    demo.load(io.StringIO())
    shopper = User.objects.get(email="shopper@example.com")
    shopper.set_password("changed-by-the-tester-1")
    shopper.save()
    Address.objects.filter(user=shopper).delete()

    demo.load(io.StringIO())

    shopper.refresh_from_db()
    assert shopper.check_password("changed-by-the-tester-1")
    assert Address.objects.filter(user=shopper, is_default=True).count() == 1


def test_demo_load_creates_the_four_grades_and_a_verified_adult_shopper():
    from accounts import selectors
    from accounts.models import MemberGrade

    demo.load(io.StringIO())
    demo.load(io.StringIO())

    assert list(MemberGrade.objects.values_list("name", flat=True)) == [
        "일반",
        "실버",
        "골드",
        "VIP",
    ]
    shopper = User.objects.get(email="shopper@example.com")
    assert selectors.is_adult(shopper)
    assert selectors.member_benefits(shopper).grade_code == "general"
