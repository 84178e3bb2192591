"""Every fee rule of the shipping engine, one example each."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from shipping.engine import Destination, Payer, RemoteKind, quote
from shipping.exceptions import ShippingError, ShippingErrorCode
from tests.shipping.engine_builders import (
    REMOTE_AREAS,
    conditional_free,
    line,
    overseas_policy,
    policy,
    tiered,
)

SEOUL = Destination("KR", "04524")
JEJU_CITY = Destination("KR", "63100")
ULLEUNG_ISLAND = Destination("KR", "40230")


def only_group(lines, destination=SEOUL):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)
    assert len(result.groups) == 1
    return result.groups[0]


def codes(group):
    return [(item.code, item.amount) for item in group.breakdown]


def test_free_policy_costs_nothing():
    group = only_group([line(policy(fee_type="free"))])

    assert group.fee == 0
    assert codes(group) == [("free", 0)]


def test_fixed_policy_charges_the_base_fee():
    group = only_group([line(policy(), price=100_000)])

    assert group.fee == 3000
    assert codes(group) == [("base_fee", 3000)]


def test_conditional_free_below_the_threshold_charges_the_base_fee():
    group = only_group([line(conditional_free(), price=30_000)])

    assert group.fee == 3000
    assert group.free_shipping_remaining == 20_000


def test_conditional_free_at_the_threshold_waives_the_base_fee():
    group = only_group([line(conditional_free(), price=50_000)])

    assert group.fee == 0
    assert codes(group) == [("base_fee", 3000), ("free_over_threshold", -3000)]
    assert group.free_shipping_remaining == 0


def test_conditional_free_counts_every_bundled_item_of_the_vendor():
    snapshot = conditional_free()

    group = only_group([line(snapshot, price=30_000), line(snapshot, price=10_000, quantity=2)])

    assert group.items_total == 50_000
    assert group.fee == 0


def test_conditional_free_ignores_other_vendors_items():
    seoul = conditional_free()
    other = policy(policy_id=2, vendor_id=2, fee_type="free")

    result = quote([line(seoul, price=30_000), line(other, price=40_000)], SEOUL)

    assert [group.fee for group in result.groups] == [3000, 0]


def test_conditional_free_group_on_jeju_still_pays_the_surcharge():
    group = only_group([line(conditional_free(), price=60_000)], JEJU_CITY)

    assert group.fee == 3000
    assert group.remote_kind == RemoteKind.JEJU
    assert codes(group) == [
        ("base_fee", 3000),
        ("free_over_threshold", -3000),
        ("jeju_surcharge", 3000),
    ]


def test_fixed_fee_to_jeju_adds_the_jeju_surcharge():
    group = only_group([line(policy())], JEJU_CITY)

    assert group.fee == 6000


def test_island_area_adds_the_island_surcharge_even_to_free_shipping():
    group = only_group([line(policy(fee_type="free"))], ULLEUNG_ISLAND)

    assert group.fee == 5000
    assert codes(group) == [("free", 0), ("island_surcharge", 5000)]


def test_surcharge_is_per_parcel_not_per_line():
    snapshot = policy()

    group = only_group([line(snapshot), line(snapshot), line(snapshot)], JEJU_CITY)

    assert group.fee == 3000 + 3000


def test_a_policy_without_a_surcharge_adds_nothing_on_jeju():
    group = only_group([line(policy(jeju_surcharge=Decimal(0)))], JEJU_CITY)

    assert codes(group) == [("base_fee", 3000)]


@pytest.mark.parametrize(("quantity", "fee"), [(1, 3000), (5, 3000), (6, 6000), (11, 9000)])
def test_per_quantity_fee_is_charged_per_started_batch(quantity, fee):
    snapshot = policy(fee_type="per_quantity", per_quantity_unit=5)

    group = only_group([line(snapshot, quantity=quantity)])

    assert group.fee == fee


@pytest.mark.parametrize(
    ("price", "fee", "code"),
    [(29_999, 4000, "base_fee"), (30_000, 2000, "amount_tier"), (90_000, 0, "amount_tier")],
)
def test_amount_tiers_charge_the_highest_tier_reached(price, fee, code):
    group = only_group([line(tiered(), price=price)])

    assert group.fee == fee
    assert group.breakdown[0].code == code


def test_cash_on_delivery_shows_the_fee_but_charges_nothing_now():
    snapshot = policy(payer=Payer.CASH_ON_DELIVERY)

    result = quote([line(snapshot)], JEJU_CITY, remote_areas=REMOTE_AREAS)

    group = result.groups[0]
    assert group.fee == 6000
    assert group.payable_now == 0
    assert group.breakdown[-1].code == "cash_on_delivery"
    assert group.breakdown[-1].amount is None
    assert result.total == 6000
    assert result.payable_now == 0


def test_lines_of_one_vendor_under_one_policy_ship_as_one_parcel():
    snapshot = policy()
    first, second = line(snapshot), line(snapshot)

    group = only_group([first, second])

    assert group.line_ids == (first.line_id, second.line_id)
    assert group.fee == 3000


def test_one_vendors_lines_under_two_policies_ship_as_two_parcels():
    first = line(policy(policy_id=1))
    second = line(policy(policy_id=2))

    result = quote([first, second], SEOUL)

    assert [group.line_ids for group in result.groups] == [(first.line_id,), (second.line_id,)]
    assert result.total == 6000


def test_an_unbundlable_line_is_its_own_parcel_paying_its_own_fee():
    snapshot = policy()
    bulky = line(snapshot, bundlable=False)
    small = [line(snapshot), line(snapshot)]

    result = quote([bulky, *small], SEOUL)

    assert len(result.groups) == 2
    assert result.group_of(bulky.line_id).line_ids == (bulky.line_id,)
    assert result.total == 6000


def test_a_policy_that_never_bundles_makes_a_parcel_per_line():
    snapshot = policy(bundlable=False)

    result = quote([line(snapshot), line(snapshot), line(snapshot, bundlable=True)], SEOUL)

    assert len(result.groups) == 3


def test_overseas_order_is_priced_by_zone_and_weight():
    snapshot = overseas_policy()
    lines = [line(snapshot, weight_grams=400, quantity=2), line(snapshot, weight_grams=400)]

    with translation.override("en"):
        group = only_group(lines, Destination("US"))

    assert group.weight_grams == 1200
    assert group.fee == 25000
    assert [(item.label, item.amount) for item in group.breakdown] == [
        ("Overseas shipping (Zone 2, 1.2kg)", 25000)
    ]


def test_overseas_order_ignores_domestic_fee_rules_and_surcharges():
    snapshot = overseas_policy(fee_type="conditional_free", free_threshold=Decimal(10_000))

    group = only_group([line(snapshot, price=90_000, weight_grams=300)], Destination("jp"))

    assert group.fee == 12000
    assert group.remote_kind is None
    assert group.free_shipping_remaining is None


def test_a_policy_without_overseas_shipping_refuses_a_foreign_address():
    with pytest.raises(ShippingError) as error:
        quote([line(policy())], Destination("US"))

    assert error.value.code == ShippingErrorCode.NO_OVERSEAS_SHIPPING
    assert "country" in error.value.fields


def test_a_country_outside_every_zone_is_refused_naming_the_country():
    with pytest.raises(ShippingError) as error:
        quote([line(overseas_policy())], Destination("FR"))

    assert error.value.code == ShippingErrorCode.COUNTRY_NOT_SERVED
    assert "country" in error.value.fields


def test_an_unknown_country_code_is_refused_naming_the_country():
    with pytest.raises(ShippingError) as error:
        quote([line(overseas_policy())], Destination("XX"))

    assert error.value.code == ShippingErrorCode.UNKNOWN_COUNTRY
    assert list(error.value.fields) == ["country"]


def test_a_parcel_heavier_than_every_rate_is_refused():
    with pytest.raises(ShippingError) as error:
        quote([line(overseas_policy(), weight_grams=2001)], Destination("US"))

    assert error.value.code == ShippingErrorCode.TOO_HEAVY


@pytest.mark.parametrize("postcode", ["", "1234", "123456", "6310a"])
def test_a_korean_address_needs_a_five_digit_postcode(postcode):
    with pytest.raises(ShippingError) as error:
        quote([line(policy())], Destination("KR", postcode))

    assert list(error.value.fields) == ["postcode"]


@pytest.mark.parametrize(
    "overrides",
    [{"quantity": 0}, {"unit_price": Decimal(-1)}, {"weight_grams": -5}, {"vendor_id": 99}],
)
def test_a_line_that_cannot_ship_is_refused_naming_the_lines(overrides):
    with pytest.raises(ShippingError) as error:
        quote([line(policy(), **overrides)], SEOUL)

    assert error.value.code == ShippingErrorCode.INVALID_LINE
    assert list(error.value.fields) == ["lines"]


def test_each_parcel_shows_its_return_and_exchange_fees():
    group = only_group([line(policy(return_fee=Decimal(2500), exchange_fee=Decimal(5000)))])

    assert (group.return_fee, group.exchange_fee) == (2500, 5000)


def test_an_empty_cart_costs_nothing():
    result = quote([], SEOUL)

    assert result.groups == ()
    assert result.total == 0


def test_breakdown_labels_read_as_people_expect():
    with translation.override("en"):
        group = only_group([line(conditional_free(), price=60_000)], JEJU_CITY)

    assert [(item.label, item.amount) for item in group.breakdown] == [
        ("Base shipping fee", 3000),
        ("Free over 50,000원", -3000),
        ("Jeju surcharge", 3000),
    ]


def test_a_quote_becomes_json_an_order_can_keep():
    snapshot = policy(payer=Payer.CASH_ON_DELIVERY)
    result = quote([line(snapshot, line_id="a")], JEJU_CITY, remote_areas=REMOTE_AREAS)

    payload = json.loads(json.dumps(result.to_payload()))

    assert payload["total"] == "6000"
    assert payload["payable_now"] == "0"
    [group] = payload["groups"]
    assert (group["line_ids"], group["payer"], group["remote_kind"]) == (["a"], "cod", "jeju")
    assert group["breakdown"][-1]["amount"] is None
