"""Reactions of accounts: allauth's signals turned into service calls (framework plumbing only).

allauth announces signups and password changes with Django signals; each receiver
here hands the member's id to one service, which records the domain event.
"""

from __future__ import annotations

from typing import Any

from allauth.account.signals import (
    email_changed,
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from accounts import services


@receiver(user_signed_up, dispatch_uid="accounts.register_user")
def register_user(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # SignupForm.signup() put the cleaned name, phone and marketing choice on this instance.
    services.register_user(user_id=user.pk, name=user.name, phone=user.phone)
    services.record_signup_consents(user_id=user.pk, marketing=bool(user.marketing_opt_in))
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        services.record_social_connected(
            user_id=user.pk, provider=sociallogin.account.provider, how="signup"
        )


@receiver(social_account_added, dispatch_uid="accounts.record_social_connected")
def record_social_connected(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    # allauth links by e-mail only for an address the provider verified (see accounts.social).
    how = "email" if getattr(sociallogin, "_did_authenticate_by_email", None) else "connect"
    services.record_social_connected(
        user_id=sociallogin.user.pk, provider=sociallogin.account.provider, how=how
    )


@receiver(social_account_removed, dispatch_uid="accounts.record_social_disconnected")
def record_social_disconnected(
    sender: Any, request: Any, socialaccount: Any, **kwargs: Any
) -> None:
    services.record_social_disconnected(
        user_id=socialaccount.user_id, provider=socialaccount.provider
    )


@receiver(password_changed, dispatch_uid="accounts.record_password_changed")
def record_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.record_password_change(user_id=user.pk, method="change")


@receiver(password_set, dispatch_uid="accounts.record_password_set")
def record_password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.record_password_change(user_id=user.pk, method="set")


@receiver(password_reset, dispatch_uid="accounts.record_password_reset")
def record_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.record_password_change(user_id=user.pk, method="reset")


@receiver(email_changed, dispatch_uid="accounts.record_email_changed")
def record_email_changed(
    sender: Any,
    request: Any,
    user: Any,
    from_email_address: Any,
    to_email_address: Any,
    **kwargs: Any,
) -> None:
    # A member created outside allauth (admin, shell) has no previous EmailAddress row.
    old_email = from_email_address.email if from_email_address else None
    services.record_email_change(
        user_id=user.pk, old_email=old_email, new_email=to_email_address.email
    )
