"""Vendor applications, status changes (approve, suspend, close, re-open) and commission."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import selectors as accounts_selectors
from shop.events import publish
from vendors.events import (
    CommissionRateChanged,
    VendorApplied,
    VendorApproved,
    VendorClosed,
    VendorReopened,
    VendorStatusChanged,
    VendorSuspended,
)
from vendors.exceptions import VendorError, VendorErrorCode
from vendors.models import Vendor, VendorMembership
from vendors.validators import normalise_business_number

APPLICATION_FIELDS = [
    "name",
    "business_registration_number",
    "representative_name",
    "contact_email",
    "contact_phone",
    "mail_order_report_number",
    "address",
    "payout_bank_name",
    "payout_account_holder",
    "payout_account_number",
]


@transaction.atomic
def apply_for_vendor(*, user: Any, **details: Any) -> Vendor:
    """Create a vendor in status "applied" with ``user`` as its owner; publish VendorApplied."""
    unknown = set(details) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown vendor fields: {sorted(unknown)}")
    vendor = Vendor(**details, status=Vendor.Status.APPLIED)
    vendor.business_registration_number = normalise_business_number(
        vendor.business_registration_number
    )
    vendor.slug = _unique_slug(vendor.name)
    _validate(vendor)
    vendor.save()
    VendorMembership.objects.create(vendor=vendor, user=user, role=VendorMembership.Role.OWNER)
    publish(
        VendorApplied(vendor_id=vendor.pk, vendor_name=vendor.name, applicant_id=user.pk),
        subject=vendor,
    )
    return vendor


def approve_vendor(*, vendor_id: int, reason: str = "") -> Vendor:
    """Approve an applied vendor so it may sell; publish VendorApproved.

    Refused while an owner has not verified their identity (본인인증): whoever sells
    must be a known person. A vendor the operator created without owner accounts passes.
    """
    unverified = [
        membership.user.email
        for membership in VendorMembership.objects.filter(
            vendor_id=vendor_id, role=VendorMembership.Role.OWNER
        ).select_related("user")
        if accounts_selectors.identity_of(membership.user) is None
    ]
    if unverified:
        message = _(
            "The owner must verify their identity before the vendor is approved: %(who)s"
        ) % {"who": ", ".join(unverified)}
        raise VendorError(VendorErrorCode.OWNER_NOT_VERIFIED, message, status_code=409)
    return _move(vendor_id, Vendor.Status.APPROVED, VendorApproved, reason, {"applied"})


def suspend_vendor(*, vendor_id: int, reason: str = "") -> Vendor:
    """Suspend an approved vendor, closing its seller center; publish VendorSuspended."""
    return _move(vendor_id, Vendor.Status.SUSPENDED, VendorSuspended, reason, {"approved"})


def close_vendor(*, vendor_id: int, reason: str = "") -> Vendor:
    """Close a vendor (or reject its application); publish VendorClosed."""
    return _move(vendor_id, Vendor.Status.CLOSED, VendorClosed, reason, None)


def reopen_vendor(*, vendor_id: int, reason: str = "") -> Vendor:
    """Lift a suspension (back to approved) or re-open a closed vendor for review (applied)."""
    with transaction.atomic():
        vendor = _lock(vendor_id)
        target = (
            Vendor.Status.APPROVED
            if vendor.status == Vendor.Status.SUSPENDED
            else Vendor.Status.APPLIED
        )
        return _move(vendor_id, target, VendorReopened, reason, {"suspended", "closed"})


@transaction.atomic
def change_commission_rate(*, vendor_id: int, rate: Decimal | str | int) -> Vendor:
    """Set a vendor's commission rate in percent (0 to 100); publish CommissionRateChanged."""
    try:
        new_rate = Decimal(str(rate)).quantize(Decimal("0.01"))
    except InvalidOperation:
        new_rate = Decimal(-1)
    if not new_rate.is_finite() or not Decimal(0) <= new_rate <= Decimal(100):
        raise VendorError(
            VendorErrorCode.INVALID_AMOUNT,
            _("The commission rate must be between 0 and 100 percent."),
            fields={"commission_rate": [_("Enter a rate between 0 and 100.")]},
        )
    vendor = _lock(vendor_id)
    before = vendor.commission_rate
    if before == new_rate:
        return vendor
    vendor.commission_rate = new_rate
    vendor.save(update_fields=["commission_rate", "updated_at"])
    publish(
        CommissionRateChanged(vendor_id=vendor.pk, before=str(before), after=str(new_rate)),
        subject=vendor,
    )
    return vendor


def _move(
    vendor_id: int,
    target: str,
    event_class: type[VendorStatusChanged],
    reason: str,
    allowed_from: set[str] | None,
) -> Vendor:
    """Move a vendor to ``target`` if the table (and the use case) allows it."""
    with transaction.atomic():
        vendor = _lock(vendor_id)
        before = vendor.status
        if not vendor.can_become(target) or (allowed_from and before not in allowed_from):
            raise VendorError(
                VendorErrorCode.INVALID_TRANSITION,
                _("A vendor cannot go from %(before)s to %(after)s.")
                % {"before": vendor.get_status_display(), "after": Vendor.Status(target).label},
                status_code=409,
            )
        vendor.status = target
        vendor.save(update_fields=["status", "updated_at"])
        publish(
            event_class(vendor_id=vendor.pk, before=before, after=target, reason=reason),
            subject=vendor,
        )
        return vendor


def _lock(vendor_id: int) -> Vendor:
    vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorError(VendorErrorCode.VENDOR_NOT_FOUND, _("No such vendor."), status_code=404)
    return vendor


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:80] or "vendor"
    slug, suffix = base, 2
    while Vendor.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _validate(vendor: Vendor) -> None:
    try:
        vendor.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise VendorError(
            VendorErrorCode.INVALID, _("Check the vendor's details."), fields=error.message_dict
        ) from error
