"""Identity verification (본인인증): start at a provider, then record what it verified.

The browser only brings the member back; the result is always asked of the provider
server to server. CI and DI are stored as HMAC-SHA256 with their own key, never in
clear, and no resident registration number ever reaches the shop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import identity
from accounts.events import IdentityVerified
from accounts.exceptions import AccountError, AccountErrorCode
from accounts.identity import IdentityError, VerificationStart, VerificationStatus
from accounts.models import IdentityVerification, User
from accounts.validators import normalize_phone
from shop.events import publish


def _unavailable() -> AccountError:
    return AccountError(
        AccountErrorCode.IDENTITY_UNAVAILABLE,
        _("Identity verification is unavailable right now. Please try again later."),
    )


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` with ACCOUNTS_IDENTITY_HASH_KEY, in hex (64 characters)."""
    if not settings.ACCOUNTS_IDENTITY_HASH_KEY:
        raise ImproperlyConfigured("SHOP_ACCOUNTS_IDENTITY_HASH_KEY is not set")
    key = settings.ACCOUNTS_IDENTITY_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def start_identity_verification(
    *, user_id: int, provider_code: str, return_url: str
) -> VerificationStart:
    """Return where the member verifies with ``provider_code``; nothing is stored yet.

    The caller keeps the returned ``verification_id`` bound to the member's session, so
    nobody can complete a verification they did not start.
    """
    provider = identity.get_provider(provider_code)
    verification_id = f"iv-{user_id}-{secrets.token_urlsafe(12)}"
    try:
        return provider.begin(verification_id=verification_id, return_url=return_url)
    except IdentityError:
        raise _unavailable() from None


def complete_identity_verification(
    *, user_id: int, provider_code: str, verification_id: str
) -> IdentityVerification:
    """Ask the provider how ``verification_id`` ended and keep the verified identity.

    Publishes IdentityVerified. Raises AccountError when it failed, is not finished, the
    provider cannot be asked, or it names another person than the member verified before.
    """
    provider = identity.get_provider(provider_code)
    try:
        result = provider.fetch(verification_id=verification_id)
    except IdentityError:
        raise _unavailable() from None
    if result.status == VerificationStatus.PENDING:
        raise AccountError(
            AccountErrorCode.IDENTITY_PENDING, _("The identity verification was not finished.")
        )
    if result.status != VerificationStatus.VERIFIED or result.person is None:
        raise AccountError(AccountErrorCode.IDENTITY_FAILED, _("The identity verification failed."))
    return _record(user_id, provider, verification_id, result.person)


@transaction.atomic
def _record(
    user_id: int,
    provider: identity.IdentityProvider,
    verification_id: str,
    person: identity.VerifiedPerson,
) -> IdentityVerification:
    User.objects.select_for_update().get(pk=user_id)
    record = IdentityVerification.objects.filter(user_id=user_id).first()
    ci_hash = keyed_hash(person.ci)
    same_person = None if record is None else hmac.compare_digest(record.ci_hash, ci_hash)
    if same_person is False:
        # An account belongs to one person: a second verification may refresh the
        # record, never hand the account's verified identity to somebody else.
        raise AccountError(
            AccountErrorCode.IDENTITY_OTHER_PERSON,
            _("This account is already verified as another person."),
        )
    record = record or IdentityVerification(user_id=user_id)
    record.provider, record.method = provider.code, provider.method
    record.name, record.birth_date = person.name[:100], person.birth_date
    record.phone = normalize_phone(person.phone)
    record.ci_hash, record.di_hash = ci_hash, keyed_hash(person.di)
    record.verified_at = timezone.now()
    record.save()
    publish(
        IdentityVerified(
            user_id=user_id,
            provider=provider.code,
            method=provider.method,
            verification_id=verification_id,
            same_person=same_person,
        ),
        subject=record.user,
    )
    return record
