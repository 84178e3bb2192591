"""Reusable reads of members and their addresses. Nothing here writes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Address, User
from shop.exceptions import NotFoundError


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
