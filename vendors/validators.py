"""Validation of Korean business identifiers held by a vendor."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Weights of the first nine digits in the National Tax Service checksum.
BUSINESS_NUMBER_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_SEPARATORS = re.compile(r"[\s-]")


def normalise_business_number(value: str) -> str:
    """Return ``value`` without dashes and spaces: ``123-45-67890`` -> ``1234567890``."""
    return _SEPARATORS.sub("", str(value or ""))


def business_number_check_digit(first_nine: str) -> int:
    """Return the check digit (the 10th) of a business registration number (사업자등록번호).

    The National Tax Service rule: multiply the first nine digits by the weights
    1, 3, 7, 1, 3, 7, 1, 3, 5 and add the products; add also the tens digit of
    ``9th digit x 5`` (the product of the last weight can reach 45 and its carry
    counts); the check digit is ``(10 - total % 10) % 10``.
    """
    digits = [int(char) for char in first_nine]
    total = sum(
        digit * weight for digit, weight in zip(digits, BUSINESS_NUMBER_WEIGHTS, strict=True)
    )
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def is_valid_business_number(value: str) -> bool:
    """Return True when ``value`` (dashes allowed) is 10 digits with a correct check digit."""
    number = normalise_business_number(value)
    if not (len(number) == 10 and number.isascii() and number.isdigit()):
        return False
    return business_number_check_digit(number[:9]) == int(number[9])


def validate_business_number(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid business registration number."""
    if not is_valid_business_number(value):
        raise ValidationError(
            _("Enter a valid 10-digit business registration number (사업자등록번호)."),
            code="invalid_business_number",
        )


def format_business_number(value: str) -> str:
    """Return the stored 10 digits in the usual ``123-45-67890`` form."""
    number = normalise_business_number(value)
    if len(number) != 10:
        return number
    return f"{number[:3]}-{number[3:5]}-{number[5:]}"
