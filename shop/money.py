"""Money: amounts are Decimal (never float), rounded the way each currency requires.

KRW has no minor unit. Prices include VAT (10%); an order's VAT is worked out from its
taxable part the way Korean payment providers expect: taxable / 11, rounded half up.
"""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY_DECIMALS = {"KRW": 0, "USD": 2, "JPY": 0, "EUR": 2}
DEFAULT_CURRENCY = "KRW"
VAT_DIVISOR = Decimal(11)  # gross = supply * 1.1, so VAT = gross / 11


class MoneyError(ValueError):
    """An amount that cannot be money: a float, a fraction below the minor unit, NaN."""


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal; refuse floats, which cannot hold money exactly."""
    if isinstance(value, float):
        raise MoneyError("floats are not money; pass a Decimal, int or str")
    amount = Decimal(value)
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return amount


def quantize(value: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """Round ``value`` half up to the currency's minor unit."""
    exponent = Decimal(1).scaleb(-CURRENCY_DECIMALS[currency])
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def to_minor_units(value: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> int:
    """Return the amount as an integer count of the currency's minor unit (cents, won)."""
    return int(quantize(value, currency).scaleb(CURRENCY_DECIMALS[currency]))


def vat_included(gross: Decimal | int | str, *, tax_free: Decimal | int | str = 0) -> Decimal:
    """Return the VAT inside ``gross`` KRW, of which ``tax_free`` bears none."""
    taxable = to_decimal(gross) - to_decimal(tax_free)
    if taxable < 0:
        raise MoneyError("tax-free part exceeds the total")
    return quantize(taxable / VAT_DIVISOR, "KRW")


def format_krw(value: Decimal | int | str) -> str:
    """Return ``12,000원`` style text."""
    return f"{quantize(value, 'KRW'):,.0f}원"
