"""Factories for shipping policies, their tiers and zones, and remote areas."""

from decimal import Decimal

import factory

from shipping.models import OverseasRate, OverseasZone, RemoteArea, ShippingFeeTier, ShippingPolicy
from tests.vendors.factories import VendorFactory


class ShippingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingPolicy

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"기본 배송 {n}")
    fee_type = ShippingPolicy.FeeType.CONDITIONAL_FREE
    base_fee = Decimal(3000)
    free_threshold = Decimal(50000)
    jeju_surcharge = Decimal(3000)
    island_surcharge = Decimal(5000)
    return_fee = Decimal(3000)
    exchange_fee = Decimal(6000)
    is_default = True


class ShippingFeeTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingFeeTier

    policy = factory.SubFactory(ShippingPolicyFactory, fee_type="amount_tiers")
    min_amount = Decimal(30000)
    fee = Decimal(2000)


class OverseasZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OverseasZone

    policy = factory.SubFactory(ShippingPolicyFactory, ships_overseas=True)
    name = factory.Sequence(lambda n: f"Zone {n}")
    countries = ["US", "CA"]


class OverseasRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OverseasRate

    zone = factory.SubFactory(OverseasZoneFactory)
    max_weight_grams = 2000
    fee = Decimal(25000)


class RemoteAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemoteArea

    name = "테스트 섬"
    kind = RemoteArea.Kind.ISLAND
    postcode_from = "99000"
    postcode_to = "99010"
