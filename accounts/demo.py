"""Demo data of accounts: member grades, a superuser and a verified shopper with an address.

Called by the ``demo`` management command (see shop/management/commands/demo.py);
running it again changes nothing, and a changed password is left alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import IdentityVerification, MemberGrade, User
from shop.audit import Actor, acting_as

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "shop-admin-1234"
SHOPPER_EMAIL, SHOPPER_PASSWORD = "shopper@example.com", "shop-shopper-1234"
# code, name, position, confirmed purchases, amount (KRW), discount rate, point rate
GRADES = [
    ("general", "일반", 0, 0, 0, "0", "0.005"),
    ("silver", "실버", 10, 3, 300_000, "0.01", "0.01"),
    ("gold", "골드", 20, 10, 1_000_000, "0.02", "0.02"),
    ("vip", "VIP", 30, 20, 3_000_000, "0.03", "0.03"),
]


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo superuser and shopper (with a default address) unless they exist.

    Returns their (role, e-mail, password) logins for the command to print.
    """
    with acting_as(Actor.system("demo")), transaction.atomic():
        _ensure_grades()
        admin = _ensure_user(ADMIN_EMAIL, ADMIN_PASSWORD, name="관리자", is_superuser=True)
        shopper = _ensure_user(SHOPPER_EMAIL, SHOPPER_PASSWORD, name="김쇼핑")
        _ensure_identity(shopper)
        if not shopper.addresses.exists():
            services.add_address(
                user_id=shopper.pk,
                label="집",
                recipient="김쇼핑",
                phone="010-1234-5678",
                postcode="06236",
                road_address="서울특별시 강남구 테헤란로 152",
                detail_address="101동 1001호",
            )
    stdout.write(f"  accounts: superuser {admin.email}, shopper {shopper.email}")
    return [("admin", ADMIN_EMAIL, ADMIN_PASSWORD), ("shopper", SHOPPER_EMAIL, SHOPPER_PASSWORD)]


def _ensure_user(email: str, password: str, *, name: str, is_superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        manager = User.objects
        create = manager.create_superuser if is_superuser else manager.create_user
        user = create(email, password, name=name, phone="010-1234-5678")
    # Mark the address verified so the demo login never stops at e-mail confirmation.
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_grades() -> None:
    """Create the demo grades unless a grade with their code exists (staff edits stay)."""
    for code, name, position, count, amount, discount, points in GRADES:
        if MemberGrade.objects.filter(code=code).exists():
            continue
        MemberGrade.objects.create(
            code=code,
            name=name,
            position=position,
            min_purchase_count=count,
            min_purchase_amount=amount,
            discount_rate=Decimal(discount),
            point_rate=Decimal(points),
        )


def _ensure_identity(user: User) -> None:
    """The demo shopper is a verified adult, so 19+ products can be bought in the demo."""
    if IdentityVerification.objects.filter(user=user).exists():
        return
    IdentityVerification.objects.create(
        user=user,
        provider="portone",
        name=user.name,
        birth_date=date(1990, 5, 17),
        phone="010-1234-5678",
        ci_hash=services.keyed_hash(f"demo-ci-{user.email}"),
        di_hash=services.keyed_hash(f"demo-di-{user.email}"),
        verified_at=timezone.now(),
    )
