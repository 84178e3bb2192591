"""Reads of the vendors app used by pages, the seller center and services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from vendors.models import Settlement, Vendor, VendorMembership


def find_user_by_email(email: str) -> Any:
    """Return the active account with ``email`` (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()


def is_member(*, vendor: Vendor, user: Any) -> bool:
    """Return True when ``user`` already belongs to ``vendor`` (active or not)."""
    return VendorMembership.objects.filter(vendor=vendor, user=user).exists()


def is_last_active_owner(membership: VendorMembership) -> bool:
    """Return True when ``membership`` is its vendor's only active owner."""
    if membership.pk is None:
        return False
    stored = VendorMembership.objects.filter(pk=membership.pk).values("role", "is_active").first()
    if not stored or stored["role"] != VendorMembership.Role.OWNER or not stored["is_active"]:
        return False
    return not (
        VendorMembership.objects.filter(
            vendor_id=membership.vendor_id, role=VendorMembership.Role.OWNER, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def count_active_members(vendor: Vendor) -> int:
    """Return how many active members ``vendor`` has."""
    return VendorMembership.objects.filter(vendor=vendor, is_active=True).count()


def count_draft_settlements(vendor: Vendor) -> int:
    """Return how many of ``vendor``'s statements are still drafts."""
    return Settlement.objects.filter(vendor=vendor, status=Settlement.Status.DRAFT).count()


def operator_vendor() -> Vendor | None:
    """Return the vendor that is the shop itself, if there is one."""
    return Vendor.objects.filter(is_operator=True).first()
