"""Demo data of vendors: the operator vendor, three approved sellers and one applicant.

Called by the ``demo`` management command; running it again changes nothing. The
shipping app's demo attaches a shipping policy to each seller by slug
(``seoul-market``, ``jeju-farm``, ``global-goods``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from shop.audit import Actor, acting_as
from vendors.models import Vendor, VendorMembership
from vendors.validators import business_number_check_digit

PASSWORD_TEMPLATE = "shop-seller-{n}234"  # noqa: S105  (demo logins; refused in production)

# (slug, name, first nine digits of the registration number, commission %, owner e-mail, status)
DEMO_VENDORS = [
    ("shop-operator", "우리샵 직영", "105876543", "0", "operator@example.com", "approved"),
    ("seoul-market", "서울마켓", "214865432", "10", "seller1@example.com", "approved"),
    ("jeju-farm", "제주농장", "616812345", "8", "seller2@example.com", "approved"),
    ("global-goods", "글로벌굿즈", "120861234", "12.5", "seller3@example.com", "approved"),
    ("new-applicant", "새싹공방", "314901234", "10", "applicant@example.com", "applied"),
]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo vendors and their owners unless they exist; return the owners' logins."""
    logins = []
    with acting_as(Actor.system("demo")), transaction.atomic():
        for number, row in enumerate(DEMO_VENDORS):
            slug, name, first_nine, rate, email, status = row
            password = PASSWORD_TEMPLATE.format(n=number)
            vendor = _ensure_vendor(slug, name, first_nine, Decimal(rate), status, email)
            owner = _ensure_owner(vendor, email, password)
            logins.append((f"seller {slug}", owner.email, password))
    stdout.write(f"vendors: {len(DEMO_VENDORS)} vendors (one operator, one applicant)\n")
    return logins


def _ensure_vendor(
    slug: str, name: str, first_nine: str, rate: Decimal, status: str, email: str
) -> Vendor:
    defaults: dict[str, Any] = {
        "name": name,
        "business_registration_number": first_nine + str(business_number_check_digit(first_nine)),
        "representative_name": "김대표",
        "contact_email": email,
        "contact_phone": "02-1234-5678",
        "mail_order_report_number": "2025-서울강남-0" + first_nine[-4:],
        "address": "서울특별시 강남구 테헤란로 152",
        "status": status,
        "commission_rate": rate,
        "payout_bank_name": "국민은행",
        "payout_account_holder": name,
        "payout_account_number": f"123456-01-{first_nine[:6]}",
        "is_operator": slug == "shop-operator",
    }
    vendor, _created = Vendor.objects.get_or_create(slug=slug, defaults=defaults)
    return vendor


def _ensure_owner(vendor: Vendor, email: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, name=f"{vendor.name} 대표")
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    VendorMembership.objects.get_or_create(
        vendor=vendor, user=user, defaults={"role": VendorMembership.Role.OWNER}
    )
    return user
