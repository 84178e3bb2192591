"""Use cases that change members and their addresses; views, the API, admin and listeners call them.

Each function runs in its own transaction and publishes one event. Every change to
a member's addresses first locks the member's row, so the rule "exactly one default
address once a member has any" holds under concurrent requests.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.events import (
    AddressAdded,
    AddressChanged,
    AddressDeleted,
    DefaultAddressChanged,
    PasswordChanged,
    ProfileChanged,
    UserSignedUp,
)
from accounts.exceptions import AccountError, AccountErrorCode
from accounts.models import Address, User
from accounts.validators import normalize_phone
from shop import audit
from shop.events import publish

MAX_ADDRESSES_PER_MEMBER = 50
PROFILE_FIELDS = ["name", "phone"]
ADDRESS_FIELDS = ["label", "recipient", "phone", "postcode", "road_address", "detail_address"]


@transaction.atomic
def register_user(*, user_id: int, name: str = "", phone: str = "") -> User:
    """Store a new member's name and phone and announce the signup.

    Publishes UserSignedUp, recorded as done by the new member.
    """
    user = selectors.lock_user(user_id=user_id)
    # A social provider's display name may be longer than the column; the form's is not.
    max_name = User._meta.get_field("name").max_length
    user.name, user.phone = name.strip()[:max_name], normalize_phone(phone)
    _validate(user, PROFILE_FIELDS)
    user.save(update_fields=PROFILE_FIELDS)
    publish(UserSignedUp(user_id=user.pk, email=user.email), actor=_self(user), subject=user)
    return user


@transaction.atomic
def update_profile(*, user_id: int, name: str, phone: str) -> User:
    """Change the member's name and phone.

    Publishes ProfileChanged with old and new values, or nothing when nothing changed.
    """
    user = selectors.lock_user(user_id=user_id)
    before = audit.snapshot(user, PROFILE_FIELDS)
    user.name, user.phone = name.strip(), normalize_phone(phone)
    _validate(user, PROFILE_FIELDS)
    diff = audit.changes(before, audit.snapshot(user, PROFILE_FIELDS))
    if diff:
        user.save(update_fields=PROFILE_FIELDS)
        publish(ProfileChanged(user_id=user.pk, changes=diff), subject=user)
    return user


@transaction.atomic
def record_email_change(*, user_id: int, old_email: str | None, new_email: str) -> None:
    """Record that the member's sign-in e-mail changed (allauth changes it).

    Publishes ProfileChanged with the old (None when unknown) and new address, or
    nothing when they match.
    """
    user = User.objects.get(pk=user_id)
    diff = audit.changes({"email": old_email}, {"email": new_email})
    if diff:
        publish(ProfileChanged(user_id=user.pk, changes=diff), subject=user)


@transaction.atomic
def record_password_change(*, user_id: int, method: str) -> None:
    """Record that the member's password was changed ("change", "set", "reset" or "admin").

    Publishes PasswordChanged, which carries no password and no hash.
    """
    user = User.objects.get(pk=user_id)
    publish(PasswordChanged(user_id=user.pk, method=method), actor=_self(user), subject=user)


@transaction.atomic
def add_address(
    *,
    user_id: int,
    recipient: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
    label: str = "",
    is_default: bool = False,
) -> Address:
    """Save a new address for the member; the first one becomes the default.

    Publishes AddressAdded. Locks the member's row.
    """
    selectors.lock_user(user_id=user_id)
    existing = selectors.list_addresses(user_id=user_id)
    count = existing.count()
    if count >= MAX_ADDRESSES_PER_MEMBER:
        raise AccountError(
            AccountErrorCode.TOO_MANY_ADDRESSES,
            _("You can save up to %(limit)d addresses.") % {"limit": MAX_ADDRESSES_PER_MEMBER},
        )
    make_default = is_default or count == 0
    if make_default:
        existing.filter(is_default=True).update(is_default=False, updated_at=timezone.now())
    address = Address(user_id=user_id, is_default=make_default)
    _assign(address, label, recipient, phone, postcode, road_address, detail_address)
    _validate(address, ADDRESS_FIELDS)
    address.save()
    publish(
        AddressAdded(address_id=address.pk, user_id=user_id, is_default=make_default),
        subject=address,
    )
    return address


@transaction.atomic
def update_address(
    *,
    user_id: int,
    address_id: int,
    label: str | None = None,
    recipient: str | None = None,
    phone: str | None = None,
    postcode: str | None = None,
    road_address: str | None = None,
    detail_address: str | None = None,
) -> Address:
    """Change the given fields of the member's address (None leaves a field as it is).

    Publishes AddressChanged with old and new values, or nothing when nothing changed.
    Raises NotFoundError for another member's address.
    """
    selectors.lock_user(user_id=user_id)
    address = selectors.get_address(user_id=user_id, address_id=address_id)
    before = audit.snapshot(address, ADDRESS_FIELDS)
    _assign(address, label, recipient, phone, postcode, road_address, detail_address)
    _validate(address, ADDRESS_FIELDS)
    diff = audit.changes(before, audit.snapshot(address, ADDRESS_FIELDS))
    if diff:
        address.save(update_fields=[*diff, "updated_at"])
        publish(
            AddressChanged(address_id=address.pk, user_id=user_id, changes=diff),
            subject=address,
        )
    return address


@transaction.atomic
def delete_address(*, user_id: int, address_id: int) -> None:
    """Delete the member's address; if it was the default, the newest remaining one takes over.

    Publishes AddressDeleted. Locks the member's row. Raises NotFoundError for
    another member's address.
    """
    selectors.lock_user(user_id=user_id)
    address = selectors.get_address(user_id=user_id, address_id=address_id)
    promoted = None
    if address.is_default:
        others = selectors.list_addresses(user_id=user_id).exclude(pk=address.pk)
        promoted = others.order_by("-id").first()
    # Published first: the audit row names the address while it still exists.
    publish(
        AddressDeleted(
            address_id=address.pk,
            user_id=user_id,
            was_default=address.is_default,
            promoted_address_id=promoted.pk if promoted else None,
        ),
        subject=address,
    )
    address.delete()
    if promoted is not None:
        promoted.is_default = True
        promoted.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def set_default_address(*, user_id: int, address_id: int) -> Address:
    """Make the member's address ``address_id`` their only default address.

    Publishes DefaultAddressChanged (nothing when it already was the default). Locks
    the member's row, so concurrent calls leave exactly one default. Raises
    NotFoundError for another member's address.
    """
    selectors.lock_user(user_id=user_id)
    address = selectors.get_address(user_id=user_id, address_id=address_id)
    if address.is_default:
        return address
    previous = selectors.get_default_address(user_id=user_id)
    if previous is not None:
        previous.is_default = False
        previous.save(update_fields=["is_default", "updated_at"])
    address.is_default = True
    address.save(update_fields=["is_default", "updated_at"])
    publish(
        DefaultAddressChanged(
            address_id=address.pk,
            user_id=user_id,
            previous_address_id=previous.pk if previous else None,
        ),
        subject=address,
    )
    return address


def _assign(address: Address, *values: str | None) -> None:
    """Set the address fields (in ADDRESS_FIELDS order) that are not None, tidied."""
    for field, value in zip(ADDRESS_FIELDS, values, strict=True):
        if value is None:
            continue
        setattr(address, field, normalize_phone(value) if field == "phone" else value.strip())


def _validate(instance: User | Address, fields: list[str]) -> None:
    """Run the model's field validators on ``fields``; raise ValidationError naming them.

    Forms and serializers check first; this guards every other caller (shell, tasks).
    """
    excluded = [f.name for f in instance._meta.fields if f.name not in fields]
    instance.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)


def _self(user: User) -> audit.Actor:
    """Return the actor for what a visitor did before being signed in (signup, reset): them."""
    actor = audit.current_actor()
    if actor.kind == "anonymous":
        return audit.Actor(
            kind="user",
            user_id=user.pk,
            label=str(user),
            ip_address=actor.ip_address,
            request_id=actor.request_id,
        )
    return actor
