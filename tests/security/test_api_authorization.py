"""Object-level authorization of the API (security.md AC-01, AC-04): B never reaches A's rows.

Two shoppers and two vendors, each with a real bearer token. For every API operation on
one object, B's request for A's object answers exactly what it answers for an object
that does not exist (no existence oracle), changes nothing, and shows none of A's data;
A's own request still works. Lists of B never hold A's rows. Schemathesis's own
object_level_authorization check needs stateful links our schema does not declare, so
these tests do it per resource family instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.api.permissions import VENDOR_HEADER
from orders.models import Cart, CartLine, VendorShipment
from tests.accounts.factories import AddressFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.factories import ClaimFactory, OrderFactory, OrderLineFactory
from tests.shipping.factories import ShippingPolicyFactory
from tests.vendors.factories import MembershipFactory
from tests.wishlist.factories import RestockSubscriptionFactory

pytestmark = pytest.mark.django_db

MISSING_ID = 987654321
MISSING_NUMBER = "NOSUCHORDER000000000"


def bearer(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {Token.objects.create(user=user).key}")
    return client


@dataclass
class Party:
    """A shopper and a vendor member, with the rows they own."""

    shopper: APIClient
    seller: APIClient
    rows: dict[str, Any]
    vendor_id: int


def make_party(name: str) -> Party:
    user = UserFactory(email=f"{name}@example.com", name=f"{name}-이름")
    member = MembershipFactory()
    ShippingPolicyFactory(vendor=member.vendor)  # the cart prices shipping per vendor
    product = ProductFactory(vendor=member.vendor, name=f"{name}-상품")
    variant = VariantFactory(product=product)
    order = OrderFactory(user=user, orderer_email=user.email, recipient_name=f"{name}-수령")
    line = OrderLineFactory(shipment__order=order, shipment__vendor=member.vendor)
    claim = ClaimFactory(
        shipment__order=OrderFactory(user=user, orderer_email=user.email),
        shipment__vendor=member.vendor,
    )
    rows = {
        "address": AddressFactory(user=user, detail_address=f"{name}-주소"),
        "order": order,
        "line": line,
        "shipment": line.shipment,
        "delivered": claim.shipment,
        "claim": claim,
        "product": product,
        "variant": variant,
        "cart_line": CartLine.objects.create(
            cart=Cart.objects.create(user=user), variant=variant, quantity=1
        ),
        "alert": RestockSubscriptionFactory(
            user=user, variant=VariantFactory(product=product, stock=0)
        ),
    }
    return Party(bearer(user), bearer(member.user), rows, member.vendor.pk)


@pytest.fixture
def parties() -> tuple[Party, Party]:
    return make_party("alice"), make_party("bob")


def snapshot(party: Party) -> dict[str, Any]:
    return {
        name: model_to_dict(type(row)._default_manager.get(pk=row.pk))
        for name, row in party.rows.items()
    }


# (client, method, path with {id} for the object, body, the object's kind).
SHOPPER_OPERATIONS = [
    ("get", "/api/v1/me/addresses/{id}/", None, "address"),
    ("patch", "/api/v1/me/addresses/{id}/", {"recipient": "침입자"}, "address"),
    ("delete", "/api/v1/me/addresses/{id}/", None, "address"),
    ("post", "/api/v1/me/addresses/{id}/default/", {}, "address"),
    ("get", "/api/v1/orders/{id}/", None, "order"),
    ("post", "/api/v1/orders/{id}/cancel/", {"reason": "침입"}, "order"),
    ("patch", "/api/v1/cart/lines/{id}/", {"quantity": 3}, "cart_line"),
    ("delete", "/api/v1/cart/lines/{id}/", None, "cart_line"),
    ("delete", "/api/v1/me/restock-alerts/{id}/", None, "alert"),
]
SELLER_OPERATIONS = [
    ("get", "/api/v1/seller/products/{id}/", None, "product"),
    ("patch", "/api/v1/seller/products/{id}/", {"name": "침입"}, "product"),
    ("delete", "/api/v1/seller/products/{id}/", None, "product"),
    ("post", "/api/v1/seller/products/{id}/status/", {"status": "hidden"}, "product"),
    ("put", "/api/v1/seller/products/{id}/options/", {"groups": []}, "product"),
    ("post", "/api/v1/seller/products/{id}/variants/generate/", {"stock": 1}, "product"),
    ("post", "/api/v1/seller/variants/{id}/stock/", {"delta": 5, "reason": "침입"}, "variant"),
    ("get", "/api/v1/seller/shipments/{id}/", None, "shipment"),
    ("post", "/api/v1/seller/shipments/{id}/prepare/", {}, "shipment"),
    (
        "post",
        "/api/v1/seller/shipments/{id}/ship/",
        {"carrier": "cj", "tracking_number": "123456789012"},
        "shipment",
    ),
    ("post", "/api/v1/seller/shipments/{id}/deliver/", {}, "shipment"),
    ("get", "/api/v1/seller/claims/{id}/", None, "claim"),
    ("post", "/api/v1/seller/claims/{id}/returned/", {"note": "침입"}, "claim"),
    ("post", "/api/v1/seller/claims/{id}/exchanged/", {"note": "침입"}, "claim"),
    ("post", "/api/v1/seller/claims/{id}/reject/", {"note": "침입"}, "claim"),
]


def key_of(row: Any) -> Any:
    return getattr(row, "number", None) or row.pk


def call(client: APIClient, method: str, path: str, body: Any) -> Any:
    with translation.override("en"):
        return getattr(client, method)(path, body, format="json")


def assert_like_a_missing_object(party_b_client, method, path, body, owner: Party, kind):
    missing = MISSING_NUMBER if kind == "order" else MISSING_ID
    before = snapshot(owner)

    theirs = call(party_b_client, method, path.format(id=key_of(owner.rows[kind])), body)
    nothing = call(party_b_client, method, path.format(id=missing), body)

    assert theirs.status_code in (403, 404), theirs.content
    assert theirs.status_code == nothing.status_code
    assert theirs.json()["code"] == nothing.json()["code"]
    assert snapshot(owner) == before
    body_text = theirs.content.decode()
    assert "alice" not in body_text


@pytest.mark.parametrize(("method", "path", "body", "kind"), SHOPPER_OPERATIONS)
def test_a_shopper_reaches_no_object_of_another_shopper(parties, method, path, body, kind):
    alice, bob = parties
    assert_like_a_missing_object(bob.shopper, method, path, body, alice, kind)


@pytest.mark.parametrize(("method", "path", "body", "kind"), SELLER_OPERATIONS)
def test_a_vendor_reaches_no_object_of_another_vendor(parties, method, path, body, kind):
    alice, bob = parties
    assert_like_a_missing_object(bob.seller, method, path, body, alice, kind)


@pytest.mark.parametrize(("method", "path", "body", "kind"), SELLER_OPERATIONS)
def test_a_shopper_reaches_no_seller_object(parties, method, path, body, kind):
    alice, bob = parties
    before = snapshot(alice)

    response = call(bob.shopper, method, path.format(id=key_of(alice.rows[kind])), body)

    assert response.status_code == 403
    assert snapshot(alice) == before


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/api/v1/seller/products/{id}/", "product"),
        ("/api/v1/seller/shipments/{id}/", "shipment"),
        ("/api/v1/seller/claims/{id}/", "claim"),
    ],
)
def test_the_owner_reads_the_same_objects(parties, path, kind):
    """The control: the denials above are about ownership, not a broken route."""
    alice, _bob = parties

    assert (
        call(alice.seller, "get", path.format(id=key_of(alice.rows[kind])), None).status_code == 200
    )


def test_the_owning_shopper_reads_their_order_and_address(parties):
    alice, _bob = parties

    order = call(alice.shopper, "get", f"/api/v1/orders/{alice.rows['order'].number}/", None)
    address = call(alice.shopper, "get", f"/api/v1/me/addresses/{alice.rows['address'].pk}/", None)

    assert order.status_code == 200
    assert address.status_code == 200
    assert address.json()["detail_address"] == "alice-주소"


def test_shipment_actions_on_another_shoppers_order_are_404(parties):
    alice, bob = parties
    before = snapshot(alice)
    order, shipment = alice.rows["delivered"].order, alice.rows["delivered"]
    base = f"/api/v1/orders/{order.number}/shipments/{shipment.pk}"
    line = alice.rows["claim"].lines.first().order_line

    confirm = call(bob.shopper, "post", f"{base}/confirm/", {})
    claim = call(
        bob.shopper,
        "post",
        f"{base}/claims/",
        {"kind": "return", "lines": {str(line.pk): 1}, "reason": "침입"},
    )
    partial = call(
        bob.shopper,
        "post",
        f"/api/v1/orders/{alice.rows['order'].number}/partial-cancel/",
        {"lines": {str(alice.rows["line"].pk): 1}, "reason": "침입"},
    )

    assert [confirm.status_code, claim.status_code, partial.status_code] == [404, 404, 404]
    assert snapshot(alice) == before
    assert VendorShipment.objects.get(pk=shipment.pk).status == shipment.status


@pytest.mark.parametrize(
    ("who", "path", "marker"),
    [
        ("shopper", "/api/v1/me/addresses/", lambda rows: "alice-주소"),
        ("shopper", "/api/v1/orders/", lambda rows: rows["order"].number),
        ("shopper", "/api/v1/cart/", lambda rows: "alice-상품"),
        ("shopper", "/api/v1/me/restock-alerts/", lambda rows: "alice-상품"),
        ("seller", "/api/v1/seller/products/", lambda rows: "alice-상품"),
        ("seller", "/api/v1/seller/shipments/", lambda rows: rows["order"].number),
        ("seller", "/api/v1/seller/claims/", lambda rows: rows["claim"].order.number),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_lists_hold_only_the_callers_rows(parties, who, path, marker):
    alice, bob = parties
    marker = marker(alice.rows)

    own = call(getattr(alice, who), "get", path, None)
    others = call(getattr(bob, who), "get", path, None)

    assert own.status_code == others.status_code == 200
    assert marker in own.content.decode()  # the control: the marker is where it belongs
    assert marker not in others.content.decode()


def test_a_vendor_cannot_act_for_another_vendor_by_header(parties):
    alice, bob = parties
    bob.seller.credentials(
        HTTP_AUTHORIZATION=bob.seller._credentials["HTTP_AUTHORIZATION"],
        **{f"HTTP_{VENDOR_HEADER.upper().replace('-', '_')}": str(alice.vendor_id)},
    )

    listing = call(bob.seller, "get", "/api/v1/seller/products/", None)
    detail = call(bob.seller, "get", f"/api/v1/seller/products/{alice.rows['product'].pk}/", None)

    assert listing.status_code == 403
    assert detail.status_code == 403
    assert "alice" not in listing.content.decode() + detail.content.decode()


def test_unknown_and_privileged_fields_are_refused_by_name(parties):
    alice, _bob = parties

    response = call(alice.shopper, "patch", "/api/v1/me/", {"name": "새이름", "is_staff": True})

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_field"
    assert "is_staff" in response.json()["fields"]
    assert not UserFactory._meta.model.objects.filter(is_staff=True).exists()
