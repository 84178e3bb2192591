"""Korean phone numbers: tidy what people type before it is validated."""

import re

_NOT_DIGIT = re.compile(r"\D")


def normalize_phone(value: str) -> str:
    """Return ``value`` as ``010-1234-5678`` / ``02-123-4567``, or stripped if it is no number.

    People type numbers with spaces, dots or no separators at all; storing one shape
    keeps search and courier labels consistent. Text that is not a plausible number
    is returned stripped so the validator can name it.
    """
    value = value.strip()
    digits = _NOT_DIGIT.sub("", value)
    if not re.fullmatch(r"[\d\s.\-()]+", value) or not 9 <= len(digits) <= 11:
        return value
    area_length = 2 if digits.startswith("02") else 3
    area, rest = digits[:area_length], digits[area_length:]
    if len(rest) not in (7, 8):
        return value
    return f"{area}-{rest[:-4]}-{rest[-4:]}"
