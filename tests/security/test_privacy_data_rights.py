"""PRIV-03 and PRIV-04: a member downloads their data and deletes their account.

Deletion is refused while an order is on its way, asks for the password again, and then
anonymises the member in one transaction with one audit event: login, contact details,
addresses, identity verification, social accounts and saved payment methods go (the
latter deactivated at the provider); orders, payments and the points ledger stay, with
the personal fields on the orders masked.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Address, IdentityVerification
from orders import services as order_services
from orders.models import Order
from payments.models import PaymentIntent, StoredPaymentMethod
from promotions import services as promotion_services
from promotions.models import PointAccount, PointEntry
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory, UserFactory, verify_identity
from tests.orders.helpers import guest_cart, place, variant_of
from tests.payments.conftest import kakaopay_emulator  # noqa: F401
from tests.wishlist.factories import WishlistItemFactory
from wishlist.models import WishlistItem

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def member():
    user = UserFactory(email="leaver@example.com", name="김탈퇴", phone="010-5555-6666")
    AddressFactory(user=user, recipient="김탈퇴", detail_address="101동 1001호")
    verify_identity(user)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    SocialAccount.objects.create(user=user, provider="kakao", uid="kakao-4242")
    user.marketing_opt_in = True
    user.save()
    return user


@pytest.fixture
def client_of(member) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    return client


def order_of(user, *, delivered: bool) -> Order:
    cart = guest_cart(f"cart-{user.pk}-{Order.objects.count()}")
    order_services.add_to_cart(cart=cart, variant_id=variant_of(stock=5).pk, quantity=1)
    order = place(cart, user=user, orderer_name="김탈퇴", orderer_phone="010-5555-6666").order
    order_services.mark_deposit_confirmed(order_id=order.pk)
    if delivered:
        part = order.shipments.get()
        order_services.ship(shipment_id=part.pk, carrier="cj", tracking_number="612345678901")
        order_services.mark_delivered(shipment_id=part.pk)
    return Order.objects.get(pk=order.pk)


def delete(client: Client, **data) -> object:
    return client.post(reverse("accounts:delete_account"), {"confirm": "on", **data})


# --- Download -------------------------------------------------------------------------------


def test_download_my_data_holds_what_we_hold_about_me_and_nobody_else(member, client_of):
    order = order_of(member, delivered=True)
    WishlistItemFactory(user=member)
    promotion_services.earn_points(user=member, amount=500, reason="welcome", source="test")
    other = UserFactory(email="someone-else@example.com")
    order_of(other, delivered=True)

    response = client_of.get(reverse("accounts:my_data"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["account"]["phone"] == "010-5555-6666"
    assert data["account"]["addresses"][0]["detail_address"] == "101동 1001호"
    assert data["account"]["consents"]["marketing_opt_in"] is True
    assert data["account"]["identity_verification"]["name"] == "김인증"
    assert data["account"]["social_accounts"][0]["provider"] == "kakao"
    assert [row["number"] for row in data["orders"]] == [order.number]
    assert data["orders"][0]["lines"][0]["quantity"] == 1
    assert data["promotions"]["points_balance"] == 500
    assert len(data["wishlist"]["wishlist"]) == 1
    assert {"payment_methods", "reviews"} <= set(data)
    text = response.content.decode()
    assert "someone-else@example.com" not in text
    assert "ci_hash" not in text  # a keyed hash is ours, not the member's data


def test_download_needs_a_signed_in_member(client):
    response = client.get(reverse("accounts:my_data"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Deletion refused -------------------------------------------------------------------------


def test_deletion_is_refused_while_an_order_is_still_on_its_way(member, client_of):
    order = order_of(member, delivered=False)

    with translation.override("en"):
        response = delete(client_of, password=PASSWORD)

    assert response.status_code == 409
    assert f"Order {order.number} is still open" in response.content.decode()
    member.refresh_from_db()
    assert member.is_active
    assert member.email == "leaver@example.com"
    assert not AuditEvent.objects.filter(event_type="accounts.AccountDeleted").exists()


def test_deletion_asks_for_the_password_again(member, client_of):
    with translation.override("en"):
        wrong = delete(client_of, password="not-my-password")
        missing = delete(client_of)
        unconfirmed = client_of.post(reverse("accounts:delete_account"), {"password": PASSWORD})

    assert wrong.status_code == 200
    with translation.override("en"):  # the error is a lazy text, translated when read
        assert wrong.context["form"].errors["password"] == ["The password is not correct."]
    assert "password" in missing.context["form"].errors
    assert "confirm" in unconfirmed.context["form"].errors
    member.refresh_from_db()
    assert member.is_active


def test_a_social_only_member_must_have_signed_in_recently(member, client_of):
    from datetime import timedelta

    from django.utils import timezone

    member.set_unusable_password()
    member.last_login = timezone.now() - timedelta(hours=2)
    member.save()
    client_of.force_login(member)  # the session survives the new password hash
    get_user_model().objects.filter(pk=member.pk).update(
        last_login=timezone.now() - timedelta(hours=2)
    )

    with translation.override("en"):
        page = client_of.get(reverse("accounts:delete_account"))
        refused = delete(client_of)

    assert "sign in again" in page.content.decode()
    assert refused.status_code == 200
    assert get_user_model().objects.get(pk=member.pk).is_active


# --- Deletion -------------------------------------------------------------------------------


def test_deletion_anonymises_the_member_and_keeps_the_masked_orders(member, client_of):
    order = order_of(member, delivered=True)
    WishlistItemFactory(user=member)
    promotion_services.earn_points(user=member, amount=700, reason="welcome", source="test")
    totals = (order.total_amount, order.items_amount, order.status)
    intents, entries = PaymentIntent.objects.count(), PointEntry.objects.count()

    response = delete(client_of, password=PASSWORD)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == f"deleted-{member.pk}@deleted.invalid"
    assert (member.name, member.phone) == ("", "")
    assert not member.is_active
    assert not member.has_usable_password()
    assert not member.marketing_opt_in
    assert member.marketing_consent_at is not None
    assert not Address.objects.filter(user=member).exists()
    assert not IdentityVerification.objects.filter(user=member).exists()
    assert not SocialAccount.objects.filter(user=member).exists()
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not WishlistItem.objects.filter(user=member).exists()
    # The order stays for 5 years (전자상거래법), its amounts intact, its contacts masked.
    kept = Order.objects.get(pk=order.pk)
    assert (kept.total_amount, kept.items_amount, kept.status) == totals
    assert kept.user_id == member.pk
    for field in ("orderer_phone", "orderer_email", "recipient_phone", "detail_address"):
        assert getattr(kept, field) == "", field
    assert "김탈퇴" not in (kept.orderer_name + kept.recipient_name)
    # The ledgers are untouched and still balance.
    assert PaymentIntent.objects.count() == intents
    assert PointEntry.objects.count() == entries
    account = PointAccount.objects.get(user=member)
    assert account.balance == PointEntry.objects.filter(user=member).aggregate(s=Sum("amount"))["s"]
    [event] = AuditEvent.objects.filter(event_type="accounts.AccountDeleted")
    assert event.payload["user_id"] == member.pk
    assert "leaver@example.com" not in json.dumps(event.payload)


def test_a_deleted_member_is_signed_out_and_cannot_sign_in_again(member, client_of):
    delete(client_of, password=PASSWORD)

    assert client_of.get(reverse("accounts:profile")).status_code == 302  # to the login page
    again = Client(HTTP_ACCEPT_LANGUAGE="en")
    login = again.post(
        reverse("account_login"), {"login": "leaver@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in again.session


def test_deleting_twice_changes_nothing_the_second_time(member):
    from accounts import services
    from accounts.exceptions import AccountError

    services.delete_account(user_id=member.pk)
    with pytest.raises(AccountError):
        services.delete_account(user_id=member.pk)
    assert AuditEvent.objects.filter(event_type="accounts.AccountDeleted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_saved_payment_methods_are_deactivated_at_the_provider(
    settings,
    live_server,
    kakaopay_emulator,  # noqa: F811
):
    from payments import crypto
    from payments.emulators import state

    settings.SITE_URL = live_server.url
    member = UserFactory(email="brandpay-leaver@example.com")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member)
    to_provider = client.post(reverse("payments:add_method", args=["kakaopay"]))
    back = urlsplit(kakaopay_emulator.buyer(to_provider["Location"], "approve"))
    client.get(f"{back.path}?{back.query}")
    method = StoredPaymentMethod.objects.get(user=member)
    sid = crypto.decrypt(method.token_ciphertext)
    assert state.load("kakaopay", "sid", sid)["status"] == "ACTIVE"

    assert delete(client, password=PASSWORD).status_code == 302

    method.refresh_from_db()
    assert method.status == StoredPaymentMethod.Status.INACTIVE
    assert state.load("kakaopay", "sid", sid)["status"] == "INACTIVE"


# --- The same through the API ---------------------------------------------------------------


def test_the_api_exports_my_data_and_deletes_with_the_password(member):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member)
    order_of(member, delivered=True)

    exported = api.get("/api/v1/me/data/")
    wrong = api.post("/api/v1/me/delete/", {"current_password": "nope"}, format="json")
    deleted = api.post("/api/v1/me/delete/", {"current_password": PASSWORD}, format="json")

    assert exported.status_code == 200
    assert exported.json()["account"]["email"] == "leaver@example.com"
    assert wrong.status_code == 400
    assert "current_password" in wrong.json()["fields"]
    assert deleted.status_code == 204
    member.refresh_from_db()
    assert not member.is_active


def test_the_api_refuses_deletion_while_an_order_is_open(member):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member)
    order_of(member, delivered=False)

    response = api.post("/api/v1/me/delete/", {"current_password": PASSWORD}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "deletion_blocked"
    member.refresh_from_db()
    assert member.is_active


def test_the_api_data_rights_need_a_signed_in_member():
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/v1/me/data/").status_code in (401, 403)
    assert api.post("/api/v1/me/delete/", {}, format="json").status_code in (401, 403)
