"""The shipping demo: three sellers with different policies, loaded once."""

import io
from decimal import Decimal

import pytest

from shipping import demo, services
from shipping.engine import Destination
from shipping.models import ShippingPolicy
from shipping.services import QuoteLine
from vendors import demo as vendors_demo
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_vendors():
    vendors_demo.load(io.StringIO())
    demo.load(io.StringIO())
    return {vendor.slug: vendor for vendor in Vendor.objects.all()}


def quote_total(vendor, price, destination, weight=0):
    line = QuoteLine(
        line_id=1, vendor_id=vendor.pk, unit_price=Decimal(price), quantity=1, weight_grams=weight
    )
    return services.quote_for(lines=[line], destination=destination).total


def test_loading_twice_creates_each_policy_once(demo_vendors):
    count = ShippingPolicy.objects.count()

    assert demo.load(io.StringIO()) == []
    assert ShippingPolicy.objects.count() == count == len(demo.DEMO_POLICIES)


def test_seoul_market_ships_free_over_50000_won_with_a_jeju_surcharge(demo_vendors):
    seoul_market = demo_vendors["seoul-market"]

    assert quote_total(seoul_market, 49000, Destination("KR", "04524")) == 3000
    assert quote_total(seoul_market, 50000, Destination("KR", "04524")) == 0
    assert quote_total(seoul_market, 50000, Destination("KR", "63100")) == 3000


def test_jeju_farm_charges_a_fixed_fee(demo_vendors):
    assert quote_total(demo_vendors["jeju-farm"], 90000, Destination("KR", "04524")) == 4000


def test_global_goods_ships_overseas_by_zone_and_weight(demo_vendors):
    global_goods = demo_vendors["global-goods"]

    assert quote_total(global_goods, 10000, Destination("KR", "04524")) == 3500
    assert quote_total(global_goods, 10000, Destination("US"), weight=1200) == 35000
    assert quote_total(global_goods, 10000, Destination("JP"), weight=300) == 12000


def test_the_demo_without_vendors_creates_nothing():
    output = io.StringIO()

    demo.load(output)

    assert not ShippingPolicy.objects.exists()
    assert "no vendor" in output.getvalue()
