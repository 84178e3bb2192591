"""Policy and remote-area services: validation, audit events, and quotes from stored policies."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shipping import services
from shipping.engine import Destination, RemoteKind
from shipping.exceptions import ShippingError, ShippingErrorCode
from shipping.models import OverseasZone, RemoteArea, ShippingPolicy
from shipping.services import QuoteLine, ZoneSpec
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.shipping.factories import (
    OverseasRateFactory,
    RemoteAreaFactory,
    ShippingFeeTierFactory,
    ShippingPolicyFactory,
)
from tests.vendors.factories import VendorFactory

pytestmark = pytest.mark.django_db

SEOUL = Destination("KR", "04524")


def events(name):
    return list(AuditEvent.objects.filter(event_type=f"shipping.{name}").order_by("id"))


def policy_values(**overrides):
    values = {
        "name": "기본 배송",
        "fee_type": "conditional_free",
        "base_fee": Decimal(3000),
        "free_threshold": Decimal(50000),
        "jeju_surcharge": Decimal(3000),
        "is_default": True,
    }
    values.update(overrides)
    return values


# --- Policies -------------------------------------------------------------------------------


def test_create_policy_records_every_value_in_one_audit_event():
    vendor = VendorFactory()

    policy = services.create_policy(vendor_id=vendor.pk, tiers=[(30000, 2000)], **policy_values())

    [event] = events("ShippingPolicyCreated")
    assert event.subject_id == str(policy.pk)
    assert event.payload["vendor_id"] == vendor.pk
    assert event.payload["changes"]["free_threshold"] == [None, "50000"]
    assert event.payload["changes"]["tiers"] == [None, [["30000", "2000"]]]


@pytest.mark.parametrize(
    "field",
    [
        "base_fee",
        "free_threshold",
        "jeju_surcharge",
        "island_surcharge",
        "return_fee",
        "exchange_fee",
    ],
)
def test_a_negative_amount_is_refused_naming_the_field(field):
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(vendor_id=vendor.pk, **policy_values(**{field: Decimal(-1)}))

    assert field in error.value.fields
    assert not ShippingPolicy.objects.exists()
    assert not events("ShippingPolicyCreated")


@pytest.mark.parametrize(
    "field", ["base_fee", "jeju_surcharge", "island_surcharge", "return_fee", "exchange_fee"]
)
def test_the_database_refuses_a_negative_amount_that_skipped_validation(field):
    policy = ShippingPolicyFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingPolicy.objects.filter(pk=policy.pk).update(**{field: -1})


def test_conditional_free_without_a_threshold_is_refused_naming_the_threshold():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(vendor_id=vendor.pk, **policy_values(free_threshold=None))

    assert list(error.value.fields) == ["free_threshold"]


def test_per_quantity_without_a_unit_is_refused_naming_the_unit():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(vendor_id=vendor.pk, **policy_values(fee_type="per_quantity"))

    assert "per_quantity_unit" in error.value.fields


def test_an_unknown_field_is_refused_naming_it():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(vendor_id=vendor.pk, **policy_values(id=99))

    assert list(error.value.fields) == ["id"]


def test_update_policy_records_before_and_after_values():
    policy = ShippingPolicyFactory(free_threshold=Decimal(50000))

    services.update_policy(policy_id=policy.pk, free_threshold=Decimal(70000), name="새 정책")

    [event] = events("ShippingPolicyChanged")
    assert event.payload["changes"] == {
        "free_threshold": ["50000", "70000"],
        "name": [policy.name, "새 정책"],
    }
    policy.refresh_from_db()
    assert policy.free_threshold == 70000


def test_update_policy_that_changes_nothing_records_nothing():
    policy = ShippingPolicyFactory()

    services.update_policy(policy_id=policy.pk, base_fee=policy.base_fee)

    assert not events("ShippingPolicyChanged")


def test_update_policy_of_another_vendor_is_not_found():
    policy = ShippingPolicyFactory()
    other = VendorFactory()

    with pytest.raises(NotFoundError):
        services.update_policy(policy_id=policy.pk, vendor_id=other.pk, base_fee=Decimal(0))

    policy.refresh_from_db()
    assert policy.base_fee == 3000


def test_update_policy_with_a_negative_fee_changes_nothing():
    policy = ShippingPolicyFactory()

    with pytest.raises(ShippingError) as error:
        services.update_policy(policy_id=policy.pk, base_fee=Decimal(-500))

    assert list(error.value.fields) == ["base_fee"]
    policy.refresh_from_db()
    assert policy.base_fee == 3000


def test_a_new_default_policy_replaces_the_old_default():
    old = ShippingPolicyFactory(is_default=True)

    new = services.create_policy(vendor_id=old.vendor_id, **policy_values(name="새 기본"))

    old.refresh_from_db()
    assert not old.is_default
    assert new.is_default
    [event] = events("ShippingPolicyCreated")
    assert event.payload["demoted_policy_id"] == old.pk


def test_the_database_keeps_one_default_policy_per_vendor():
    first = ShippingPolicyFactory(is_default=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ShippingPolicyFactory(vendor=first.vendor, is_default=True)


def test_zones_and_rates_are_stored_and_audited():
    vendor = VendorFactory()
    zones = [ZoneSpec("Zone 1", ["jp", "CN"], [(500, 12000), (2000, 18000)])]

    policy = services.create_policy(
        vendor_id=vendor.pk, zones=zones, **policy_values(ships_overseas=True)
    )

    zone = policy.zones.get()
    assert zone.country_codes == {"JP", "CN"}
    assert [rate.fee for rate in zone.rates.all()] == [12000, 18000]
    [event] = events("ShippingPolicyCreated")
    assert event.payload["changes"]["zones"][1] == [
        ["Zone 1", ["CN", "JP"], [[500, "12000"], [2000, "18000"]]]
    ]


def test_an_unknown_country_in_a_zone_is_refused_naming_the_countries():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(
            vendor_id=vendor.pk,
            zones=[ZoneSpec("Zone 1", ["XX"], [(500, 1000)])],
            **policy_values(),
        )

    assert list(error.value.fields) == ["countries"]
    assert not OverseasZone.objects.exists()


def test_a_country_in_two_zones_is_refused_naming_the_countries():
    vendor = VendorFactory()
    zones = [ZoneSpec("A", ["US"], [(500, 1000)]), ZoneSpec("B", ["US"], [(500, 2000)])]

    with pytest.raises(ShippingError) as error:
        services.create_policy(vendor_id=vendor.pk, zones=zones, **policy_values())

    assert list(error.value.fields) == ["countries"]


def test_a_negative_overseas_rate_is_refused_naming_the_fee():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.create_policy(
            vendor_id=vendor.pk, zones=[ZoneSpec("A", ["US"], [(500, -1)])], **policy_values()
        )

    assert list(error.value.fields) == ["fee"]


def test_delete_policy_records_what_it_was():
    policy = ShippingPolicyFactory()
    OverseasRateFactory(zone__policy=policy)

    services.delete_policy(policy_id=policy.pk, vendor_id=policy.vendor_id)

    assert not ShippingPolicy.objects.filter(pk=policy.pk).exists()
    assert not OverseasZone.objects.exists()
    [event] = events("ShippingPolicyDeleted")
    assert event.payload["changes"]["base_fee"] == ["3000", None]


def test_delete_policy_of_another_vendor_is_not_found():
    policy = ShippingPolicyFactory()

    with pytest.raises(NotFoundError):
        services.delete_policy(policy_id=policy.pk, vendor_id=VendorFactory().pk)

    assert ShippingPolicy.objects.filter(pk=policy.pk).exists()


# --- Quotes ---------------------------------------------------------------------------------


def quote_line(vendor_id, line_id=1, price=10000, **overrides):
    values = {
        "line_id": line_id,
        "vendor_id": vendor_id,
        "unit_price": Decimal(price),
        "quantity": 1,
    }
    values.update(overrides)
    return QuoteLine(**values)


def test_quote_for_uses_the_vendors_default_policy():
    policy = ShippingPolicyFactory()

    result = services.quote_for(lines=[quote_line(policy.vendor_id)], destination=SEOUL)

    assert result.groups[0].policy_id == policy.pk
    assert result.total == 3000


def test_quote_for_uses_the_policy_a_line_names():
    default = ShippingPolicyFactory()
    free = ShippingPolicyFactory(vendor=default.vendor, is_default=False, fee_type="free")

    result = services.quote_for(
        lines=[quote_line(default.vendor_id, policy_id=free.pk)], destination=SEOUL
    )

    assert result.groups[0].policy_id == free.pk
    assert result.total == 0


def test_a_line_naming_an_inactive_policy_ships_under_the_default():
    default = ShippingPolicyFactory()
    retired = ShippingPolicyFactory(vendor=default.vendor, is_default=False, active=False)

    result = services.quote_for(
        lines=[quote_line(default.vendor_id, policy_id=retired.pk)], destination=SEOUL
    )

    assert result.groups[0].policy_id == default.pk


def test_a_line_naming_another_vendors_policy_is_refused():
    mine = ShippingPolicyFactory()
    theirs = ShippingPolicyFactory()

    with pytest.raises(ShippingError) as error:
        services.quote_for(
            lines=[quote_line(mine.vendor_id, policy_id=theirs.pk)], destination=SEOUL
        )

    assert error.value.code == ShippingErrorCode.INVALID_LINE


def test_a_vendor_without_a_policy_cannot_be_quoted():
    vendor = VendorFactory()

    with pytest.raises(ShippingError) as error:
        services.quote_for(lines=[quote_line(vendor.pk)], destination=SEOUL)

    assert error.value.code == ShippingErrorCode.NO_POLICY
    assert list(error.value.fields) == ["lines"]


def test_seeded_ranges_add_the_jeju_and_island_surcharges():
    policy = ShippingPolicyFactory(fee_type="fixed")
    line = quote_line(policy.vendor_id)

    jeju = services.quote_for(lines=[line], destination=Destination("KR", "63100"))
    ulleung = services.quote_for(lines=[line], destination=Destination("KR", "40230"))
    ongjin = services.quote_for(lines=[line], destination=Destination("KR", "23120"))

    assert (jeju.groups[0].remote_kind, jeju.total) == (RemoteKind.JEJU, 6000)
    assert (ulleung.groups[0].remote_kind, ulleung.total) == (RemoteKind.ISLAND, 8000)
    assert ongjin.groups[0].remote_kind is None  # 23117-23123 lie between the two Ongjin ranges


def test_a_conditional_free_order_to_jeju_pays_only_the_surcharge():
    policy = ShippingPolicyFactory()

    result = services.quote_for(
        lines=[quote_line(policy.vendor_id, price=60000)], destination=Destination("KR", "63100")
    )

    assert [item.code for item in result.groups[0].breakdown] == [
        "base_fee",
        "free_over_threshold",
        "jeju_surcharge",
    ]
    assert result.total == 3000


def test_changing_a_policy_changes_future_quotes_only():
    policy = ShippingPolicyFactory()
    line = quote_line(policy.vendor_id, price=60000)
    before = services.quote_for(lines=[line], destination=SEOUL)

    services.update_policy(policy_id=policy.pk, free_threshold=Decimal(100000))
    after = services.quote_for(lines=[line], destination=SEOUL)

    assert before.total == 0  # the quote already made keeps its numbers
    assert after.total == 3000


def test_quote_for_an_overseas_order_uses_the_stored_zones():
    rate = OverseasRateFactory(max_weight_grams=2000, fee=Decimal(25000))
    vendor_id = rate.zone.policy.vendor_id

    result = services.quote_for(
        lines=[quote_line(vendor_id, weight_grams=1200)], destination=Destination("us")
    )

    assert result.total == 25000
    assert result.groups[0].breakdown[0].code == "overseas"


def test_quote_for_refuses_an_unknown_country_before_reading_policies(django_assert_num_queries):
    policy = ShippingPolicyFactory()

    with django_assert_num_queries(0), pytest.raises(ShippingError) as error:
        services.quote_for(lines=[quote_line(policy.vendor_id)], destination=Destination("ZZ"))

    assert list(error.value.fields) == ["country"]


def many_vendor_lines(count, *, fee_type=ShippingPolicy.FeeType.AMOUNT_TIERS):
    policies = []
    for _index in range(3):
        policy = ShippingPolicyFactory(ships_overseas=True, fee_type=fee_type)
        ShippingFeeTierFactory(policy=policy, min_amount=Decimal(5000), fee=Decimal(1500))
        OverseasRateFactory(zone__policy=policy)
        policies.append(policy)
    return [
        quote_line(policies[index % 3].vendor_id, line_id=index, policy_id=policies[index % 3].pk)
        for index in range(count)
    ]


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize(
    ("fee_type", "country", "queries"),
    [
        ("amount_tiers", "KR", 3),  # policies, their tiers, remote areas
        ("fixed", "KR", 2),  # policies, remote areas: no policy reads tiers
        ("amount_tiers", "US", 3),  # policies, zones, rates: abroad no tiers
    ],
)
def test_quote_for_runs_the_same_queries_for_any_number_of_lines(
    count, fee_type, country, queries, django_assert_num_queries
):
    lines = many_vendor_lines(count, fee_type=fee_type)
    postcode = "63100" if country == "KR" else "10001"

    with django_assert_num_queries(queries):
        result = services.quote_for(lines=lines, destination=Destination(country, postcode))

    assert sum(len(group.line_ids) for group in result.groups) == count
    # What was left unread changes nothing: the fee of each parcel is the one its rules say.
    if country != "KR":
        assert {group.fee for group in result.groups} == {Decimal(25000)}
    elif fee_type == "amount_tiers":
        assert {group.fee for group in result.groups} == {Decimal(1500) + Decimal(3000)}  # + 제주
    else:
        assert {group.fee for group in result.groups} == {Decimal(3000) + Decimal(3000)}


# --- Remote areas ---------------------------------------------------------------------------


def test_create_remote_area_is_audited():
    area = services.create_remote_area(
        name="가상 섬", kind="island", postcode_from="99100", postcode_to="99120"
    )

    [event] = events("RemoteAreaCreated")
    assert event.subject_id == str(area.pk)
    assert event.payload["changes"]["postcode_to"] == [None, "99120"]


@pytest.mark.parametrize(
    ("start", "end"), [("63600", "63700"), ("62000", "63000"), ("63100", "63100")]
)
def test_an_overlapping_range_is_refused_naming_the_postcodes(start, end):
    with pytest.raises(ShippingError) as error:
        services.create_remote_area(name="겹침", kind="jeju", postcode_from=start, postcode_to=end)

    assert error.value.code == ShippingErrorCode.OVERLAPPING_RANGE
    assert set(error.value.fields) == {"postcode_from", "postcode_to"}
    assert not RemoteArea.objects.filter(name="겹침").exists()


def test_a_range_next_to_another_is_accepted():
    area = services.create_remote_area(
        name="옆", kind="island", postcode_from="63645", postcode_to="63650"
    )

    assert area.pk is not None


def test_update_remote_area_may_keep_its_own_range_and_is_audited():
    area = RemoteAreaFactory(postcode_from="99000", postcode_to="99010")

    services.update_remote_area(remote_area_id=area.pk, postcode_to="99020")

    [event] = events("RemoteAreaChanged")
    assert event.payload["changes"] == {"postcode_to": ["99010", "99020"]}


def test_update_remote_area_into_another_range_is_refused():
    area = RemoteAreaFactory(postcode_from="99000", postcode_to="99010")

    with pytest.raises(ShippingError) as error:
        services.update_remote_area(
            remote_area_id=area.pk, postcode_to="99999", postcode_from="63000"
        )

    assert "postcode_from" in error.value.fields
    area.refresh_from_db()
    assert area.postcode_to == "99010"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"postcode_from": "1234"}, "postcode_from"), ({"postcode_to": "9a000"}, "postcode_to")],
)
def test_a_malformed_postcode_is_refused_naming_it(changes, field):
    values = {"name": "x", "kind": "island", "postcode_from": "99100", "postcode_to": "99110"}

    with pytest.raises(ShippingError) as error:
        services.create_remote_area(**{**values, **changes})

    assert field in error.value.fields


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ShippingError):
        services.create_remote_area(
            name="x", kind="island", postcode_from="99200", postcode_to="99100"
        )

    assert not RemoteArea.objects.filter(name="x").exists()


def test_delete_remote_area_is_audited():
    area = RemoteAreaFactory()

    services.delete_remote_area(remote_area_id=area.pk)

    assert not RemoteArea.objects.filter(pk=area.pk).exists()
    [event] = events("RemoteAreaDeleted")
    assert event.payload["changes"]["name"] == [area.name, None]


@pytest.mark.postgres
def test_postgres_refuses_an_overlapping_range_written_around_the_services():
    with pytest.raises(IntegrityError), transaction.atomic():
        RemoteArea.objects.create(
            name="몰래", kind="island", postcode_from="63500", postcode_to="63700"
        )


def test_the_seed_holds_jeju_and_the_islands():
    jeju = RemoteArea.objects.get(kind="jeju")

    assert (jeju.postcode_from, jeju.postcode_to) == ("63000", "63644")
    assert RemoteArea.objects.filter(kind="island", postcode_from="40200").exists()
    assert RemoteArea.objects.filter(kind="island").count() >= 30


def test_model_choices_match_the_engines_values():
    from shipping import engine

    assert set(ShippingPolicy.FeeType.values) == {item.value for item in engine.FeeType}
    assert set(ShippingPolicy.Payer.values) == {item.value for item in engine.Payer}
    assert set(RemoteArea.Kind.values) == {item.value for item in engine.RemoteKind}
