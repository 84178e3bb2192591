"""Data loss prevention: card numbers, resident registration numbers and secrets masked.

The shop never asks for a card number (payments redirect to the providers, PCI DSS SAQ A)
or a 주민등록번호 (PIPA 제24조의2), but a customer can still type one into a free-text
field, and a log line can still carry a token. ``mask_free_text`` is applied to what
customers write before it is stored (the fields each app names with ``mask_free_text_on``); ``mask_log_text`` to every
log line and error report (``shop.logging``, ``shop.observability``).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model
from django.db.models.signals import pre_save

MASK = "*"
REDACTED = "[redacted]"

# 13 to 19 digits, as one run or grouped the way cards print them (4-4-4-x, Amex 4-6-5),
# not inside a longer number; other groupings (dates, order references) are left alone.
CARD_CANDIDATE = re.compile(
    r"(?<![\d-])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2}[ -]\d{1,7}|\d{4}[ -]\d{6}[ -]\d{4,5})(?![\d-])"
)
# YYMMDD, then the 7-digit rest starting with the sex/century digit (1-8).
RRN = re.compile(r"(?<!\d)(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))[- ]?[1-8]\d{6}(?!\d)")
# Korean mobile numbers; the last four digits stay readable for support.
MOBILE = re.compile(r"(?<!\d)(01[016789])[- ]?\d{3,4}[- ]?(\d{4})(?!\d)")
# "name=value" or "name": "value" pairs whose value is a credential or a provider token.
SECRET_NAMES = "|".join(
    [
        r"password\d?|passwd|pg_token|tid|sid|aid|[a-z_]*token|[a-z_]*secret|[a-z_]*api_key",
        r"authorization|cookie|sessionid|csrftoken|ci|di|recurrent_?id|billing_?key",
    ]
)
SECRET_PAIR = re.compile(
    rf"""(?P<name>\b(?:{SECRET_NAMES}))(?P<sep>["']?\s*[:=]\s*["']?)(?P<value>[^\s"'&,;}}]+)""",
    re.IGNORECASE,
)
BEARER = re.compile(r"\b(Bearer|Basic|SECRET_KEY|KakaoAK)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    """Replace every Luhn-valid 13-19 digit number with stars and its last four digits."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if not luhn_valid(digits):
            return match.group()
        return MASK * (len(digits) - 4) + digits[-4:]

    return CARD_CANDIDATE.sub(mask, text)


def mask_rrns(text: str) -> str:
    """Keep a resident registration number's birth date only: ``900101-*******``."""
    return RRN.sub(lambda match: f"{match.group(1)}-{MASK * 7}", text)


def mask_free_text(text: str) -> str:
    return mask_rrns(mask_card_numbers(text))


def mask_log_text(text: str) -> str:
    """Mask what a log line or error report must never carry (PRIV-05)."""
    text = BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = SECRET_PAIR.sub(lambda m: f"{m.group('name')}{m.group('sep')}{REDACTED}", text)
    text = MOBILE.sub(lambda m: f"{m.group(1)}-{MASK * 4}-{m.group(2)}", text)
    return mask_free_text(text)


def mask_free_text_on(model: type[Model], *fields: str) -> None:
    """Mask card numbers and RRNs customers type into ``fields`` of ``model`` before a save.

    Each app names its own free-text fields from its ``AppConfig.ready``, so this module
    never needs to know the models above it.
    """

    def mask(sender: type[Model], instance: Model, **_kwargs: Any) -> None:
        for name in fields:
            value = getattr(instance, name, None)
            if isinstance(value, str) and value:
                setattr(instance, name, mask_free_text(value))

    pre_save.connect(mask, sender=model, weak=False, dispatch_uid=f"shop.dlp.{model._meta.label}")
