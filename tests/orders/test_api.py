"""The orders API for shoppers: cart, checkout, my orders and their changes, guest lookup."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.models import Product, Variant
from orders import services
from orders.models import CartLine, Claim, Order, OrderLine, Refund, VendorShipment
from tests.accounts.factories import AddressFactory
from tests.catalog.factories import TextOptionFactory
from tests.orders.helpers import (
    DETAILS,
    addon_of,
    guest_cart,
    place,
    variant_of,
    vendor_with_policy,
)

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
LINES = "/api/v1/cart/lines/"
CHECKOUT = "/api/v1/checkout/"
ORDERS = "/api/v1/orders/"
LOOKUP = "/api/v1/orders/lookup/"
JEJU = "63100"


def assert_error(response, status: int, code: str | None = None, fields: set | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    if fields is not None:
        assert set(body["fields"]) == fields, body["fields"]
    return body


def add(client, variant: Variant, quantity=1, **extra):
    return client.post(LINES, {"variant_id": variant.pk, "quantity": quantity, **extra})


def checkout(client, **details):
    postcode = str(details.get("postcode", ""))
    postcode = postcode if len(postcode) == 5 and postcode.isdigit() else DETAILS["postcode"]
    token = client.get(f"{CART}?postcode={postcode}").json()["token"]
    return client.post(CHECKOUT, {**DETAILS, "cart_token": token, **details})


def order_url(order: Order, suffix: str = "") -> str:
    return f"{ORDERS}{order.number}/{suffix}"


def member_order(user, *, quantity: int = 2, stock: int = 10, vendor=None) -> Order:
    variant = variant_of(vendor, stock=stock)
    cart = services.get_or_create_cart(user=user)
    services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=quantity)
    return place(cart, user=user).order


def delivered(order: Order) -> VendorShipment:
    """Pay, ship and deliver the order's only part, as staff and the vendor would."""
    if order.status == Order.Status.PENDING_PAYMENT:
        services.mark_deposit_confirmed(order_id=order.pk)
    shipment = order.shipments.get()
    services.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="123456789012")
    services.mark_delivered(shipment_id=shipment.pk)
    return shipment


# --- Cart ------------------------------------------------------------------------------------


def test_a_guest_builds_a_cart_grouped_by_vendor_with_each_vendors_shipping(api_client):
    first = variant_of(price=12000, extra=1000, stock=5)
    second = variant_of(price=20000, stock=5)  # another vendor with its own policy
    addon = addon_of(first, price=3000)
    text = TextOptionFactory(product=first.product, max_length=10)

    response = add(api_client, first, 2, addons={str(addon.pk): 1}, text_inputs={text.pk: "엄마"})
    assert response.status_code == 201, response.content
    assert add(api_client, second).status_code == 201

    body = api_client.get(CART).json()
    assert [line["variant_id"] for line in body["lines"]] == [first.pk, second.pk]
    line = body["lines"][0]
    assert (line["unit_price"], line["extra_price"], line["unit_total"]) == (
        "12000",
        "1000",
        "13000",
    )
    assert line["addons"] == [
        {"id": addon.pk, "name": addon.name, "price": "3000", "quantity": 1, "amount": "3000"}
    ]
    assert line["text_inputs"] == [{"option_id": text.pk, "label": text.label, "text": "엄마"}]
    assert line["amount"] == "29000"  # 13000 x 2 + 3000
    assert [group["vendor"]["id"] for group in body["groups"]] == [
        first.product.vendor_id,
        second.product.vendor_id,
    ]
    group = body["groups"][0]
    assert group["shipping_fee"] == "3000"  # under the factory's 50000 free threshold
    assert group["parcels"][0]["breakdown"], group
    assert body["shipping_amount"] == "6000"
    assert body["items_amount"] == str(12000 * 2 + 3000 + 20000)
    assert body["option_extras_amount"] == "2000"
    assert body["total_amount"] == str(12000 * 2 + 3000 + 20000 + 2000 + 6000)
    assert body["problems"] == {}
    assert len(body["token"]) == 32


def test_a_jeju_postcode_shows_the_surcharge(api_client):
    vendor = vendor_with_policy(base_fee=Decimal(3000), jeju_surcharge=Decimal(3000))
    add(api_client, variant_of(vendor))

    mainland = api_client.get(CART).json()
    jeju = api_client.get(f"{CART}?postcode={JEJU}").json()

    assert mainland["shipping_amount"] == "3000"
    assert jeju["shipping_amount"] == "6000"
    assert jeju["groups"][0]["parcels"][0]["remote_kind"] == "jeju"
    assert jeju["postcode"] == JEJU
    assert jeju["token"] != mainland["token"]
    assert_error(api_client.get(f"{CART}?postcode=6310"), 400, "invalid", {"postcode"})


def test_an_empty_cart_is_shown_without_creating_anything(api_client):
    body = api_client.get(CART).json()

    assert (body["lines"], body["groups"], body["total_amount"]) == ([], [], "0")
    assert body["token"]
    assert "csrftoken" in api_client.cookies
    from orders.models import Cart

    assert not Cart.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 1000, 10**12, "abc", "1.5", "", None, True])
def test_bad_quantities_are_refused_naming_the_field(api_client, quantity):
    variant = variant_of()

    assert_error(add(api_client, variant, quantity), 400, "invalid", {"quantity"})
    assert not CartLine.objects.exists()


def test_a_variant_of_another_product_is_refused(api_client):
    variant = variant_of()
    other = variant_of()

    assert_error(
        add(api_client, variant, product_id=other.product_id), 400, "invalid_line", {"variant_id"}
    )
    assert not CartLine.objects.exists()


def test_hidden_sold_out_and_short_items_are_refused_with_the_field(api_client):
    hidden = variant_of(status=Product.Status.HIDDEN)
    short = variant_of(stock=2)
    addon = addon_of(short, stock=0)
    text = TextOptionFactory(product=short.product, max_length=2)

    assert_error(add(api_client, hidden), 409, "out_of_stock", {"variant_id"})
    assert_error(add(api_client, short, 3), 409, "out_of_stock", {"quantity"})
    assert_error(
        add(api_client, short, addons={str(addon.pk): 1}),
        409,
        "out_of_stock",
        {f"addons.{addon.pk}"},
    )
    assert_error(
        add(api_client, short, text_inputs={str(text.pk): "너무 길어요"}),
        400,
        fields={f"text_inputs.{text.pk}"},
    )
    assert_error(add(api_client, short, addons={"x": 0}), 400, "invalid", {"addons.x"})
    assert not CartLine.objects.exists()


def test_a_price_sent_with_a_line_is_refused_by_name(api_client):
    variant = variant_of(price=10000)

    body = assert_error(add(api_client, variant, price="1", unit_price="1"), 400, "unknown_field")

    assert set(body["fields"]) == {"price", "unit_price"}
    assert not CartLine.objects.exists()


def test_change_and_remove_a_line_and_never_another_carts(api_client):
    variant = variant_of(stock=5)
    add(api_client, variant)
    line = CartLine.objects.get()
    theirs_cart = guest_cart("someone-else")
    theirs = services.add_to_cart(cart=theirs_cart, variant_id=variant.pk, quantity=1)

    changed = api_client.patch(f"{LINES}{line.pk}/", {"quantity": 4})
    assert changed.status_code == 200, changed.content
    assert changed.json()["lines"][0]["quantity"] == 4
    assert_error(api_client.patch(f"{LINES}{line.pk}/", {"quantity": 6}), 409, fields={"quantity"})
    assert_error(api_client.patch(f"{LINES}{line.pk}/", {"quantity": 0}), 400, fields={"quantity"})
    assert_error(api_client.patch(f"{LINES}{theirs.pk}/", {"quantity": 3}), 404, "not_found")
    assert_error(api_client.delete(f"{LINES}{theirs.pk}/"), 404, "not_found")
    assert CartLine.objects.get(pk=theirs.pk).quantity == 1

    removed = api_client.delete(f"{LINES}{line.pk}/")
    assert removed.status_code == 200
    assert removed.json()["lines"] == []
    assert list(CartLine.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_a_guest_write_needs_the_csrf_token_of_its_session():
    client = APIClient(enforce_csrf_checks=True)
    variant = variant_of()

    assert_error(add(client, variant), 403, "csrf_failed")
    assert not CartLine.objects.exists()

    client.get(CART)  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(LINES, {"variant_id": variant.pk, "quantity": 1}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert_error(
        client.post(CHECKOUT, {**DETAILS, "cart_token": response.json()["token"]}),
        403,
        "csrf_failed",
    )
    assert not Order.objects.exists()


def test_a_member_by_session_needs_the_csrf_token_too(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    variant = variant_of()

    assert_error(add(client, variant), 403, "csrf_failed")
    client.get(CART)
    response = client.post(
        LINES,
        {"variant_id": variant.pk, "quantity": 2},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert response.status_code == 201, response.content
    assert CartLine.objects.get(cart__user=user).quantity == 2


def test_a_member_by_token_has_their_own_cart_without_csrf(user):
    token = Token.objects.create(user=user)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    guest = APIClient()
    variant = variant_of()
    add(guest, variant, 3)

    assert add(client, variant).status_code == 201

    assert CartLine.objects.get(cart__user=user).quantity == 1
    assert [line["quantity"] for line in client.get(CART).json()["lines"]] == [1]


def test_the_cart_runs_a_fixed_number_of_queries_whatever_its_lines(
    user_client, user, django_assert_max_num_queries
):
    cart = services.get_or_create_cart(user=user)
    first = variant_of()
    services.add_to_cart(cart=cart, variant_id=first.pk, quantity=1)
    with django_assert_max_num_queries(20) as plain:
        assert user_client.get(CART).status_code == 200
    services.add_to_cart(cart=cart, variant_id=first.pk, quantity=1, addons={addon_of(first).pk: 1})
    with django_assert_max_num_queries(20) as small:
        assert user_client.get(CART).status_code == 200
    # Add-ons are looked up only when a line has some: one query, whatever the lines.
    assert len(small.captured_queries) == len(plain.captured_queries) + 1
    vendors = [vendor_with_policy() for _ in range(3)]
    for index in range(6):
        variant = variant_of(vendors[index % 3])
        addon = addon_of(variant)
        TextOptionFactory(product=variant.product, max_length=5)
        services.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1, addons={addon.pk: 1})

    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        body = user_client.get(f"{CART}?postcode={JEJU}").json()

    assert len(body["lines"]) == 8
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Checkout --------------------------------------------------------------------------------


def test_a_guest_checks_out_and_gets_the_lookup_token_once(api_client):
    vendor = vendor_with_policy(base_fee=Decimal(3000), jeju_surcharge=Decimal(3000))
    variant = variant_of(vendor, price=15000, stock=4)
    add(api_client, variant, 2)
    reviewed = api_client.get(f"{CART}?postcode={JEJU}").json()

    response = api_client.post(
        CHECKOUT, {**DETAILS, "postcode": JEJU, "cart_token": reviewed["token"]}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert body["order"]["number"] == order.number
    assert body["order"]["status"] == "pending_payment"
    assert body["order"]["total_amount"] == reviewed["total_amount"] == "36000"
    assert body["order"]["shipping_amount"] == "6000"
    assert body["order"]["depositor_name"] == DETAILS["orderer_name"]
    assert body["lookup_token"] == order.lookup_token()
    assert [line["quantity"] for line in body["order"]["shipments"][0]["lines"]] == [2]
    assert Variant.objects.get(pk=variant.pk).stock == 2
    assert api_client.get(CART).json()["lines"] == []
    found = api_client.post(LOOKUP, {"number": order.number, "token": body["lookup_token"]})
    assert found.status_code == 200
    assert "lookup_token" not in found.json()


def test_a_member_checks_out_with_a_saved_address_and_sees_the_order(user_client, user):
    address = AddressFactory(user=user, postcode="06236")
    add(user_client, variant_of())
    details = {key: DETAILS[key] for key in ("orderer_name", "orderer_email", "orderer_phone")}

    response = checkout(user_client, address_id=address.pk, **details)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["lookup_token"] is None
    assert body["order"]["recipient"]["road_address"] == address.road_address
    assert [item["number"] for item in user_client.get(ORDERS).json()["results"]] == [
        body["order"]["number"]
    ]


def test_a_total_or_price_sent_at_checkout_is_refused_by_name(api_client):
    add(api_client, variant_of(price=10000))

    body = assert_error(
        checkout(api_client, total_amount="100", price="1", status="paid"), 400, "unknown_field"
    )

    assert set(body["fields"]) == {"total_amount", "price", "status"}
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_checkout_refuses_missing_fields_and_another_members_address(user_client, other_user):
    add(user_client, variant_of())
    theirs = AddressFactory(user=other_user)

    body = assert_error(user_client.post(CHECKOUT, {"cart_token": "x"}), 400, "invalid")
    assert {"orderer_name", "orderer_email", "orderer_phone"} <= set(body["fields"])
    assert_error(
        checkout(user_client, recipient_name="", road_address=""),
        400,
        "invalid_checkout",
        {"recipient_name", "road_address"},
    )
    assert_error(
        checkout(user_client, address_id=theirs.pk), 400, "invalid_address", {"address_id"}
    )
    assert_error(checkout(user_client, postcode="abcde"), 400, fields={"postcode"})
    assert_error(checkout(user_client, payment_method="cash"), 400, fields={"payment_method"})
    assert not Order.objects.exists()


def test_a_cart_changed_since_review_is_not_ordered(api_client):
    variant = variant_of(stock=10)
    add(api_client, variant)
    token = api_client.get(CART).json()["token"]
    add(api_client, variant)  # another tab

    body = assert_error(
        api_client.post(CHECKOUT, {**DETAILS, "cart_token": token}), 409, "cart_changed"
    )

    assert set(body["fields"]) == {"cart_token"}
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=variant.pk).stock == 10


def test_checkout_of_an_item_sold_out_meanwhile_is_refused(api_client):
    variant = variant_of(stock=2)
    add(api_client, variant, 2)
    token = api_client.get(CART).json()["token"]
    Variant.objects.filter(pk=variant.pk).update(stock=1)

    body = assert_error(
        api_client.post(CHECKOUT, {**DETAILS, "cart_token": token}), 409, "out_of_stock"
    )

    assert list(body["fields"]) == [f"lines.{CartLine.objects.get().pk}"]
    assert not Order.objects.exists()


def test_checkout_runs_the_same_queries_for_one_line_or_five_of_three_vendors(
    django_assert_max_num_queries,
):
    counts = []
    for lines in (1, 5):
        client = APIClient()
        vendors = [vendor_with_policy() for _ in range(3)]
        for index in range(lines):
            add(client, variant_of(vendors[index % 3]))
        token = client.get(CART).json()["token"]
        with django_assert_max_num_queries(40) as captured:
            response = client.post(CHECKOUT, {**DETAILS, "cart_token": token})
        assert response.status_code == 201, response.content
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1], counts


def test_an_empty_cart_cannot_be_checked_out(api_client):
    assert_error(checkout(api_client), 400, "cart_empty")


# --- My orders -------------------------------------------------------------------------------


def test_my_orders_list_only_mine_in_cursor_pages_with_fixed_queries(
    user_client, user, other_user, django_assert_max_num_queries
):
    member_order(other_user)
    mine = [member_order(user) for _ in range(2)]
    with django_assert_max_num_queries(10) as small:
        first = user_client.get(ORDERS).json()
    assert [item["number"] for item in first["results"]] == [o.number for o in reversed(mine)]
    vendor = vendor_with_policy()
    for _ in range(4):
        member_order(user, vendor=vendor)

    with django_assert_max_num_queries(len(small.captured_queries)):
        page = user_client.get(f"{ORDERS}?page_size=3").json()

    assert len(page["results"]) == 3
    assert page["next"]
    rest = user_client.get(page["next"]).json()
    numbers = [item["number"] for item in page["results"] + rest["results"]]
    assert sorted(numbers) == sorted(
        Order.objects.filter(user=user).values_list("number", flat=True)
    )
    assert rest["next"] is None


def test_my_order_shows_its_parts_lines_claims_and_refunds(user_client, user):
    order = member_order(user, quantity=2)
    shipment = delivered(order)
    line = order.lines.get()
    services.request_claim(
        shipment_id=shipment.pk, kind="return", quantities={line.pk: 1}, reason="작아요"
    )

    body = user_client.get(order_url(order)).json()

    assert body["number"] == order.number
    assert body["status"] == "delivered"
    part = body["shipments"][0]
    assert (part["carrier"], part["tracking_number"]) == ("cj", "123456789012")
    assert part["tracking_url"].endswith("123456789012")
    assert part["lines"][0]["status"] == "return_requested"
    assert [(claim["kind"], claim["status"]) for claim in body["claims"]] == [
        ("return", "requested")
    ]
    assert body["claims"][0]["lines"][0]["quantity"] == 1
    assert body["refunds"] == []


def test_another_shoppers_order_is_not_found_everywhere_and_nothing_changes(
    user_client, other_user
):
    theirs = member_order(other_user, quantity=2)
    shipment = theirs.shipments.get()
    line = theirs.lines.get()

    attempts = [
        user_client.get(order_url(theirs)),
        user_client.post(order_url(theirs, "cancel/"), {}),
        user_client.post(order_url(theirs, "partial-cancel/"), {"lines": {str(line.pk): 1}}),
        user_client.post(order_url(theirs, f"shipments/{shipment.pk}/confirm/")),
        user_client.post(
            order_url(theirs, f"shipments/{shipment.pk}/claims/"),
            {"kind": "return", "lines": {str(line.pk): 1}, "reason": "x"},
        ),
        user_client.post(LOOKUP, {"number": theirs.number, "token": theirs.lookup_token()}),
    ]

    for response in attempts:
        assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.status == Order.Status.PENDING_PAYMENT
    assert OrderLine.objects.get(pk=line.pk).cancelled_quantity == 0
    assert not Claim.objects.exists()


def test_a_part_of_another_of_my_orders_is_not_found(user_client, user):
    first = member_order(user)
    second = member_order(user)
    delivered(second)
    part = second.shipments.get()

    assert_error(
        user_client.post(order_url(first, f"shipments/{part.pk}/confirm/")), 404, "not_found"
    )
    assert VendorShipment.objects.get(pk=part.pk).status == VendorShipment.Status.DELIVERED


def test_a_visitor_is_refused_my_orders(api_client, user):
    order = member_order(user)

    assert_error(api_client.get(ORDERS), 403, "not_authenticated")
    assert_error(api_client.get(order_url(order)), 403, "not_authenticated")
    assert_error(api_client.post(order_url(order, "cancel/")), 403)


def test_cancel_my_unpaid_order_gives_the_stock_back(user_client, user):
    order = member_order(user, quantity=2, stock=5)
    variant_id = order.lines.get().variant_id

    response = user_client.post(order_url(order, "cancel/"), {"reason": "변심"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "변심"
    assert Variant.objects.get(pk=variant_id).stock == 5
    body = assert_error(user_client.post(order_url(order, "cancel/")), 409, "invalid_transition")
    assert body["fields"] == {"status": [body["fields"]["status"][0]]}


def test_a_preparing_or_shipped_order_cannot_be_cancelled_by_me(user_client, user):
    order = member_order(user)
    services.mark_deposit_confirmed(order_id=order.pk)
    shipment = order.shipments.get()
    services.start_preparing(shipment_id=shipment.pk)

    body = assert_error(user_client.post(order_url(order, "cancel/")), 409, "invalid_transition")

    assert body["fields"] == {}
    assert Order.objects.get(pk=order.pk).status == Order.Status.PREPARING
    assert_error(
        user_client.post(order_url(order, "cancel/"), {"refund_to": "me"}), 400, "unknown_field"
    )


def test_partial_cancel_of_a_paid_order_requests_a_refund(user_client, user):
    order = member_order(user, quantity=3, stock=5)
    services.mark_deposit_confirmed(order_id=order.pk)
    line = order.lines.get()

    response = user_client.post(order_url(order, "partial-cancel/"), {"lines": {str(line.pk): 1}})

    assert response.status_code == 200, response.content
    body = response.json()
    shown = body["shipments"][0]["lines"][0]
    assert (shown["cancelled_quantity"], shown["live_quantity"]) == (1, 2)
    assert shown["status"] == "partially_cancelled"
    assert [refund["amount"] for refund in body["refunds"]] == ["10000"]
    assert Refund.objects.get().items_amount == Decimal(10000)


def test_partial_cancel_refuses_bad_quantities_and_too_many(user_client, user):
    order = member_order(user, quantity=2)
    line = order.lines.get()
    url = order_url(order, "partial-cancel/")

    assert_error(
        user_client.post(url, {"lines": {str(line.pk): 0}}), 400, fields={f"lines.{line.pk}"}
    )
    assert_error(user_client.post(url, {"lines": {}}), 400, fields={"lines"})
    assert_error(
        user_client.post(url, {"lines": {str(line.pk): 3}}),
        409,
        "invalid_transition",
        {f"lines.{line.pk}"},
    )
    assert_error(user_client.post(url, {"lines": {"999999": 1}}), 409, fields={"lines.999999"})
    assert OrderLine.objects.get(pk=line.pk).cancelled_quantity == 0


def test_confirm_my_purchase_once_delivered_and_only_then(user_client, user):
    order = member_order(user)
    shipment = order.shipments.get()
    url = order_url(order, f"shipments/{shipment.pk}/confirm/")

    assert_error(user_client.post(url), 409, "invalid_transition")
    delivered(order)
    response = user_client.post(url)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "purchase_confirmed"
    assert response.json()["shipments"][0]["confirmed_at"]
    assert_error(user_client.post(url), 409, "invalid_transition")


def test_ask_for_a_return_of_a_delivered_part(user_client, user):
    order = member_order(user, quantity=2)
    shipment = order.shipments.get()
    line = order.lines.get()
    url = order_url(order, f"shipments/{shipment.pk}/claims/")
    claim = {"kind": "return", "lines": {str(line.pk): 1}, "reason": "사이즈가 작아요"}

    assert_error(user_client.post(url, claim), 409, "invalid_transition")
    delivered(order)
    assert_error(user_client.post(url, {**claim, "kind": "refund"}), 400, fields={"kind"})
    assert_error(user_client.post(url, {**claim, "fee": "0"}), 400, "unknown_field", {"fee"})
    response = user_client.post(url, claim)

    assert response.status_code == 201, response.content
    assert response.json()["claims"][0]["fee"] == "3000"
    assert Claim.objects.get().status == Claim.Status.REQUESTED
    assert_error(user_client.post(url, claim), 409, fields={f"lines.{line.pk}"})


# --- Guest lookup ----------------------------------------------------------------------------


def test_a_guest_finds_the_order_by_token_or_by_email_and_phone(api_client):
    order = place(_guest_cart_with_item()).order

    by_token = api_client.post(LOOKUP, {"number": order.number, "token": order.lookup_token()})
    by_contact = api_client.post(
        LOOKUP,
        {
            "number": order.number.lower(),
            "orderer_email": DETAILS["orderer_email"].upper(),
            "orderer_phone": "01011112222",
        },
    )

    assert by_token.status_code == 200, by_token.content
    assert by_token.json()["number"] == order.number
    assert by_contact.status_code == 200, by_contact.content
    assert by_contact.json()["number"] == order.number


def test_a_guest_lookup_that_does_not_match_tells_nothing(api_client, user):
    order = place(_guest_cart_with_item()).order
    members = member_order(user)
    email, phone = DETAILS["orderer_email"], DETAILS["orderer_phone"]

    misses = [
        {"number": order.number, "token": "0" * 64},
        {"number": order.number, "token": order.lookup_token(), "orderer_email": "x@example.com"},
        {"number": order.number, "orderer_email": email, "orderer_phone": "010-9999-9999"},
        {"number": order.number, "orderer_email": "x@example.com", "orderer_phone": phone},
        {"number": members.number, "orderer_email": email, "orderer_phone": phone},
        {"number": members.number, "token": members.lookup_token()},
    ]
    nothing = assert_error(
        api_client.post(LOOKUP, {"number": "N" * 20, "token": "x"}), 404, "not_found"
    )
    for miss in misses:
        assert assert_error(api_client.post(LOOKUP, miss), 404) == nothing
    assert_error(
        api_client.post(LOOKUP, {"number": order.number, "orderer_email": email}),
        400,
        fields={"orderer_phone"},
    )
    assert_error(
        api_client.post(LOOKUP, {"number": order.number, "password": "x"}),
        400,
        "unknown_field",
        {"password"},
    )


def test_guest_lookups_are_throttled(api_client):
    order = place(_guest_cart_with_item()).order
    miss = {"number": order.number, "token": "wrong"}

    for _ in range(10):
        assert api_client.post(LOOKUP, miss).status_code == 404
    response = api_client.post(LOOKUP, {"number": order.number, "token": order.lookup_token()})

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def _guest_cart_with_item():
    cart = guest_cart("lookup-session")
    services.add_to_cart(cart=cart, variant_id=variant_of().pk, quantity=1)
    return cart


# --- Schema ----------------------------------------------------------------------------------


def test_the_schema_builds_without_warnings_and_documents_the_order_endpoints(api_client, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]

    for path in [
        "/api/v1/cart/",
        "/api/v1/cart/lines/",
        "/api/v1/cart/lines/{line_id}/",
        "/api/v1/checkout/",
        "/api/v1/orders/",
        "/api/v1/orders/lookup/",
        "/api/v1/orders/{number}/",
        "/api/v1/orders/{number}/cancel/",
        "/api/v1/orders/{number}/partial-cancel/",
        "/api/v1/orders/{number}/shipments/{shipment_id}/confirm/",
        "/api/v1/orders/{number}/shipments/{shipment_id}/claims/",
        "/api/v1/seller/shipments/",
        "/api/v1/seller/shipments/{shipment_id}/",
        "/api/v1/seller/shipments/{shipment_id}/prepare/",
        "/api/v1/seller/shipments/{shipment_id}/ship/",
        "/api/v1/seller/shipments/{shipment_id}/tracking/",
        "/api/v1/seller/shipments/{shipment_id}/deliver/",
        "/api/v1/seller/claims/",
        "/api/v1/seller/claims/{claim_id}/",
        "/api/v1/seller/claims/{claim_id}/returned/",
        "/api/v1/seller/claims/{claim_id}/exchanged/",
        "/api/v1/seller/claims/{claim_id}/reject/",
    ]:
        assert path in paths, path
    checkout_body = components["CheckoutRequest"]["properties"]
    assert "cart_token" in checkout_body
    assert not {"total_amount", "price", "status", "items_amount"} & set(checkout_body)
    conflict = paths["/api/v1/seller/shipments/{shipment_id}/ship/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert components["StatusEnum"]["enum"] == Product.Status.values  # the catalog's, untouched


def test_a_guests_api_cart_is_the_storefronts_and_merges_at_sign_in(api_client) -> None:
    """One guest cart per browser, whether filled through the API or the pages."""
    from django.urls import reverse

    from tests.accounts.factories import UserFactory

    variant = variant_of(stock=20)
    assert add(api_client, variant, 2).status_code == 201
    assert variant.product.name in api_client.get(reverse("orders:cart")).content.decode()

    user = UserFactory()
    response = api_client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
        format="multipart",
    )
    assert response.status_code == 302

    member_lines = CartLine.objects.filter(cart__user=user)
    assert dict(member_lines.values_list("variant_id", "quantity")) == {variant.pk: 2}
    assert api_client.get(CART).json()["lines"][0]["quantity"] == 2
