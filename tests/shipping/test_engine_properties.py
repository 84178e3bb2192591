"""Properties of the shipping engine that hold for any cart (hypothesis)."""

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shipping.engine import (
    AmountTier,
    Destination,
    FeeType,
    Line,
    OverseasZone,
    Payer,
    PolicySnapshot,
    WeightRate,
    quote,
)
from tests.shipping.engine_builders import REMOTE_AREAS

won = st.integers(min_value=0, max_value=200_000).map(Decimal)
DOMESTIC = st.sampled_from(
    [Destination("KR", "04524"), Destination("KR", "63100"), Destination("KR", "40230")]
)
ZONES = (
    OverseasZone(
        "Zone 1",
        frozenset({"JP", "US"}),
        (WeightRate(1000, Decimal(15000)), WeightRate(1_000_000, Decimal(90000))),
    ),
)


@st.composite
def policies(draw, policy_id: int, vendor_id: int) -> PolicySnapshot:
    tiers = draw(st.lists(st.builds(AmountTier, won, won), max_size=3))
    return PolicySnapshot(
        policy_id=policy_id,
        vendor_id=vendor_id,
        fee_type=draw(st.sampled_from(FeeType)),
        base_fee=draw(won),
        free_threshold=draw(st.none() | won),
        per_quantity_unit=draw(st.integers(min_value=1, max_value=10)),
        tiers=tuple(tiers),
        payer=draw(st.sampled_from(Payer)),
        bundlable=draw(st.booleans()),
        jeju_surcharge=draw(won),
        island_surcharge=draw(won),
        ships_overseas=True,
        zones=ZONES,
    )


@st.composite
def carts(draw) -> list[Line]:
    snapshots = [
        draw(policies(policy_id=policy_id, vendor_id=vendor_id))
        for vendor_id in range(1, draw(st.integers(1, 3)) + 1)
        for policy_id in (vendor_id * 10, vendor_id * 10 + 1)
    ]
    count = draw(st.integers(min_value=0, max_value=8))
    lines = []
    for line_id in range(count):
        snapshot = draw(st.sampled_from(snapshots))
        lines.append(
            Line(
                line_id=line_id,
                vendor_id=snapshot.vendor_id,
                policy=snapshot,
                unit_price=draw(won),
                quantity=draw(st.integers(min_value=1, max_value=20)),
                weight_grams=draw(st.integers(min_value=0, max_value=5000)),
                bundlable=draw(st.none() | st.booleans()),
            )
        )
    return lines


@given(carts(), DOMESTIC)
def test_fees_are_never_negative(lines, destination):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)

    for group in result.groups:
        assert group.fee >= 0
        assert 0 <= group.payable_now <= group.fee


@given(carts(), DOMESTIC | st.just(Destination("US")))
def test_every_line_is_in_exactly_one_group(lines, destination):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)

    grouped = Counter(line_id for group in result.groups for line_id in group.line_ids)
    assert grouped == Counter(line.line_id for line in lines)


@given(carts(), DOMESTIC | st.just(Destination("JP")))
def test_total_equals_the_sum_of_the_groups(lines, destination):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)

    assert result.total == sum(group.fee for group in result.groups)
    assert result.payable_now == sum(group.payable_now for group in result.groups)


@given(carts(), DOMESTIC)
def test_each_breakdown_adds_up_to_its_fee(lines, destination):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)

    for group in result.groups:
        amounts = [item.amount for item in group.breakdown if item.amount is not None]
        assert sum(amounts) == group.fee


@given(carts(), DOMESTIC)
def test_a_group_holds_one_vendor_and_one_policy(lines, destination):
    result = quote(lines, destination, remote_areas=REMOTE_AREAS)

    by_id = {line.line_id: line for line in lines}
    for group in result.groups:
        members = [by_id[line_id] for line_id in group.line_ids]
        assert {line.vendor_id for line in members} == {group.vendor_id}
        assert {line.policy.policy_id for line in members} == {group.policy_id}
        if len(members) > 1:
            assert all(line.is_bundlable for line in members)


@given(carts(), DOMESTIC, st.randoms(use_true_random=False))
def test_the_order_of_lines_does_not_change_the_fees(lines, destination, random):
    shuffled = list(lines)
    random.shuffle(shuffled)

    first = quote(lines, destination, remote_areas=REMOTE_AREAS)
    second = quote(shuffled, destination, remote_areas=REMOTE_AREAS)

    assert first.total == second.total
    assert Counter(group.fee for group in first.groups) == Counter(
        group.fee for group in second.groups
    )


@settings(max_examples=200)
@given(
    base=won,
    threshold=won,
    surcharge=won,
    prices=st.lists(st.integers(0, 100_000).map(Decimal), min_size=1, max_size=6),
    added=st.integers(0, 100_000).map(Decimal),
    destination=DOMESTIC,
)
def test_adding_an_item_never_makes_a_conditional_free_group_dearer(
    base, threshold, surcharge, prices, added, destination
):
    snapshot = PolicySnapshot(
        policy_id=1,
        vendor_id=1,
        fee_type=FeeType.CONDITIONAL_FREE,
        base_fee=base,
        free_threshold=threshold,
        jeju_surcharge=surcharge,
        island_surcharge=surcharge,
    )
    lines = [
        Line(line_id=index, vendor_id=1, policy=snapshot, unit_price=price, quantity=1)
        for index, price in enumerate(prices)
    ]
    more = [
        *lines,
        Line(line_id="added", vendor_id=1, policy=snapshot, unit_price=added, quantity=1),
    ]

    before = quote(lines, destination, remote_areas=REMOTE_AREAS).groups[0].fee
    after = quote(more, destination, remote_areas=REMOTE_AREAS).groups[0].fee

    assert after <= base + surcharge
    assert after <= before
