"""Money helpers: no floats, currency rounding, VAT inside KRW prices."""

from decimal import Decimal

import pytest

from shop import money


def test_floats_are_refused():
    with pytest.raises(money.MoneyError):
        money.to_decimal(0.1)


def test_krw_rounds_half_up_to_whole_won():
    assert money.quantize("1234.5", "KRW") == Decimal("1235")
    assert money.to_minor_units("19.99", "USD") == 1999


def test_vat_is_one_eleventh_of_the_taxable_part():
    assert money.vat_included(11000) == Decimal("1000")
    assert money.vat_included(33000, tax_free=11000) == Decimal("2000")
    with pytest.raises(money.MoneyError):
        money.vat_included(1000, tax_free=2000)


def test_format_krw():
    assert money.format_krw(1234567) == "1,234,567원"
