"""Reactions of promotions to lower apps' events; each calls one service, safe to run twice."""

from __future__ import annotations

from accounts.events import UserSignedUp
from accounts.models import User
from promotions import services
from promotions.models import Coupon
from shop.events import listen


@listen(UserSignedUp)
def give_signup_coupons(event: UserSignedUp) -> None:
    """A new member gets every active signup coupon (가입 축하 쿠폰), once."""
    user = User.objects.filter(pk=event.user_id).first()
    if user is not None:
        services.issue_automatic(user=user, issue=Coupon.Issue.SIGNUP, source="signup")
