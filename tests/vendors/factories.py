"""Factories for vendors, memberships and the settlement ledger."""

import random
from decimal import Decimal

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from vendors.models import Settlement, SettlementEntry, Vendor, VendorMembership
from vendors.validators import business_number_check_digit


def valid_business_number(seed: int) -> str:
    """Return a checksum-valid business registration number derived from ``seed``."""
    first_nine = f"{random.Random(seed).randrange(10**8, 10**9)}"
    return first_nine + str(business_number_check_digit(first_nine))


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"판매자{n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    business_registration_number = factory.Sequence(valid_business_number)
    representative_name = "김대표"
    contact_email = factory.Sequence(lambda n: f"vendor{n}@example.com")
    contact_phone = "02-123-4567"
    mail_order_report_number = "2024-서울강남-01234"
    address = "서울특별시 강남구 테헤란로 1"
    status = Vendor.Status.APPROVED
    commission_rate = Decimal("10.00")
    payout_bank_name = "국민은행"
    payout_account_holder = "김대표"
    payout_account_number = "123456-01-987654"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorMembership

    vendor = factory.SubFactory(VendorFactory)
    user = factory.SubFactory(UserFactory)
    role = VendorMembership.Role.OWNER


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Settlement

    vendor = factory.SubFactory(VendorFactory)
    period_start = factory.Sequence(
        lambda n: timezone.localdate().replace(day=1).replace(year=2000 + n % 50)
    )
    period_end = factory.LazyAttribute(lambda o: o.period_start.replace(day=28))
    gross = Decimal(100000)
    commission = Decimal(10000)
    payout = Decimal(90000)


class SettlementEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SettlementEntry

    vendor = factory.SubFactory(VendorFactory)
    kind = SettlementEntry.Kind.SALE
    amount = Decimal(10000)
    order_id = factory.Sequence(lambda n: n + 1)
    occurred_at = factory.LazyFunction(timezone.now)
