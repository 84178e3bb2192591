"""Reusable reads of members, their addresses and grades. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Address, IdentityVerification, MemberGrade, User
from shop.exceptions import NotFoundError


@dataclass(frozen=True)
class MemberBenefits:
    """What a member's grade gives at checkout; rates are fractions (0.01 is 1%)."""

    grade_code: str
    grade_name: str
    discount_rate: Decimal
    point_rate: Decimal


NO_BENEFITS = MemberBenefits(
    grade_code="", grade_name="", discount_rate=Decimal(0), point_rate=Decimal(0)
)


def default_grade() -> MemberGrade | None:
    """Return the grade every member starts with (the lowest), or None when none exist."""
    return MemberGrade.objects.order_by("position").first()


def grade_of(user: Any) -> MemberGrade | None:
    """Return the member's grade; the default grade until the first recompute."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    grade_id = getattr(user, "grade_id", None)
    if grade_id is not None:
        grade = MemberGrade.objects.filter(pk=grade_id).first()
        if grade is not None:
            return grade
    return default_grade()


def member_benefits(user: Any) -> MemberBenefits:
    """Return the discount and point rates of ``user``'s grade.

    Anonymous visitors get zero rates; a member without a grade yet gets the default
    grade's (zero when no grade is defined). Re-read from the database each call, so
    a grade changed by staff applies to the next checkout.
    """
    grade = grade_of(user)
    if grade is None:
        return NO_BENEFITS
    return MemberBenefits(
        grade_code=grade.code,
        grade_name=grade.name,
        discount_rate=grade.discount_rate,
        point_rate=grade.point_rate,
    )


def list_addresses(*, user_id: int) -> QuerySet[Address]:
    """Return the member's addresses, the default first, then newest first."""
    return Address.objects.filter(user_id=user_id).order_by("-is_default", "-id")


def get_address(*, user_id: int, address_id: int) -> Address:
    """Return the member's address ``address_id``.

    Raises NotFoundError for another member's address too, so ids reveal nothing.
    """
    address = Address.objects.filter(user_id=user_id, pk=address_id).first()
    if address is None:
        raise NotFoundError(_("Address not found."))
    return address


def get_default_address(*, user_id: int) -> Address | None:
    """Return the member's default address, or None when they have none."""
    return Address.objects.filter(user_id=user_id, is_default=True).first()


def lock_user(*, user_id: int) -> User:
    """Return the member's row locked until the transaction ends.

    Every change to a member's addresses takes this lock first, so two requests
    choosing different defaults run one after the other.
    """
    return User.objects.select_for_update().get(pk=user_id)


# --- Identity verification (본인인증) ------------------------------------------------------

ADULT_AGE = 19


@dataclass(frozen=True)
class Identity:
    """A member's verified identity, as other apps may read it (no CI/DI hashes)."""

    name: str
    birth_date: date
    phone: str
    provider: str
    method: str
    verified_at: datetime


def identity_of(user: Any) -> Identity | None:
    """Return the member's verified identity, or None (anonymous, never verified)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    record = IdentityVerification.objects.filter(user_id=user.pk).first()
    if record is None:
        return None
    return Identity(
        name=record.name,
        birth_date=record.birth_date,
        phone=record.phone,
        provider=record.provider,
        method=record.method,
        verified_at=record.verified_at,
    )


def is_adult_birth_date(birth_date: date, today: date | None = None) -> bool:
    """Whether someone born on ``birth_date`` may buy 19+ goods ``today`` (Korean time).

    The Juvenile Protection Act (청소년 보호법 제2조) counts by year: a person is no
    longer a youth from 1 January of the year they turn 19, whatever their birthday.
    """
    today = today or timezone.localdate()
    return today.year - birth_date.year >= ADULT_AGE


def is_adult(user: Any) -> bool:
    """Whether ``user`` verified their identity and is an adult (19+); False for anonymous."""
    found = identity_of(user)
    return found is not None and is_adult_birth_date(found.birth_date)
