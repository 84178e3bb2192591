"""Consents (약관, 개인정보 수집·이용, 마케팅 수신) and linked social accounts, each dated
and recorded as an event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.events import ConsentChanged, SocialAccountConnected, SocialAccountDisconnected
from accounts.models import User
from shop.events import publish


@transaction.atomic
def record_signup_consents(*, user_id: int, marketing: bool) -> User:
    """Date the required consents given at signup and the optional marketing choice.

    Publishes ConsentChanged for each consent given.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    now = timezone.now()
    user.terms_agreed_at = user.privacy_agreed_at = now
    user.marketing_opt_in, user.marketing_consent_at = marketing, now
    user.save(
        update_fields=[
            "terms_agreed_at",
            "privacy_agreed_at",
            "marketing_opt_in",
            "marketing_consent_at",
        ]
    )
    for consent in ("terms", "privacy", *(("marketing",) if marketing else ())):
        publish(
            ConsentChanged(user_id=user_id, consent=consent, agreed=True, at=now.isoformat()),
            subject=user,
        )
    return user


@transaction.atomic
def set_marketing_consent(*, user_id: int, agreed: bool) -> User:
    """Give or withdraw the marketing consent; its date is the change's.

    Publishes ConsentChanged, or nothing when the choice did not change.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    if user.marketing_opt_in == agreed:
        return user
    now = timezone.now()
    user.marketing_opt_in, user.marketing_consent_at = agreed, now
    user.save(update_fields=["marketing_opt_in", "marketing_consent_at"])
    publish(
        ConsentChanged(user_id=user_id, consent="marketing", agreed=agreed, at=now.isoformat()),
        subject=user,
    )
    return user


@transaction.atomic
def record_social_connected(*, user_id: int, provider: str, how: str) -> None:
    """Record that a Kakao/Naver account was linked (allauth did the linking)."""
    user = User.objects.get(pk=user_id)
    publish(SocialAccountConnected(user_id=user_id, provider=provider, how=how), subject=user)


@transaction.atomic
def record_social_disconnected(*, user_id: int, provider: str) -> None:
    user = User.objects.get(pk=user_id)
    publish(SocialAccountDisconnected(user_id=user_id, provider=provider), subject=user)
