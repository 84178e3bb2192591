"""A member's rights over their data (PIPA 제35조, 제36조): a copy of it, and deletion.

The deletion keeps what other laws require (orders, payments and settlements for five
years under 전자상거래법 시행령 제6조) with their personal fields masked, removes the rest,
and closes the account, in one transaction and one audit event.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.events import AccountDeleted
from accounts.exceptions import AccountError, AccountErrorCode
from accounts.models import Address, IdentityVerification, User
from accounts.personal_data import PersonalDataSection, register_section, sections
from shop.events import publish

MASKED = "(deleted)"


def export_personal_data(*, user_id: int) -> dict[str, Any]:
    """Return everything the shop holds about the member, by section, as JSON-able data."""
    user = User.objects.get(pk=user_id)
    return {
        "exported_at": timezone.now().isoformat(),
        **{section.name: section.export(user) for section in sections()},
    }


def deletion_blockers(*, user_id: int) -> list[str]:
    """Why the account cannot be deleted now (an order still on its way...); empty if it can."""
    user = User.objects.get(pk=user_id)
    return [
        reason for section in sections() if section.blockers for reason in section.blockers(user)
    ]


@transaction.atomic
def delete_account(*, user_id: int) -> None:
    """Anonymise the member and close the account; refused while something is still open.

    Publishes AccountDeleted with the sections that were erased (no personal data).
    """
    user = User.objects.select_for_update().get(pk=user_id)
    if not user.is_active:
        raise AccountError(AccountErrorCode.ACCOUNT_CLOSED, _("This account is closed already."))
    blockers = [r for section in sections() if section.blockers for r in section.blockers(user)]
    if blockers:
        raise AccountError(
            AccountErrorCode.DELETION_BLOCKED,
            _("Your account cannot be deleted yet: %(reasons)s") % {"reasons": " ".join(blockers)},
            status_code=409,
        )
    erased = []
    for section in sections():
        if section.erase:
            section.erase(user)
            erased.append(section.name)
    publish(AccountDeleted(user_id=user.pk, sections=erased), subject=user)


def anonymise_member(user: User) -> None:
    """The accounts section's erase: no login, no contact, no consent, no identity left."""
    now = timezone.now()
    user.addresses.all().delete()
    IdentityVerification.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # and its tokens, by cascade
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.name = user.phone = ""
    user.marketing_opt_in, user.marketing_consent_at = False, now
    user.is_active = False
    user.set_unusable_password()  # also ends every session (their hash no longer matches)
    user.save()


def member_blockers(user: User) -> list[str]:
    if user.is_staff:
        return [_("A staff account is closed by an administrator.")]
    return []


def member_export(user: User) -> dict[str, Any]:
    identity = IdentityVerification.objects.filter(user=user).first()
    return {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "joined_at": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "grade": user.grade.name if user.grade else None,
        "consents": {
            "terms_agreed_at": _iso(user.terms_agreed_at),
            "privacy_agreed_at": _iso(user.privacy_agreed_at),
            "marketing_opt_in": user.marketing_opt_in,
            "marketing_consent_changed_at": _iso(user.marketing_consent_at),
        },
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "social_accounts": [
            {"provider": account.provider, "connected_at": _iso(account.date_joined)}
            for account in SocialAccount.objects.filter(user=user)
        ],
        "addresses": list(
            Address.objects.filter(user=user).values(
                "label", "recipient", "phone", "postcode", "road_address", "detail_address"
            )
        ),
        # CI and DI are kept only as keyed hashes, which are not the member's data to read.
        "identity_verification": {
            "provider": identity.provider,
            "name": identity.name,
            "birth_date": identity.birth_date.isoformat(),
            "phone": identity.phone,
            "verified_at": identity.verified_at.isoformat(),
        }
        if identity
        else None,
    }


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


register_section(
    PersonalDataSection(
        name="account", export=member_export, erase=anonymise_member, blockers=member_blockers
    )
)
